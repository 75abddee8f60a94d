"""The launcher's command lines, checked against the parsers of the programs they start."""

from __future__ import annotations

import argparse
from pathlib import Path

from vigie.launcher import Ports, rasa_spec
from vigie.settings import VigieSettings


def test_a_rasa_token_starting_with_a_dash_stays_one_argument(tmp_path: Path) -> None:
    # token_urlsafe() starts with "-" one time in 64: argparse then took it for an option and
    # Rasa exited with "argument -t/--auth-token: expected one argument".
    settings = VigieSettings(var_dir=tmp_path, rasa_token="-dash-first-token")
    spec = rasa_spec(settings, Ports(), tmp_path)
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--auth-token")
    parser.add_argument("--enable-api", action="store_true")
    known, _ = parser.parse_known_args(spec.args[2:])
    assert known.auth_token == "-dash-first-token"
    assert known.enable_api
