"""Content rules the schema cannot see (issue 12), for `vigie scenarios validate` and the audit:
reserved addresses, names to avoid, judging words before the verdict, feedback length and
openers, template phrases, plain versions without point médian, the options' stored balance.

Reads a loaded catalogue only; never changes a file. Every problem is `file: path: what`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel

from scenarios.loader import Catalogue
from scenarios.schema import (
    ChoiceStep,
    InvestigateStep,
    Option,
    Quiz,
    QuizItem,
    Scenario,
    ShareOption,
    ShareStep,
    VerdictStep,
    Wording,
)
from vigie.data_files import DataModel, load_yaml

SCENARIOS_DIR = Path(__file__).resolve().parent
JUDGING_FILE = SCENARIOS_DIR / "judging_words.yml"
AVOID_FILE = SCENARIOS_DIR / "avoid_names.yml"
QUIZ_FILE_NAME = "quiz.yml"
CATALOGUE_NAME = "(catalogue)"

FEEDBACK_MAX = 200
DEBRIEF_MAX = 300
POSITION_MAX = 0.35  # no stored position holds more than this share of the right options
LONGEST_MAX = 0.30  # the right option is the longest label in at most this share of steps
BALANCE_MIN_STEPS = 10  # below this many choice steps, shares are noise: not checked
TEMPLATE_PHRASES = ("Ce message jouait sur", "Ce que ferait un·e fact-checker")
RESERVED_TLDS = frozenset({"example", "test", "invalid"})
# Real tools and help services a feedback or model answer may NAME (never an item).
ALLOWED_DOMAINS = frozenset(
    {
        "tineye.com",
        "google.com",
        "bing.com",
        "yandex.com",
        "archive.org",
        "wikipedia.org",
        "3018.fr",
        "e-enfance.org",
        "3114.fr",
        "filsantejeunes.com",
        "allo119.gouv.fr",
        "internet-signalement.gouv.fr",
        "cybermalveillance.gouv.fr",
        "signal.conso.gouv.fr",
        "service-public.fr",
        "education.gouv.fr",
        "clemi.fr",
        "lumni.fr",
        "meteofrance.com",
        "vigilance.meteofrance.fr",
        "santepubliquefrance.fr",
        "ameli.fr",
        "sante.fr",
        "cnil.fr",
        "arcom.fr",
        "factuel.afp.com",
    }
)
# Not an address: a file name ("photo.png", "appli.apk").
FILE_EXTENSIONS = frozenset(
    {"png", "jpg", "jpeg", "gif", "webp", "heic", "pdf", "doc", "docx", "txt", "mp3", "mp4"}
    | {"mov", "avi", "zip", "apk", "exe", "csv", "xls", "xlsx", "ppt", "pptx", "odt"}
)
# A web address, or the domain of an e-mail address (after « nom@ »); a handle (« @a.b ») is not.
_ADDRESS = re.compile(
    r"(?:(?<=[\w.+\-]@)|(?<![\w@.\-]))"
    r"(?:https?://)?((?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+([a-z]{2,24}))(?![\w\-])",
    re.IGNORECASE,
)
_POINT_MEDIAN = re.compile(r"\w·\w")
# Fields that are codes or file names, not text shown to a learner.
NOT_TEXT = frozenset(
    {"id", "kind", "level", "difficulty", "competences", "verdict", "also_accepted", "cue"}
    | {"file", "template", "format", "choice", "expected"}
)


@dataclass(frozen=True)
class Text:
    """One learner-facing string and where it lives."""

    file: str
    path: str
    text: str

    def problem(self, what: str) -> str:
        return f"{self.file}: {self.path}: {what}"


def texts(file: str, model: object, path: str = "") -> Iterator[Text]:
    """Every string of a model (its Wordings as `.fr` and `.falc`, card data included)."""
    if isinstance(model, str):
        yield Text(file, path, model)
    elif isinstance(model, Wording):
        yield Text(file, f"{path}.fr", model.fr)
        if model.falc:
            yield Text(file, f"{path}.falc", model.falc)
    elif isinstance(model, BaseModel):
        for name in type(model).model_fields:
            if name not in NOT_TEXT:
                yield from texts(file, getattr(model, name), _join(path, name))
    elif isinstance(model, dict):
        for key, value in model.items():
            yield from texts(file, value, _join(path, str(key)))
    elif isinstance(model, list | tuple):
        for index, value in enumerate(model):
            yield from texts(file, value, _join(path, str(index)))


def _join(path: str, part: str) -> str:
    return f"{path}.{part}" if path else part


def file_of(scenario: Scenario) -> str:
    return f"{scenario.id}.yml"


# ----- which texts are which --------------------------------------------------------------------


def item_texts(scenario: Scenario) -> list[Text]:
    """The item: text, plain version, author, handle, address, picture description, and every
    string drawn on its card (`image.data`, nested lists and mappings included)."""
    return list(texts(file_of(scenario), scenario.item, "item"))


def before_verdict(scenario: Scenario) -> list[Text]:
    """All a learner sees before the verdict's feedback: the title, the item, every step before
    the verdict step (the open step's model answer too) and the verdict step's prompt and hints.

    An investigate step's move results are left out: they are what verifying finds, so they may
    judge (a fact-check's « faux »); its prompt, hints and method feedback may not."""
    file = file_of(scenario)
    shown = [*texts(file, scenario.title, "title"), *item_texts(scenario)]
    for index, step in enumerate(scenario.steps):
        if isinstance(step, VerdictStep):
            shown += texts(file, step.prompt, f"steps.{index}.prompt")
            shown += texts(file, step.hints, f"steps.{index}.hints")
            break
        if isinstance(step, InvestigateStep):
            for part in ("prompt", "hints", "feedback"):
                shown += texts(file, getattr(step, part), f"steps.{index}.{part}")
            continue
        shown += texts(file, step, f"steps.{index}")
    return shown


def feedback_texts(scenario: Scenario) -> list[Text]:
    """Verdict, option, share and investigation feedback: what follows an answer or a move."""
    file = file_of(scenario)
    found: list[Text] = []
    for index, step in enumerate(scenario.steps):
        where = f"steps.{index}"
        if isinstance(step, VerdictStep):
            found += texts(file, step.feedback_correct, f"{where}.feedback_correct")
            found += texts(file, step.feedback_wrong, f"{where}.feedback_wrong")
        elif isinstance(step, ChoiceStep | ShareStep):
            options: Sequence[Option | ShareOption] = step.options
            for number, option in enumerate(options):
                found += texts(file, option.feedback, f"{where}.options.{number}.feedback")
        elif isinstance(step, InvestigateStep):
            found += texts(file, step.feedback, f"{where}.feedback")
            for number, move in enumerate(step.moves):
                found += texts(file, move.result, f"{where}.moves.{number}.result")
    return found


def scenario_texts(scenario: Scenario) -> list[Text]:
    """Every learner-facing text but the resources' real addresses."""
    every = texts(file_of(scenario), scenario)
    return [t for t in every if not re.fullmatch(r"resources\.\d+\.url", t.path)]


def quiz_forms(quiz: Quiz) -> dict[str, list[QuizItem]]:
    """`form_a`, `form_b`, `form_c`… whichever the quiz has, in order."""
    return {
        name: getattr(quiz, name) for name in type(quiz).model_fields if name.startswith("form_")
    }


def quiz_shown(name: str, index: int, item: QuizItem) -> list[Text]:
    """What a learner sees of a quiz item before answering: its text and source line."""
    path = f"{name}.{index}"
    return [
        *texts(QUIZ_FILE_NAME, item.text, f"{path}.text"),
        Text(QUIZ_FILE_NAME, f"{path}.source", item.source),
    ]


# ----- word lists --------------------------------------------------------------------------------


def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _whole(phrase: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", flags)


class JudgingWords(DataModel):
    """judging_words.yml: words that judge an item, and the engine's stock feedback openers."""

    judging: list[str]
    openers: list[str]


class AvoidNames(DataModel):
    """avoid_names.yml: real names the fictional world must not echo, by where they are banned."""

    everywhere: list[str]
    in_items: list[str]


@cache
def _judging() -> JudgingWords:
    return load_yaml(JUDGING_FILE, JudgingWords)


@cache
def _avoid() -> dict[str, list[str]]:
    return load_yaml(AVOID_FILE, AvoidNames).model_dump()


@cache
def judging_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((word, _whole(fold_accents(word).lower())) for word in _judging().judging)


@cache
def opener_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple(
        (word, re.compile(rf"^\W*{re.escape(fold_accents(word).lower())}(?!\w)"))
        for word in _judging().openers
    )


def _name_pattern(name: str) -> re.Pattern[str]:
    """Handles ignore case; names keep their capitals ("Le Monde") or are all capitals."""
    folded = fold_accents(name)
    if folded.startswith("@"):
        return _whole(folded, re.IGNORECASE)
    return re.compile(rf"(?<!\w)(?:{re.escape(folded)}|{re.escape(folded.upper())})(?!\w)")


@cache
def avoid_patterns(section: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, _name_pattern(name)) for name in _avoid()[section])


def judging_words(text: str) -> list[str]:
    folded = fold_accents(text).lower()
    return [word for word, pattern in judging_patterns() if pattern.search(folded)]


def avoided_names(text: str, section: str) -> list[str]:
    folded = fold_accents(text)
    return [name for name, pattern in avoid_patterns(section) if pattern.search(folded)]


def stock_opener(text: str) -> str | None:
    folded = fold_accents(text).lower()
    return next((word for word, pattern in opener_patterns() if pattern.search(folded)), None)


def addresses(text: str) -> list[tuple[str, str]]:
    """(domain, top-level domain) of each web address or e-mail domain in a text."""
    found = []
    for match in _ADDRESS.finditer(text):
        domain, tld = match.group(1).lower(), match.group(2).lower()
        if tld not in FILE_EXTENSIONS:
            found.append((domain, tld))
    return found


def _allowed(domain: str) -> bool:
    return any(domain == allowed or domain.endswith(f".{allowed}") for allowed in ALLOWED_DOMAINS)


# ----- the checks --------------------------------------------------------------------------------


def judging_hits(shown: Iterable[Text]) -> list[str]:
    return [
        t.problem(f"judging word « {word} » before the verdict (describe; let feedback judge)")
        for t in shown
        for word in judging_words(t.text)
    ]


def address_problems(found: Iterable[Text], in_item: bool) -> list[str]:
    problems = []
    for t in found:
        for domain, tld in addresses(t.text):
            if tld in RESERVED_TLDS or (not in_item and _allowed(domain)):
                continue
            where = "an item" if in_item else "a text"
            problems.append(
                t.problem(
                    f"address '{domain}' in {where}: use a reserved domain "
                    "(.example, .test, .invalid)"
                    + ("" if in_item else " or a real tool named in scenarios/rules.py")
                )
            )
    return problems


def name_problems(every: Iterable[Text], items: Iterable[Text]) -> list[str]:
    problems = [
        t.problem(f"« {name} » is a real organisation (scenarios/avoid_names.yml)")
        for t in every
        for name in avoided_names(t.text, "everywhere")
    ]
    problems += [
        t.problem(f"« {name} » is a real organisation: items are fictional (avoid_names.yml)")
        for t in items
        for name in avoided_names(t.text, "in_items")
    ]
    return problems


def feedback_problems(feedback: Iterable[Text]) -> list[str]:
    problems = []
    for t in feedback:
        if len(t.text) > FEEDBACK_MAX:
            problems.append(t.problem(f"{len(t.text)} characters (at most {FEEDBACK_MAX})"))
        opener = stock_opener(t.text)
        if opener:
            problems.append(
                t.problem(f"starts with « {opener} »: the engine adds varied openers itself")
            )
    return problems


def template_problems(scenario: Scenario) -> list[str]:
    """The debrief and the method never repeat the template's phrases; the debrief is short."""
    file = file_of(scenario)
    problems = []
    for t in [
        *texts(file, scenario.debrief, "debrief"),
        *texts(file, scenario.fact_checker, "fact_checker"),
    ]:
        for phrase in TEMPLATE_PHRASES:
            if fold_accents(phrase).lower() in fold_accents(t.text).lower():
                problems.append(t.problem(f"repeats « {phrase} » (the engine's template says it)"))
    for t in texts(file, scenario.debrief, "debrief"):
        if len(t.text) > DEBRIEF_MAX:
            problems.append(t.problem(f"{len(t.text)} characters (at most {DEBRIEF_MAX})"))
    return problems


def point_median_problems(found: Iterable[Text]) -> list[str]:
    return [
        t.problem("point médian in a plain-language text (write « un ou une », or rephrase)")
        for t in found
        if t.path.endswith(".falc") and _POINT_MEDIAN.search(t.text)
    ]


def scenario_problems(scenario: Scenario) -> list[str]:
    every = scenario_texts(scenario)
    items = item_texts(scenario)
    others = [t for t in every if not t.path.startswith("item.")]
    return [
        *address_problems(items, in_item=True),
        *address_problems(others, in_item=False),
        *name_problems(every, items),
        *judging_hits(before_verdict(scenario)),
        *feedback_problems(feedback_texts(scenario)),
        *template_problems(scenario),
        *point_median_problems(every),
    ]


def quiz_problems(quiz: Quiz) -> list[str]:
    problems = []
    for name, form in quiz_forms(quiz).items():
        for index, item in enumerate(form):
            shown = quiz_shown(name, index, item)
            every = list(texts(QUIZ_FILE_NAME, item, f"{name}.{index}"))
            explanation = [t for t in every if ".explanation." in t.path]
            problems += address_problems(shown, in_item=True)
            problems += address_problems(explanation, in_item=False)
            problems += name_problems(every, shown)
            problems += judging_hits(shown)
            problems += point_median_problems(every)
    return problems


# ----- the stored order of options ---------------------------------------------------------------


def choice_steps(scenarios: Iterable[Scenario]) -> list[ChoiceStep]:
    return [step for s in scenarios for step in s.steps if isinstance(step, ChoiceStep)]


def right_positions(steps: list[ChoiceStep]) -> Counter[str]:
    """How many right options sit at each stored position (a, b, c…)."""
    return Counter(option.id for step in steps for option in step.options if option.correct)


def longest_is_right(step: ChoiceStep) -> bool:
    """A right option has the longest label (ties included): length as a cue."""
    longest = max(len(option.label.fr) for option in step.options)
    return any(o.correct and len(o.label.fr) == longest for o in step.options)


def balance_problems(scenarios: Iterable[Scenario]) -> list[str]:
    steps = choice_steps(scenarios)
    if len(steps) < BALANCE_MIN_STEPS:
        return []
    problems = []
    positions = right_positions(steps)
    total = sum(positions.values())
    for position, count in sorted(positions.items()):
        if count / total > POSITION_MAX:
            problems.append(
                f"{CATALOGUE_NAME}: choice steps: {count / total:.0%} of the right options are "
                f"stored at position {position} (at most {POSITION_MAX:.0%})"
            )
    longest = sum(longest_is_right(step) for step in steps)
    if longest / len(steps) > LONGEST_MAX:
        problems.append(
            f"{CATALOGUE_NAME}: choice steps: the right option is the longest in {longest} of "
            f"{len(steps)} ({longest / len(steps):.0%}, at most {LONGEST_MAX:.0%})"
        )
    return problems


def problems(catalogue: Catalogue) -> list[str]:
    """Every content-rule problem of a loaded catalogue and its quiz."""
    found = [p for s in catalogue.scenarios.values() for p in scenario_problems(s)]
    found += balance_problems(catalogue.scenarios.values())
    if catalogue.quiz is not None:
        found += quiz_problems(catalogue.quiz)
    return found
