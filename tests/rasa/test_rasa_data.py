"""Rasa's own checks of the training data, domain and rules, run in the Rasa environment."""

from __future__ import annotations

import os
import subprocess

import pytest

from ops.launcher import RASA_BIN
from vigie.settings import PROJECT_ROOT

pytestmark = pytest.mark.rasa

RASA_FILES = ["--data", "nlu", "--domain", "domain.yml", "--config", "config.yml"]


def test_rasa_data_validate_is_clean() -> None:
    result = subprocess.run(
        [str(RASA_BIN), "data", "validate", *RASA_FILES, "--fail-on-warnings"],
        cwd=PROJECT_ROOT,
        env=os.environ | {"SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
