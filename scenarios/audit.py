"""`vigie scenarios audit`: can a learner score without verifying? Balance figures of the
catalogue and of each quiz form, each against its limit (issue 12); exit 0 only within them.

Reads the catalogue only; never changes a file and never sees a learner.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median

from scenarios import rules
from scenarios.loader import Catalogue
from scenarios.readability import Counts, count
from scenarios.schema import QuizItem, Scenario, ShareStep
from scenarios.surface import Sample, bangs, emoji, surface_accuracy

SURFACE_MAX = 0.65  # balanced leave-one-out accuracy of the best surface classifier
SHARING_GOOD_MIN = 4  # scenarios where sharing (with context) is a good answer
WAITING_COSTS_MIN = 3  # …of which « attendre » is not good (an urgent, verified alert)
_SHOUTED = re.compile(r"\b[A-ZÀ-Ý]{4,}\b")


@dataclass(frozen=True)
class Figure:
    """One line of the audit: a measure, how it reads, and whether it is within its limit."""

    label: str
    value: str
    limit: str = ""
    ok: bool = True

    def line(self) -> str:
        mark = ("✓" if self.ok else "✗") if self.limit else "·"
        limit = f"  (limit {self.limit})" if self.limit else ""
        return f"  {mark} {self.label}: {self.value}{limit}"


@dataclass(frozen=True)
class Section:
    title: str
    figures: list[Figure]
    details: list[str]

    @property
    def ok(self) -> bool:
        return all(figure.ok for figure in self.figures)

    def lines(self) -> list[str]:
        return [
            self.title,
            *(f.line() for f in self.figures),
            *(f"      {d}" for d in self.details),
        ]


def _percent(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole else "—"


# ----- shared figures ----------------------------------------------------------------------------


def surface_figure(samples: Sequence[Sample]) -> Figure:
    scores = surface_accuracy(samples)
    if not scores:
        return Figure("surface-cue classifier", "too few items", f"≤ {SURFACE_MAX:.0%}")
    best, accuracy = next(iter(scores.items()))
    return Figure(
        f"surface-cue classifier (leave-one-out balanced accuracy, best of {len(scores)})",
        f"{accuracy:.0%} ({best})",
        f"≤ {SURFACE_MAX:.0%}",
        accuracy <= SURFACE_MAX,
    )


def judging_figure(hits: list[str]) -> Figure:
    return Figure("judging words before the verdict", str(len(hits)), "0", not hits)


def looks_amateur(sample: Sample) -> bool:
    """Shouted words, « !! » or several emoji: what a hasty reader takes for unreliable."""
    return bool(_SHOUTED.search(sample.text)) or bangs(sample) >= 2 or emoji(sample) >= 2


def looks_figure(samples: Sequence[Sample]) -> Figure:
    bad_true = sum(s.reliable and looks_amateur(s) for s in samples)
    polished_false = sum(not s.reliable and not looks_amateur(s) for s in samples)
    return Figure(
        "reliable items that look amateur / not-reliable items that look polished",
        f"{bad_true} / {polished_false} (spec: ≥ 4 each; « amateur » = capitals, « !! » or emoji)",
    )


# ----- the catalogue -----------------------------------------------------------------------------


def scenario_sample(scenario: Scenario) -> Sample:
    item = scenario.item
    source = " ".join(part for part in (item.author, item.handle, item.url) if part)
    return Sample(item.text.fr, source, item.reliable)


def share_figures(scenarios: Sequence[Scenario]) -> list[Figure]:
    shares = [
        (s.id, {o.choice: o.good for o in step.options})
        for s in scenarios
        for step in s.steps
        if isinstance(step, ShareStep)
    ]
    sharing = [good for _, good in shares if good["partager"]]
    costly = [good for good in sharing if not good["attendre"]]
    waiting = sum(good["attendre"] for _, good in shares)
    return [
        Figure(
            "share steps where sharing is good",
            f"{len(sharing)} of {len(shares)}",
            f"≥ {SHARING_GOOD_MIN}",
            len(sharing) >= SHARING_GOOD_MIN,
        ),
        Figure(
            "…of which waiting is not good",
            str(len(costly)),
            f"≥ {WAITING_COSTS_MIN}",
            len(costly) >= WAITING_COSTS_MIN,
        ),
        Figure(
            "share steps where waiting is good",
            f"{waiting} of {len(shares)}",
            "not all",
            not shares or waiting < len(shares),
        ),
    ]


def feedback_figure(scenarios: Sequence[Scenario]) -> Figure:
    lengths = [len(t.text) for s in scenarios for t in rules.feedback_texts(s)]
    over = sum(n > rules.FEEDBACK_MAX for n in lengths)
    value = (
        f"{len(lengths)} texts, median {median(lengths):.0f}, max {max(lengths)} characters, "
        f"{over} over {rules.FEEDBACK_MAX}"
        if lengths
        else "none"
    )
    return Figure("feedback lengths", value, f"0 over {rules.FEEDBACK_MAX}", over == 0)


def catalogue_section(scenarios: Sequence[Scenario]) -> Section:
    steps = rules.choice_steps(scenarios)
    positions = rules.right_positions(steps)
    right = sum(positions.values())
    top = max(positions.values(), default=0)
    longest = sum(rules.longest_is_right(step) for step in steps)
    hits = [hit for s in scenarios for hit in rules.judging_hits(rules.before_verdict(s))]
    samples = [scenario_sample(s) for s in scenarios]
    figures = [
        Figure(
            "right option by stored position",
            ", ".join(f"{p} {_percent(positions[p], right)}" for p in sorted(positions)) or "—",
            f"≤ {rules.POSITION_MAX:.0%} each",
            not right or top / right <= rules.POSITION_MAX,
        ),
        Figure(
            "right option is the longest",
            f"{longest} of {len(steps)} ({_percent(longest, len(steps))})",
            f"≤ {rules.LONGEST_MAX:.0%}",
            not steps or longest / len(steps) <= rules.LONGEST_MAX,
        ),
        surface_figure(samples),
        looks_figure(samples),
        judging_figure(hits),
        *share_figures(scenarios),
        feedback_figure(scenarios),
    ]
    reliable = sum(s.reliable for s in samples)
    title = f"Catalogue: {len(scenarios)} scenarios ({reliable} vrai), {len(steps)} choice steps"
    return Section(title, figures, hits)


# ----- the quiz forms ----------------------------------------------------------------------------


def quiz_sample(item: QuizItem) -> Sample:
    return Sample(item.text.fr, item.source, item.reliable)


def longest_run(values: Iterable[bool]) -> int:
    best = current = 0
    previous = None
    for value in values:
        current = current + 1 if value == previous else 1
        previous = value
        best = max(best, current)
    return best


def readability(items: Sequence[QuizItem]) -> str:
    fr, falc = Counts(), Counts()
    for item in items:
        for wording in (item.text, item.explanation):
            fr += count(wording.fr)
            falc += count(wording.falc or wording.fr)
    return f"Kandel–Moles fr {fr.kandel_moles:.1f}, falc {falc.kandel_moles:.1f} (higher is easier)"


def form_section(name: str, items: Sequence[QuizItem]) -> Section:
    half = len(items) // 2
    first, second = items[:half], items[half:]
    hits = [
        hit
        for index, item in enumerate(items)
        for hit in rules.judging_hits(rules.quiz_shown(name, index, item))
    ]
    figures = [
        Figure(
            "reliable share, first half / second half",
            f"{_percent(sum(i.reliable for i in first), len(first))} / "
            f"{_percent(sum(i.reliable for i in second), len(second))}",
        ),
        Figure("longest run of the same answer", str(longest_run(i.reliable for i in items))),
        surface_figure([quiz_sample(item) for item in items]),
        judging_figure(hits),
        Figure("readability", readability(items)),
    ]
    reliable = sum(item.reliable for item in items)
    return Section(f"Quiz {name}: {len(items)} items ({reliable} reliable)", figures, hits)


def sections(catalogue: Catalogue) -> list[Section]:
    found = [catalogue_section(list(catalogue.scenarios.values()))]
    if catalogue.quiz is not None:
        found += [form_section(n, f) for n, f in rules.quiz_forms(catalogue.quiz).items()]
    return found


def report(catalogue: Catalogue) -> tuple[str, bool]:
    """The printed audit and whether every figure is within its limit."""
    parts = sections(catalogue)
    lines = [line for section in parts for line in [*section.lines(), ""]]
    outside = [section.title.split(":")[0] for section in parts if not section.ok]
    verdict = (
        "All figures within their limits."
        if not outside
        else ("Outside the limits: " + ", ".join(outside) + ".")
    )
    return "\n".join([*lines, verdict]), not outside
