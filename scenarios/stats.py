"""Figures on the catalogue (`vigie scenarios stats`) and the educators' table (`--markdown`).

Reads the catalogue only; never changes a scenario and never sees a learner. What a learner reads
on a phone is measured on the engine's transcript, passed in by the caller: scenarios imports no
app (docs/architecture.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from statistics import mean

from pydantic import BaseModel

from scenarios.loader import Catalogue
from scenarios.readability import Counts, count, words
from scenarios.rules import TEMPLATE_PHRASES, fold_accents
from scenarios.schema import (
    Criterion,
    Difficulty,
    InvestigateStep,
    Kind,
    Level,
    OpenStep,
    Scenario,
    Tool,
    Wording,
)
from vigie.data_files import DataModel, load_yaml

MIN_COVERAGE = 4
REPEAT_MIN_WORDS = 5  # a sentence this long printed twice in one scenario is a repetition
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_QUOTE = re.compile(r"«[^»]*»")  # quoting the item in a question is not a repetition
LABELS_FILE = Path(__file__).resolve().parent / "stats_labels.yml"
_CODE = re.compile(r"^(CRCN|DigComp)\s+(\d+\.\d+)\s*(.*)$")


def wordings(model: object) -> Iterator[Wording]:
    """Every learner-facing text of a scenario, depth first, in schema order."""
    if isinstance(model, Wording):
        yield model
    elif isinstance(model, BaseModel):
        for name in type(model).model_fields:
            yield from wordings(getattr(model, name))
    elif isinstance(model, list | tuple):
        for value in model:
            yield from wordings(value)


def expected_criteria(scenario: Scenario) -> set[Criterion]:
    return {c for step in scenario.steps if isinstance(step, OpenStep) for c in step.expected}


@dataclass(frozen=True)
class Reading:
    """Kandel–Moles of the texts that have both versions, and how many lack a plain one."""

    scenario_id: str
    fr: float
    falc: float
    paired: int
    without_falc: int

    @property
    def gain(self) -> float:
        return self.falc - self.fr


def reading_level(scenario: Scenario) -> Reading:
    fr, falc = Counts(), Counts()
    paired = missing = 0
    for wording in wordings(scenario):
        if wording.falc:
            fr, falc = fr + count(wording.fr), falc + count(wording.falc)
            paired += 1
        else:
            missing += 1
    return Reading(scenario.id, fr.kandel_moles, falc.kandel_moles, paired, missing)


@dataclass(frozen=True)
class Screen:
    """One scenario on a phone, played with the right answers: what the learner reads."""

    scenario_id: str
    words: int
    bubbles: int
    repeated: list[str]  # template phrases or sentences printed more than once


def _sentence_key(sentence: str) -> str:
    return " ".join(re.findall(r"\w+", fold_accents(sentence).lower()))


def repeated_texts(bubbles: list[str]) -> list[str]:
    """Template phrases said twice, and sentences of ≥ 5 words printed in two bubbles (what is
    quoted « … » from the item does not count)."""
    whole = fold_accents("\n".join(bubbles)).lower()
    found = [p for p in TEMPLATE_PHRASES if whole.count(fold_accents(p).lower()) > 1]
    seen: dict[str, int] = {}
    for index, text in enumerate(bubbles):
        for sentence in _SENTENCE.split(_QUOTE.sub(" ", text)):
            key = _sentence_key(sentence)
            if len(key.split()) < REPEAT_MIN_WORDS:
                continue
            if key in seen and seen[key] != index:
                found.append(sentence.strip())
            seen.setdefault(key, index)
    return found


@dataclass(frozen=True)
class Investigation:
    """A scenario's investigate step: its menu, budget, and the tools it rewards (evidence)."""

    scenario_id: str
    tools: list[Tool]
    budget: int
    enough: int
    rewarded: list[Tool]
    voids: list[Tool]


def investigation(scenario: Scenario) -> Investigation | None:
    step = next((s for s in scenario.steps if isinstance(s, InvestigateStep)), None)
    if step is None:
        return None
    return Investigation(
        scenario.id,
        [move.tool for move in step.moves],
        step.budget,
        step.enough,
        [move.tool for move in step.moves if move.evidence],
        [move.tool for move in step.moves if move.void],
    )


Transcript = Callable[[Catalogue, str], list[str]]
"""The texts a learner reads of one scenario played with the right answers, bubble by bubble
(`actions.transcript.texts`: the engine itself says what is printed)."""


def screen(scenario_id: str, bubbles: list[str]) -> Screen:
    total = sum(len(words(text)) for text in bubbles)
    return Screen(scenario_id, total, len(bubbles), repeated_texts(bubbles))


@dataclass(frozen=True)
class Stats:
    total: int
    by_kind_level: dict[tuple[Kind, Level], int]
    reliable_by_kind_level: dict[tuple[Kind, Level], int]
    reliable: int
    steps: list[int]
    step_kinds: dict[str, tuple[int, int]]  # kind → (steps, scenarios having one)
    coverage: dict[Criterion, int]
    reading: list[Reading]
    screens: list[Screen]
    investigations: list[Investigation]

    @property
    def reliable_share(self) -> float:
        return self.reliable / self.total if self.total else 0.0

    @property
    def missing_kind_levels(self) -> list[tuple[Kind, Level]]:
        return [key for key, value in self.by_kind_level.items() if value == 0]

    @property
    def thin_criteria(self) -> list[Criterion]:
        return [c for c, n in self.coverage.items() if n < MIN_COVERAGE]

    @property
    def mean_fr(self) -> float:
        return mean(r.fr for r in self.reading) if self.reading else 0.0

    @property
    def mean_falc(self) -> float:
        return mean(r.falc for r in self.reading) if self.reading else 0.0

    @property
    def falc_not_easier(self) -> list[str]:
        return [r.scenario_id for r in self.reading if r.falc <= r.fr]

    @property
    def with_data_void(self) -> list[str]:
        return [i.scenario_id for i in self.investigations if i.voids]

    def tool_counts(self) -> dict[Tool, tuple[int, int]]:
        """Tool → (scenarios offering it, scenarios rewarding it)."""
        return {
            tool: (
                sum(tool in i.tools for i in self.investigations),
                sum(tool in i.rewarded for i in self.investigations),
            )
            for tool in Tool
        }

    @property
    def printed_twice(self) -> dict[str, list[str]]:
        return {s.scenario_id: s.repeated for s in self.screens if s.repeated}


def compute(catalogue: Catalogue, *, transcript: Transcript) -> Stats:
    scenarios = list(catalogue.scenarios.values())
    by_kind_level = {(kind, level): 0 for kind in Kind for level in Level}
    reliable_by_kind_level = dict(by_kind_level)
    for scenario in scenarios:
        by_kind_level[(scenario.kind, scenario.level)] += 1
        reliable_by_kind_level[(scenario.kind, scenario.level)] += scenario.item.reliable
    step_counts: Counter[str] = Counter()
    having: Counter[str] = Counter()
    for scenario in scenarios:
        kinds = [step.kind for step in scenario.steps]
        step_counts.update(kinds)
        having.update(set(kinds))
    coverage = {criterion: 0 for criterion in Criterion}
    for scenario in scenarios:
        for criterion in expected_criteria(scenario):
            coverage[criterion] += 1
    return Stats(
        total=len(scenarios),
        by_kind_level=by_kind_level,
        reliable_by_kind_level=reliable_by_kind_level,
        reliable=sum(scenario.item.reliable for scenario in scenarios),
        steps=[len(scenario.steps) for scenario in scenarios],
        step_kinds={kind: (step_counts[kind], having[kind]) for kind in sorted(step_counts)},
        coverage=coverage,
        reading=[reading_level(scenario) for scenario in scenarios],
        screens=[screen(s.id, transcript(catalogue, s.id)) for s in scenarios],
        investigations=[i for s in scenarios if (i := investigation(s)) is not None],
    )


# ----- the operator's report -----------------------------------------------------------------


def _kind_level_table(stats: Stats) -> list[str]:
    """Scenarios per kind and level, each cell « n (r) » with r the reliable items among n."""
    levels = list(Level)
    width = max(len(kind.value) for kind in Kind)

    def row(name: str, keys: list[list[tuple[Kind, Level]]]) -> str:
        cells = [
            (
                sum(stats.by_kind_level[k] for k in key),
                sum(stats.reliable_by_kind_level[k] for k in key),
            )
            for key in keys
        ]
        return f"  {name:<{width}}  " + "  ".join(f"{f'{n} ({r})':>8}" for n, r in cells)

    lines = [f"  {'kind':<{width}}  " + "  ".join(f"{lv.value:>8}" for lv in levels) + "     total"]
    for kind in Kind:
        per_level = [[(kind, level)] for level in levels]
        lines.append(row(kind.value, [*per_level, [(kind, level) for level in levels]]))
    per_level = [[(kind, level) for kind in Kind] for level in levels]
    lines.append(row("total", [*per_level, [key for keys in per_level for key in keys]]))
    missing = ", ".join(f"{k.value}/{lv.value}" for k, lv in stats.missing_kind_levels)
    lines.append("  (in brackets: the reliable items, verdict « vrai »)")
    lines.append(f"  missing kind × level: {missing or 'none'}")
    return lines


def report(stats: Stats) -> str:
    lines = [f"{stats.total} scenarios", "", "Scenarios by kind, level and reliability"]
    lines += _kind_level_table(stats)
    share = stats.reliable_share
    flag = "" if share >= 1 / 3 else "  ⚠ below 1/3"
    lines += ["", f"Reliable items: {stats.reliable}/{stats.total} ({share:.0%}){flag}", ""]
    if stats.steps:
        lines.append(
            f"Steps per scenario: min {min(stats.steps)}, mean {mean(stats.steps):.1f}, "
            f"max {max(stats.steps)}"
        )
    for kind, (steps, scenarios) in stats.step_kinds.items():
        lines.append(f"  {kind:<8} {steps:>3} steps in {scenarios:>2} scenarios")
    lines += [
        "",
        f"Criteria coverage (scenarios whose open step expects it; need ≥ {MIN_COVERAGE})",
    ]
    for criterion, n in stats.coverage.items():
        lines.append(f"  {criterion.value:<9} {n:>3}" + ("  ⚠ too few" if n < MIN_COVERAGE else ""))
    lines += [
        "",
        "Reading level: Kandel–Moles (higher is easier), fr vs falc on the texts having both",
        f"  {'scenario':<30} {'fr':>6} {'falc':>6} {'gain':>6}  texts  no falc",
    ]
    for r in sorted(stats.reading, key=lambda r: r.scenario_id):
        mark = "  ⚠" if r.falc <= r.fr else ""
        lines.append(
            f"  {r.scenario_id:<30} {r.fr:>6.1f} {r.falc:>6.1f} {r.gain:>+6.1f}  "
            f"{r.paired:>5}  {r.without_falc:>7}{mark}"
        )
    lines.append(
        f"  {'mean':<30} {stats.mean_fr:>6.1f} {stats.mean_falc:>6.1f} "
        f"{stats.mean_falc - stats.mean_fr:>+6.1f}"
    )
    lines.append(f"  falc not easier in {len(stats.falc_not_easier)} scenario(s)")
    return "\n".join([*lines, "", *_screen_lines(stats), "", *_investigation_lines(stats)])


def _investigation_lines(stats: Stats) -> list[str]:
    found = stats.investigations
    lines = [
        f"Investigate step: in {len(found)}/{stats.total} scenarios; data voids in "
        f"{len(stats.with_data_void)}",
        f"  {'scenario':<30} {'moves':>5} {'budget':>6} {'enough':>6} {'voids':>5}  "
        "rewarded tools (* a data void)",
    ]
    for step in sorted(found, key=lambda step: step.scenario_id):
        tools = ", ".join(t.value + ("*" if t in step.voids else "") for t in step.rewarded)
        lines.append(
            f"  {step.scenario_id:<30} {len(step.tools):>5} {step.budget:>6} {step.enough:>6} "
            f"{len(step.voids):>5}  {tools}"
        )
    lines.append(f"  {'tool':<14} {'offered':>7} {'rewarded':>8}  (scenarios)")
    for tool, (offered, rewarded) in stats.tool_counts().items():
        lines.append(f"  {tool.value:<14} {offered:>7} {rewarded:>8}")
    return lines


def _screen_lines(stats: Stats) -> list[str]:
    lines = [
        "On a phone: words and bubbles per scenario, played with the right answers",
        f"  {'scenario':<30} {'words':>6} {'bubbles':>8}",
    ]
    for s in sorted(stats.screens, key=lambda s: s.scenario_id):
        lines.append(f"  {s.scenario_id:<30} {s.words:>6} {s.bubbles:>8}")
    if stats.screens:
        lines.append(
            f"  {'mean':<30} {mean(s.words for s in stats.screens):>6.0f} "
            f"{mean(s.bubbles for s in stats.screens):>8.1f}"
        )
    twice = stats.printed_twice
    lines.append(f"  text printed twice: {'none' if not twice else f'{len(twice)} scenario(s)'}")
    lines += [f"    {sid}: « {text} »" for sid, texts in twice.items() for text in texts]
    return lines


# ----- the educators' table --------------------------------------------------------------------


class StatsLabels(DataModel):
    """stats_labels.yml: the words of the educators' table (a code without one shows as is)."""

    columns: list[str]
    reliable: str
    unreliable: str
    kinds: dict[Kind, str]
    levels: dict[Level, str]
    difficulties: dict[Difficulty, str]
    criteria: dict[Criterion, str]
    tools: dict[Tool, str]
    legend: str


@cache
def labels() -> StatsLabels:
    return load_yaml(LABELS_FILE, StatsLabels)


def competence_codes(competences: list[str]) -> str:
    """'CRCN 1.1, 2.2 · DigComp 1.2' from the catalogue's full competence lines."""
    grouped: dict[str, list[str]] = {}
    for line in competences:
        match = _CODE.match(line.strip())
        if match:
            grouped.setdefault(match.group(1), []).append(match.group(2))
    return " · ".join(f"{name} {', '.join(sorted(codes))}" for name, codes in grouped.items())


def competence_legend(catalogue: Catalogue) -> list[str]:
    names: dict[str, str] = {}
    for scenario in catalogue.scenarios.values():
        for line in scenario.competences:
            match = _CODE.match(line.strip())
            if match:
                names[f"{match.group(1)} {match.group(2)}"] = match.group(3)
    return [f"- **{code}** : {names[code]}" for code in sorted(names)]


def _sort_key(title: str) -> str:
    bare = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9 ]", "", bare.lower()).strip()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(catalogue: Catalogue) -> str:
    """One row per scenario, by level then difficulty then title (French, from stats_labels.yml)."""
    order = {value: index for index, value in enumerate([*Level, *Difficulty])}
    rows = sorted(
        catalogue.scenarios.values(),
        key=lambda s: (order[s.level], order[s.difficulty], _sort_key(s.title.fr)),
    )
    words = labels()
    columns = words.columns
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for s in rows:
        criteria = ", ".join(
            words.criteria.get(c, c.value) for c in Criterion if c in expected_criteria(s)
        )
        found = investigation(s)
        tools = ", ".join(words.tools.get(t, t.value) for t in found.rewarded) if found else ""
        cells = [
            f"{_cell(s.title.fr)} (`{s.id}`)",
            words.kinds.get(s.kind, s.kind.value),
            words.levels.get(s.level, s.level.value),
            words.difficulties.get(s.difficulty, s.difficulty.value),
            str(s.minutes),
            words.reliable if s.item.reliable else words.unreliable,
            competence_codes(s.competences),
            criteria,
            tools or "—",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", words.legend, "", *competence_legend(catalogue)]
    return "\n".join(lines)
