"""NLU figures on a labelled set (`make eval-nlu`): runs in the RASA environment (.venv-rasa).

    .venv-rasa/bin/python tools/evaluate_nlu.py --model models/vigie.tar.gz --nlu tests/nlu/dev.yml

Loads the trained model once with Rasa itself and parses every example through the whole
pipeline (teen tokenizer, featurizers, DIET, FallbackClassifier, distress safety net), then
prints:
  - accuracy and macro-F1 as `rasa test nlu` computes them (a FallbackClassifier prediction is
    undone, so this measures the classifier + safety net), per-intent precision/recall/F1;
  - `distress` recall and the false-distress rate (non-distress messages predicted distress),
    and how many distress predictions came from the safety net;
  - what the FallbackClassifier does at the configured threshold (share of messages sent to
    nlu_fallback, share accepted but wrong) and the same for other thresholds (`--sweep`);
  - accuracy of the `choice` entity on choose_option examples;
  - in-process parse latency (median, p95) — the HTTP `/model/parse` figure is `make bench-nlu`.
Writes everything as JSON to --json (default results/nlu-eval.json; results/ is git-ignored).

Imports nothing from the application packages (actions, api, bot, vigie); the model's custom
components are imported from nlu/ by Rasa itself, so the repository root goes on sys.path.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import logging
import os
import statistics
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FALLBACK = "nlu_fallback"
DISTRESS = "distress"
SWEEP = (0.0, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8)
# The engine's navigation intents (the keys of Engine.navigation in actions/engine.py, copied:
# this script imports nothing from the app). During an open question the engine obeys one of
# these only when its NLU confidence reaches NAVIGATION_CONFIDENCE; otherwise the message is
# scored as an answer.
NAVIGATION = frozenset(
    {"ask_hint", "repeat", "skip", "stop", "show_progress", "plain_language", "forget_me"}
)
OPEN_ANSWER = "describe_check"
NAVIGATION_THRESHOLDS = (0.5, 0.6, 0.7, 0.8)


def _quiet() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    try:  # Rasa 3.6 logs every parse through structlog at debug level
        import structlog

        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    except ImportError:  # pragma: no cover
        pass


def load_examples(path: Path) -> list[dict[str, Any]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    examples = []
    for message in data.intent_examples:
        entities = {e["entity"]: str(e.get("value", "")) for e in message.get("entities") or []}
        examples.append(
            {"text": message.get("text"), "intent": message.get("intent"), "entities": entities}
        )
    return examples


def fallback_config(agent: Any) -> tuple[float, float]:
    """Threshold and ambiguity threshold of the model's FallbackClassifier (0, 0 if none)."""
    for node in agent.processor.model_metadata.predict_schema.nodes.values():
        if node.uses.__name__ == "FallbackClassifier":
            return float(node.config.get("threshold", 0.3)), float(
                node.config.get("ambiguity_threshold", 0.1)
            )
    return 0.0, 0.0


async def parse_all(agent: Any, texts: list[str]) -> tuple[list[dict[str, Any]], list[float]]:
    results, timings = [], []
    await agent.parse_message("warm up")
    for text in texts:
        start = time.perf_counter()
        parsed = await agent.parse_message(text)
        timings.append((time.perf_counter() - start) * 1000)
        results.append(parsed)
    return results, timings


def classifier_view(parsed: dict[str, Any]) -> tuple[str, float, float]:
    """Top intent, its confidence and the second confidence, without the fallback intent."""
    ranking = [r for r in parsed.get("intent_ranking") or [] if r.get("name") != FALLBACK]
    intent = parsed.get("intent") or {}
    name = intent.get("name")
    if name == FALLBACK:
        name = ranking[0]["name"] if ranking else FALLBACK
        confidence = ranking[0]["confidence"] if ranking else 0.0
    else:
        confidence = float(intent.get("confidence") or 0.0)
    others = [r["confidence"] for r in ranking if r.get("name") != name]
    return name, float(confidence), float(others[0]) if others else 0.0


def per_intent(gold: list[str], predicted: list[str]) -> dict[str, dict[str, float]]:
    labels = sorted(set(gold))
    report = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report[label] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": tp + fn,
            "confused_with": dict(
                Counter(
                    p for g, p in zip(gold, predicted, strict=True) if g == label and p != label
                ).most_common(3)
            ),
        }
    return report


def fallback_outcome(
    rows: list[dict[str, Any]], threshold: float, ambiguity: float
) -> dict[str, float]:
    """What a FallbackClassifier at (threshold, ambiguity) would do on these rows."""
    to_fallback = accepted_wrong = accepted_right = 0
    for row in rows:
        if row["net"]:  # the safety net runs after the fallback: always distress
            accepted_right += row["gold"] == DISTRESS
            accepted_wrong += row["gold"] != DISTRESS
            continue
        falls = row["confidence"] < threshold or row["confidence"] - row["second"] < ambiguity
        if falls:
            to_fallback += 1
        elif row["classifier"] == row["gold"]:
            accepted_right += 1
        else:
            accepted_wrong += 1
    n = len(rows) or 1
    return {
        "threshold": threshold,
        "ambiguity_threshold": ambiguity,
        "to_fallback": to_fallback / n,
        "accepted_wrong": accepted_wrong / n,
        "accepted_right": accepted_right / n,
        "fallback_of_correct": sum(
            1
            for r in rows
            if not r["net"]
            and r["classifier"] == r["gold"]
            and (r["confidence"] < threshold or r["confidence"] - r["second"] < ambiguity)
        )
        / n,
    }


def evaluate(model: Path, nlu: Path, sweep: bool) -> dict[str, Any]:
    _quiet()
    # Rasa, TensorFlow and their dependencies print deprecation noise while importing and
    # loading; an error still raises (and is shown) once out of the block.
    with contextlib.redirect_stderr(io.StringIO()):
        from rasa.core.agent import Agent

        _quiet()
        examples = load_examples(nlu)
        load_start = time.perf_counter()
        agent = Agent.load(str(model))
        load_seconds = time.perf_counter() - load_start
    parsed, timings = asyncio.run(parse_all(agent, [e["text"] for e in examples]))
    threshold, ambiguity = fallback_config(agent)

    rows = []
    for example, result in zip(examples, parsed, strict=True):
        name, confidence, second = classifier_view(result)
        rows.append(
            {
                "text": example["text"],
                "gold": example["intent"],
                "final": (result.get("intent") or {}).get("name"),
                "classifier": name,
                "confidence": confidence,
                "second": second,
                "net": bool(result.get("distress_safety_net")),
                "net_classifier": (result.get("distress_safety_net") or {}).get(
                    "classifier_intent"
                ),
                "entities": {
                    e["entity"]: str(e.get("value", "")) for e in result.get("entities") or []
                },
                "gold_entities": example["entities"],
            }
        )

    gold = [r["gold"] for r in rows]
    predicted = [r["classifier"] for r in rows]
    report = per_intent(gold, predicted)
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(rows)
    macro_f1 = statistics.fmean(v["f1"] for v in report.values())
    distress_rows = [r for r in rows if r["gold"] == DISTRESS]
    other_rows = [r for r in rows if r["gold"] != DISTRESS]
    choice_rows = [r for r in rows if r["gold_entities"].get("choice")]

    def choice_ok(row: dict[str, Any]) -> bool:
        value = row["entities"].get("choice", "").lower()
        want = row["gold_entities"]["choice"].lower()
        return value == want or value in _SYNONYMS.get(want, set()) | _SYNONYMS_OF.get(want, set())

    results = {
        "model": str(model),
        "nlu": str(nlu),
        "examples": len(rows),
        "accuracy": accuracy,
        "macro_f1": macro_f1,
        "per_intent": report,
        "distress_recall": sum(r["classifier"] == DISTRESS for r in distress_rows)
        / max(len(distress_rows), 1),
        "distress_support": len(distress_rows),
        "false_distress_rate": sum(r["classifier"] == DISTRESS for r in other_rows)
        / max(len(other_rows), 1),
        "false_distress": [r["text"] for r in other_rows if r["classifier"] == DISTRESS],
        "net_overrides": sum(r["net"] for r in rows),
        "net_rescued": sum(
            r["net"] and r["net_classifier"] != DISTRESS and r["gold"] == DISTRESS for r in rows
        ),
        "fallback": fallback_outcome(rows, threshold, ambiguity),
        "fallback_sweep": [fallback_outcome(rows, t, ambiguity) for t in SWEEP] if sweep else [],
        "choice_entity_accuracy": sum(choice_ok(r) for r in choice_rows) / max(len(choice_rows), 1),
        "latency_ms": {
            "median": statistics.median(timings),
            "p95": sorted(timings)[max(round(0.95 * len(timings)) - 1, 0)],
            "n": len(timings),
        },
        "model_load_seconds": load_seconds,
        "training_seconds": training_seconds(model),
        "navigation": [navigation_outcome(rows, t) for t in NAVIGATION_THRESHOLDS],
        "errors": [
            {k: r[k] for k in ("text", "gold", "classifier", "confidence", "final")}
            for r in rows
            if r["classifier"] != r["gold"]
        ],
    }
    return results


def training_seconds(model: Path) -> float | None:
    """Wall time of the last `make model` (the Makefile writes "<start> <end>" next to it)."""
    stamp = model.with_name(model.name.split(".")[0] + ".train-time")
    try:
        start, end = (float(v.replace(",", ".")) for v in stamp.read_text().split()[:2])
    except (OSError, ValueError):
        return None
    return end - start if stamp.stat().st_mtime >= model.stat().st_mtime - 5 else None


def navigation_outcome(rows: list[dict[str, Any]], threshold: float) -> dict[str, float]:
    """At the engine's navigation threshold: navigation obeyed vs open answers hijacked."""
    nav = [r for r in rows if r["gold"] in NAVIGATION]
    answers = [r for r in rows if r["gold"] == OPEN_ANSWER]
    return {
        "threshold": threshold,
        "navigation_obeyed": sum(
            r["final"] == r["gold"] and r["confidence"] >= threshold for r in nav
        )
        / max(len(nav), 1),
        "answers_hijacked": sum(
            r["final"] in NAVIGATION and r["confidence"] >= threshold for r in answers
        )
        / max(len(answers), 1),
    }


# The choice entity may come back as the option letter (synonym) or as typed.
_SYNONYMS_OF: dict[str, set[str]] = {}
_SYNONYMS: dict[str, set[str]] = {}


def _load_synonyms() -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "nlu" / "intents" / "choices.yml"))
    for typed, letter in data.entity_synonyms.items():
        _SYNONYMS.setdefault(typed.lower(), set()).add(letter.lower())
        _SYNONYMS_OF.setdefault(letter.lower(), set()).add(typed.lower())


def print_report(results: dict[str, Any], show_errors: bool) -> None:
    fb = results["fallback"]
    print(f"NLU evaluation of {results['model']} on {results['nlu']} ({results['examples']} ex.)")
    print(f"  accuracy           {results['accuracy']:.3f}   (target >= 0.95)")
    print(f"  macro-F1           {results['macro_f1']:.3f}   (target >= 0.93)")
    print(
        f"  distress recall    {results['distress_recall']:.3f}   (target = 1.00, "
        f"{results['distress_support']} ex.; safety net fired {results['net_overrides']}x, "
        f"rescued {results['net_rescued']})"
    )
    print(f"  false distress     {results['false_distress_rate']:.3f}   (target <= 0.02)")
    print(f"  choice entity      {results['choice_entity_accuracy']:.3f}")
    print(
        f"  fallback @ {fb['threshold']:.2f} (ambiguity {fb['ambiguity_threshold']:.2f}): "
        f"{fb['to_fallback']:.1%} to nlu_fallback "
        f"(of which correct {fb['fallback_of_correct']:.1%}), "
        f"{fb['accepted_wrong']:.1%} accepted but wrong"
    )
    lat = results["latency_ms"]
    print(
        f"  parse latency      median {lat['median']:.1f} ms, p95 {lat['p95']:.1f} ms "
        f"(in-process, {lat['n']} parses; model load {results['model_load_seconds']:.1f} s)"
    )
    if results["training_seconds"] is not None:
        print(
            f"  training time      {results['training_seconds']:.0f} s (last `make model`; Rasa's"
            " training cache may reuse components — `make bench-nlu` times a forced one)"
        )
    print("\n  intent               prec  recall  f1     n   confused with")
    for name, row in sorted(results["per_intent"].items(), key=lambda kv: kv[1]["f1"]):
        confused = ", ".join(f"{k} {v}" for k, v in row["confused_with"].items())
        print(
            f"  {name:<19} {row['precision']:.2f}  {row['recall']:.2f}   {row['f1']:.2f}  "
            f"{row['support']:>3}   {confused}"
        )
    if results["fallback_sweep"]:
        print("\n  fallback threshold   to nlu_fallback  (correct ones lost)  accepted but wrong")
        for row in results["fallback_sweep"]:
            print(
                f"  {row['threshold']:.2f}                 {row['to_fallback']:6.1%}"
                f"           {row['fallback_of_correct']:6.1%}"
                f"           {row['accepted_wrong']:6.1%}"
            )
    print("\n  open question (engine NAVIGATION_CONFIDENCE): navigation obeyed / answers hijacked")
    for row in results["navigation"]:
        print(
            f"  {row['threshold']:.2f}   {row['navigation_obeyed']:6.1%} of navigation messages, "
            f"{row['answers_hijacked']:6.1%} of describe_check answers"
        )
    if results["false_distress"]:
        print("\n  false distress:", *results["false_distress"], sep="\n    ")
    if show_errors:
        print("\n  errors (gold -> predicted, confidence):")
        for e in results["errors"]:
            print(f"    {e['gold']} -> {e['classifier']} {e['confidence']:.2f}  {e['text']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "vigie.tar.gz")
    parser.add_argument("--nlu", type=Path, default=ROOT / "tests" / "nlu" / "dev.yml")
    parser.add_argument("--json", type=Path, default=ROOT / "results" / "nlu-eval.json")
    parser.add_argument("--sweep", action="store_true", help="also try other fallback thresholds")
    parser.add_argument("--errors", action="store_true", help="list every misclassified example")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    _quiet()
    with contextlib.redirect_stderr(io.StringIO()):
        _load_synonyms()
    results = evaluate(args.model, args.nlu, args.sweep)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print_report(results, args.errors)
    print(f"\n  (full results: {args.json})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
