"""Measures the criteria detector: per-criterion F1, no-criterion precision, batch speed.

Never writes anywhere but stdout, and never prints answers unless asked to (--errors).
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from actions.scoring import CRITERIA, detect_batch, detect_criteria
from scenarios.schema import Criterion
from vigie.data_files import DataModel, load_yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "tests" / "scoring" / "dev.yml"
RATE_SAMPLE = 1000


@dataclass(frozen=True)
class Answer:
    """One labelled answer of a dev or test set."""

    text: str
    criteria: frozenset[str]


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives of one criterion."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else 1.0


@dataclass(frozen=True)
class Report:
    """Figures of one evaluation run."""

    size: int
    per_criterion: dict[str, Counts]
    empty_gold: int
    empty_both: int
    errors: list[tuple[Answer, frozenset[str]]]

    @property
    def micro(self) -> Counts:
        counts = self.per_criterion.values()
        return Counts(
            sum(c.tp for c in counts), sum(c.fp for c in counts), sum(c.fn for c in counts)
        )

    @property
    def macro_f1(self) -> float:
        return sum(c.f1 for c in self.per_criterion.values()) / len(self.per_criterion)

    @property
    def no_criterion_precision(self) -> float:
        """Share of the answers labelled with no criterion that are predicted with none."""
        return self.empty_both / self.empty_gold if self.empty_gold else 1.0


class _Labelled(DataModel):
    text: str
    criteria: tuple[Criterion, ...] = ()


class LabelledSet(DataModel):
    """A labelled set: `answers:`, a list of `{text, criteria}`."""

    answers: list[_Labelled]


def load_answers(path: Path) -> list[Answer]:
    """Read a labelled set (`answers:` list of `{text, criteria}`)."""
    labelled = load_yaml(path, LabelledSet).answers
    return [Answer(a.text, frozenset(c.value for c in a.criteria)) for a in labelled]


def evaluate(answers: Sequence[Answer]) -> Report:
    """Score every answer and compare with its labels."""
    predicted = [frozenset(p) for p in detect_batch(a.text for a in answers)]
    per_criterion = {}
    for code in CRITERIA:
        pairs = [(code in a.criteria, code in p) for a, p in zip(answers, predicted, strict=True)]
        per_criterion[code] = Counts(
            tp=sum(g and p for g, p in pairs),
            fp=sum(p and not g for g, p in pairs),
            fn=sum(g and not p for g, p in pairs),
        )
    empty = [p for a, p in zip(answers, predicted, strict=True) if not a.criteria]
    errors = [(a, p) for a, p in zip(answers, predicted, strict=True) if a.criteria != p]
    return Report(len(answers), per_criterion, len(empty), sum(not p for p in empty), errors)


def measure_rate(texts: Sequence[str], n: int = RATE_SAMPLE) -> tuple[float, float]:
    """Seconds to load the model (first call), and to score `n` answers in one batch."""
    start = time.perf_counter()
    detect_criteria("")
    loaded = time.perf_counter()
    detect_batch(list(itertools.islice(itertools.cycle(texts), n)))
    return loaded - start, time.perf_counter() - loaded


def format_report(report: Report, path: Path) -> str:
    micro = report.micro
    lines = [
        f"set: {path} ({report.size} answers, {report.empty_gold} with no criterion)",
        f"micro-F1 {micro.f1:.3f}  (P {micro.precision:.3f}, R {micro.recall:.3f})"
        f"   macro-F1 {report.macro_f1:.3f}",
        "",
        f"{'criterion':<10} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}",
    ]
    for code, c in report.per_criterion.items():
        lines.append(f"{code:<10} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp + c.fn:8d}")
    lines += [
        "",
        f"no-criterion precision (labelled none, predicted none): "
        f"{report.no_criterion_precision:.3f} ({report.empty_both}/{report.empty_gold})",
    ]
    return "\n".join(lines)


def format_errors(report: Report) -> str:
    rows = []
    for answer, predicted in report.errors:
        missed = ",".join(sorted(answer.criteria - predicted)) or "-"
        extra = ",".join(sorted(predicted - answer.criteria)) or "-"
        rows.append(f"missed {missed:<16} extra {extra:<16} {answer.text}")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=DEFAULT_PATH,
        help="labelled set (YAML `answers:` list); default: the dev set",
    )
    parser.add_argument("--errors", action="store_true", help="also list the wrong answers")
    args = parser.parse_args(argv)
    answers = load_answers(args.path)
    load_s, batch_s = measure_rate([a.text for a in answers])
    report = evaluate(answers)
    print(format_report(report, args.path))
    print(
        f"batch rate: {RATE_SAMPLE} answers in {batch_s:.2f} s "
        f"({RATE_SAMPLE / batch_s:.0f} answers/s) after a {load_s:.1f} s model load"
    )
    if args.errors:
        print("\n" + format_errors(report))


if __name__ == "__main__":
    main()
