"""The launcher's command lines and environments, checked against the parsers and files of the
programs they start: Rasa without its HTTP API (issue 13, item 9) unless a test asks, the
action servers behind their own token, Redis behind a password, private state."""

from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path

import yaml

from ops.launcher import (
    Ports,
    ScaledPorts,
    private_state,
    rasa_spec,
    scaled_env,
    scaled_specs,
    shared_env,
)
from vigie.settings import PROJECT_ROOT, VigieSettings

DASH_TOKEN = "-dash-first-" + "Zq8xK2mW4vN7pR1tY5uB3cE6"  # 36 characters, 30 distinct


def rasa_args(args: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--auth-token")
    parser.add_argument("--enable-api", action="store_true")
    parser.add_argument("--endpoints")
    known, _ = parser.parse_known_args(args[2:])
    return known


def test_rasa_runs_without_its_http_api_and_without_a_token_in_ps(tmp_path: Path) -> None:
    settings = VigieSettings(var_dir=tmp_path)
    for spec in [
        rasa_spec(settings, Ports(), tmp_path),
        *(s for s in scaled_specs(settings, ScaledPorts(), tmp_path) if s.name.startswith("rasa")),
    ]:
        parsed = rasa_args(spec.args)
        assert not parsed.enable_api and parsed.auth_token is None
        command_line = " ".join(spec.args)
        for name in ("rasa_token", "action_token", "ingest_token", "session_key", "pepper"):
            assert settings.secret(name) not in command_line


def test_a_test_may_turn_the_http_api_on_and_a_dash_token_stays_one_argument(
    tmp_path: Path,
) -> None:
    # token_urlsafe() starts with "-" one time in 64: argparse then took it for an option and
    # Rasa exited with "argument -t/--auth-token: expected one argument".
    settings = VigieSettings(var_dir=tmp_path, rasa_token=DASH_TOKEN)
    parsed = rasa_args(rasa_spec(settings, Ports(), tmp_path, enable_api=True).args)
    assert parsed.enable_api and parsed.auth_token == DASH_TOKEN


def test_rasa_calls_the_action_servers_with_their_own_token(tmp_path: Path) -> None:
    settings = VigieSettings(var_dir=tmp_path)
    env = shared_env(settings, Ports())
    assert env["VIGIE_ACTION_TOKEN"] == settings.secret("action_token")
    assert settings.secret("action_token") != settings.secret("rasa_token")
    assert "VIGIE_RASA_TOKEN" not in env  # Rasa's own token opens nothing the others use
    for endpoints in (PROJECT_ROOT / "endpoints.yml", PROJECT_ROOT / "deploy/endpoints.scaled.yml"):
        wiring = yaml.safe_load(endpoints.read_text(encoding="utf-8"))
        assert wiring["action_endpoint"]["token"] == "${VIGIE_ACTION_TOKEN}"


def test_the_scaled_layout_has_a_redis_password_and_an_internal_api_entry(
    tmp_path: Path,
) -> None:
    settings = VigieSettings(var_dir=tmp_path)
    ports = ScaledPorts()
    env = scaled_env(settings, ports)
    assert env["VIGIE_REDIS_PASSWORD"] == settings.secret("redis_password")
    wiring = yaml.safe_load((PROJECT_ROOT / "deploy/endpoints.scaled.yml").read_text())
    assert wiring["lock_store"]["password"] == "${VIGIE_REDIS_PASSWORD}"
    # Action servers and bridges reach events and erasure on the internal entry; links and
    # QR codes name the public one; the API believes nginx's forwarded addresses.
    assert env["VIGIE_API_URL"] == f"http://127.0.0.1:{ports.api_internal}"
    assert env["VIGIE_PUBLIC_URL"] == f"http://127.0.0.1:{ports.front}"
    assert env["VIGIE_TRUSTED_PROXIES"] == "127.0.0.1"


def test_the_launcher_keeps_state_private(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    var_dir.mkdir(mode=0o755)
    previous = os.umask(0o022)
    try:
        private_state(VigieSettings(var_dir=var_dir))
        assert os.umask(0o077) == 0o077  # inherited by Rasa, the action server, the API
        (var_dir / "rasa_tracker.db").touch()
    finally:
        os.umask(previous)
    assert stat.S_IMODE(var_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((var_dir / "secrets.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((var_dir / "rasa_tracker.db").stat().st_mode) == 0o600
