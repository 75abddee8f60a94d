"""Property-based tests of the scenario loader: on arbitrary YAML-ish text, arbitrary bytes
and mutated real scenarios it returns a Scenario or raises CatalogueError — never anything else
(a bad file must be reported as `file: path: what`, not crash the action server).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scenarios.loader import CATALOGUE_DIR, CatalogueError, load_catalogue, load_quiz, load_scenario
from scenarios.schema import Scenario
from tests.support.examples import examples

SCENARIO_ID = "annonce_mairie_college"
FRAGMENTS = [
    ": ", "- ", "\n", "\n  ", "\n    ", "[", "]", "{", "}", ", ", "'", '"', "#", "&a ", "*a",
    "!!str ", "!!int ", "!!float ", "!!binary ", "!!timestamp ", "!!python/object:os.system ",
    "!!set ", "!!omap ", "? ", "|\n  ", ">\n  ", "---\n", "...\n", "%YAML 1.1\n", "<<: *a\n",
    "id", "title", "fr", "falc", "steps", "item", "kind", "level", "prompt", "options",
    "2020-13-45", "12:30:00", "0x", "0o9", "1e400000", "-.inf", ".nan", "~", "null", "yes",
    "\t", "\ufeff", "\x00", "\u2028", "é", "🙂", "\ud7ff", SCENARIO_ID,
]  # fmt: skip
SETTINGS = settings(
    max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

yamlish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60).map(
    "".join
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def loads_or_reports(write: Callable[[Path], None], loader=load_scenario) -> Scenario | None:
    """Write the file, load it: a Scenario, or None after a CatalogueError with its lines."""
    with tempfile.TemporaryDirectory() as directory:
        file = Path(directory) / f"{SCENARIO_ID}.yml"
        write(file)
        try:
            return loader(file)
        except CatalogueError as error:
            assert error.problems and all(line.startswith(file.name) for line in error.problems)
            return None


@SETTINGS
@given(text=yamlish)
@example(text="a: 2020-13-45\n")  # PyYAML raises ValueError for an impossible date
@example(text='a: !!int "0x"\n')  # … ValueError for an empty hexadecimal
@example(text='a: !!timestamp "x"\n')  # … AttributeError for a timestamp that is none
@example(text="[" * 5000 + "]" * 5000)  # … RecursionError when nesting is too deep
@example(text="a: &x [*x]\n")  # a structure that contains itself
@example(text="")
def test_yamlish_text_gives_a_scenario_or_a_catalogue_error(text: str) -> None:
    loads_or_reports(lambda file: file.write_text(text, encoding="utf-8", errors="surrogatepass"))


@SETTINGS
@given(data=st.binary(max_size=400))
@example(data=b"\xff\xfe\x00bad")  # not UTF-8
@example(data=b"id: \xc3\x28")
def test_arbitrary_bytes_give_a_scenario_or_a_catalogue_error(data: bytes) -> None:
    loads_or_reports(lambda file: file.write_bytes(data))


def _mutate(value: Any, path: list[int], replacement: Any, delete: bool) -> Any:
    """Replace (or delete) the node reached by following `path` (indices modulo the size)."""
    if not path or not isinstance(value, dict | list) or not value:
        return replacement
    if isinstance(value, dict):
        key = list(value)[path[0] % len(value)]
        if delete and len(path) == 1:
            return {k: v for k, v in value.items() if k != key}
        return value | {key: _mutate(value[key], path[1:], replacement, delete)}
    index = path[0] % len(value)
    if delete and len(path) == 1:
        return value[:index] + value[index + 1 :]
    return [
        *value[:index],
        _mutate(value[index], path[1:], replacement, delete),
        *value[index + 1 :],
    ]


@pytest.fixture(scope="module")
def real_scenario() -> dict:
    return yaml.safe_load((CATALOGUE_DIR / f"{SCENARIO_ID}.yml").read_text(encoding="utf-8"))


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    path=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=6),
    replacement=json_values,
    delete=st.booleans(),
)
def test_mutated_real_scenarios_load_or_are_reported(
    real_scenario: dict, path: list[int], replacement: Any, delete: bool
) -> None:
    mutated = _mutate(real_scenario, path, replacement, delete)
    dumped = yaml.safe_dump(mutated, allow_unicode=True)
    loads_or_reports(lambda file: file.write_text(dumped, encoding="utf-8"))


def test_the_real_scenario_is_still_valid(real_scenario: dict) -> None:
    dumped = yaml.safe_dump(real_scenario, allow_unicode=True)
    assert loads_or_reports(lambda file: file.write_text(dumped, encoding="utf-8")) is not None


@settings(max_examples=examples(100), deadline=None)
@given(text=yamlish)
def test_the_quiz_loader_too(text: str) -> None:
    loads_or_reports(
        lambda file: file.write_text(text, encoding="utf-8", errors="surrogatepass"), load_quiz
    )


@settings(max_examples=examples(40), deadline=None)
@given(texts=st.lists(yamlish, min_size=1, max_size=4))
def test_a_catalogue_of_bad_files_reports_every_file(texts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        for number, text in enumerate(texts):
            path = Path(directory) / f"s{number}.yml"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_catalogue(Path(directory), Path(directory) / "missing-quiz.yml")
        except CatalogueError as error:
            assert error.problems
