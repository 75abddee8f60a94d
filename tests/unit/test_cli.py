"""The one command line, `vigie` (ops/cli.py): every operator command is there, the processes the
launcher starts are its own subcommands, and the scaled layout and the audit are reached through
it (they had command lines of their own)."""

from __future__ import annotations

import argparse
import json
import signal
from pathlib import Path

import pytest

from ops import audit, cli, launcher, scaled

COMMANDS = {
    "api", "bot", "meta", "run", "wait-ready", "run-scaled", "scaled-services", "create-educator",
    "delete-educator", "scenarios", "purge", "audit", "badges", "xapi",
}  # fmt: skip


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return action.choices


def test_every_operator_command_is_a_subcommand() -> None:
    commands = subcommands(cli.build_parser())
    assert set(commands) == COMMANDS
    assert set(subcommands(commands["scenarios"])) == {"validate", "stats", "audit"}


def test_the_launcher_starts_the_api_the_bridge_and_the_purge_through_this_parser() -> None:
    for spec in (launcher.api_spec(launcher.Ports()), launcher.bot_spec(), launcher.purge_spec()):
        module = spec.args.index("-m") + 1
        assert spec.args[module] == "ops.cli", spec.args
        args = cli.build_parser().parse_args(spec.args[module + 1 :])
        assert args.command == spec.name


def test_wait_ready_waits_for_the_given_urls_and_prints_the_front(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`vigie run-scaled` starts `vigie wait-ready --urls … --api-port FRONT`."""
    urls = {"rasa-1": "http://127.0.0.1:1/", "api-1": "http://127.0.0.1:2/health"}
    waited: list[dict[str, str]] = []

    def ready(checks: dict[str, str], timeout: float) -> list[str]:
        waited.append(checks)
        return []

    monkeypatch.setattr("vigie.readiness.wait_until_ready", ready)
    monkeypatch.setattr(signal, "pause", lambda: None)
    code = cli.main(["wait-ready", "--urls", json.dumps(urls), "--api-port", "8080"])
    out = capsys.readouterr().out
    assert code == 0
    assert waited == [urls]
    assert "Vigie (scaled: 2 processes behind nginx) is ready." in out
    assert "Web chat:  http://127.0.0.1:8080/" in out


def test_run_scaled_and_scaled_services_start_the_layout_on_the_ports_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, launcher.ScaledPorts, tuple[object, ...], bool]] = []
    monkeypatch.setattr(
        scaled, "run", lambda ports, *rest, keep: calls.append(("run", ports, rest, keep)) or 0
    )
    monkeypatch.setattr(
        scaled, "services", lambda ports, keep: calls.append(("services", ports, (), keep)) or 0
    )
    monkeypatch.setattr(signal, "pthread_sigmask", lambda *_: set())  # not in the test process

    assert cli.main(["run-scaled", "--front-port", "9090", "--model", "m.tar.gz"]) == 0
    assert cli.main(["scaled-services", "--free-ports", "--keep"]) == 0
    (run, run_ports, rest, run_keep), (services, free, _, services_keep) = calls
    assert (run, run_ports, rest, run_keep) == (
        "run", launcher.ScaledPorts(front=9090), (Path("m.tar.gz"),), False,
    )  # fmt: skip
    assert services == "services" and services_keep
    assert free.front != launcher.ScaledPorts().front  # free loopback ports, not the defaults


def test_audit_audits_against_the_advisory_copy_given(monkeypatch: pytest.MonkeyPatch) -> None:
    given: list[Path | None] = []
    monkeypatch.setattr(audit, "run", lambda advisory_db: given.append(advisory_db) or 0)
    assert cli.main(["audit", "--advisory-db", "/srv/advisory-database"]) == 0
    assert cli.main(["audit"]) == 0
    assert given == [Path("/srv/advisory-database"), None]
