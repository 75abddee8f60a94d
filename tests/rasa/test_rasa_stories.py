"""Rasa test stories (tests/stories/) against the trained model, run in the Rasa environment.

`rasa test core --e2e` replays every story: each `user:` text is parsed by the model's NLU (the
intent and the `choice` entity must be the ones written in the story) and every action must be
the one the rules predict (Rasa only reads test stories from files named test_*.yml). Distress
must interrupt any flow; fallbacks, small talk, insults and privacy questions must keep the
learner's place (the engine itself is tested in tests/unit).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from ops.launcher import RASA_BIN
from vigie.settings import PROJECT_ROOT

pytestmark = pytest.mark.rasa

MODEL = PROJECT_ROOT / "models" / "vigie.tar.gz"
STORIES = PROJECT_ROOT / "tests" / "stories"


def test_test_stories_pass_with_the_trained_model(tmp_path: Path) -> None:
    if not MODEL.exists():
        pytest.skip("models/vigie.tar.gz is missing: run `make model` first")
    result = subprocess.run(
        [
            str(RASA_BIN),
            "test",
            "core",
            "--model",
            str(MODEL),
            "--stories",
            str(STORIES),
            "--e2e",
            "--fail-on-prediction-errors",
            "--out",
            str(tmp_path / "results"),
        ],
        cwd=PROJECT_ROOT,
        env=os.environ | {"SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout[-6000:] + result.stderr[-6000:]
    assert result.returncode == 0, output
    # Rasa reads test stories only from files named test_*.yml: make sure none was skipped.
    expected = sum(
        len(yaml.safe_load(path.read_text(encoding="utf-8"))["stories"])
        for path in STORIES.glob("*.yml")
    )
    assert all(path.name.startswith("test_") for path in STORIES.glob("*.yml"))
    evaluated = re.search(r"Evaluating (\d+) stories", result.stdout + result.stderr)
    assert evaluated and int(evaluated.group(1)) == expected >= 20, output
    failed = tmp_path / "results" / "failed_test_stories.yml"
    if failed.exists():
        assert "story:" not in failed.read_text(encoding="utf-8"), failed.read_text()
