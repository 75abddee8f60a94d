"""The `vigie` operator command: serve the API, run the stack, manage scenarios and data.

It imports the apps lazily, per subcommand: `vigie --help` starts none of them.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ops import badges_command, launcher, scaled, xapi_command
from vigie.settings import PROJECT_ROOT, VigieSettings, startup_settings

if TYPE_CHECKING:
    from api.core.settings import ApiSettings
    from scenarios.loader import Catalogue


def _api_settings(process: str) -> ApiSettings:
    """The API's settings, or a one-line refusal (placeholder secret…) and exit 1."""
    from api.core.settings import get_settings

    return startup_settings(get_settings, process)


def cmd_api(args: argparse.Namespace) -> int:
    """Apply migrations, then serve the API."""
    import os

    import uvicorn

    from api.data.migrate import upgrade
    from api.main import create_app

    os.umask(0o077)  # the SQLite database and its journal: this user's only
    settings = _api_settings("vigie api")
    upgrade(settings.effective_database_url)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level="info",
        access_log=False,
        timeout_keep_alive=settings.keep_alive_seconds,
        # The app itself believes X-Forwarded-For from VIGIE_TRUSTED_PROXIES only (api.main);
        # uvicorn's own default would trust any local process.
        proxy_headers=False,
    )
    return 0


def cmd_bot(_args: argparse.Namespace) -> int:
    """Run the Telegram bridge (polling, or webhook when a public URL is set)."""
    from bot.app import main as run_bot

    return run_bot()


def cmd_meta(_args: argparse.Namespace) -> int:
    """Serve the Messenger/Instagram webhook (VIGIE_META_*: see docs/promeneurs.md)."""
    from bot.meta.app import main as run_meta

    return run_meta()


def cmd_run(args: argparse.Namespace) -> int:
    """Start Rasa, the action server, the API (and the Telegram bridge when configured)."""
    ports = launcher.Ports(rasa=args.rasa_port, actions=args.actions_port, api=args.api_port)
    return launcher.run(startup_settings(VigieSettings, "vigie run"), ports, Path(args.models))


def cmd_wait_ready(args: argparse.Namespace) -> int:
    """Wait for every health check, print the URLs, then stay up until stopped."""
    from vigie.readiness import wait_until_ready

    ports = launcher.Ports(rasa=args.rasa_port, actions=args.actions_port, api=args.api_port)
    urls: dict[str, str] = json.loads(args.urls) if args.urls else launcher.health_urls(ports)
    missing = wait_until_ready(urls, timeout=args.timeout)
    if missing:
        print(f"Not ready after {args.timeout:.0f} s: {', '.join(missing)}", flush=True)
        return 1
    title = f"Vigie (scaled: {len(urls)} processes behind nginx)" if args.urls else "Vigie"
    base = f"http://127.0.0.1:{ports.api}"
    print(
        f"{title} is ready.\n  Web chat:  {base}/\n  Dashboard: {base}/dashboard\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )
    signal.pause()
    return 0


def _scaled_ports(args: argparse.Namespace) -> launcher.ScaledPorts:
    if args.free_ports:
        return scaled.free_scaled_ports()
    return launcher.ScaledPorts(front=args.front_port)


def cmd_run_scaled(args: argparse.Namespace) -> int:
    """Start PostgreSQL, Redis, nginx, then the replicas under honcho; Ctrl-C stops all."""
    return scaled.run(_scaled_ports(args), Path(args.model), keep=args.keep)


def cmd_scaled_services(args: argparse.Namespace) -> int:
    """Only PostgreSQL, Redis and nginx, printing the replicas' environment; Ctrl-C stops them."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    return scaled.services(_scaled_ports(args), keep=args.keep)


def cmd_audit(args: argparse.Namespace) -> int:
    """Known vulnerabilities of both environments, each to be assessed in docs/reliability.md."""
    from ops.audit import run

    return run(args.advisory_db)


def cmd_create_educator(args: argparse.Namespace) -> int:
    """Create an educator account (or, with --reset, give it a new password)."""
    import getpass

    from api.core.db import make_engine, session_factory
    from api.core.security.passwords import MIN_LENGTH, acceptable
    from api.data import educators
    from api.data.migrate import upgrade

    password = args.password or getpass.getpass("Password: ")
    if not acceptable(password):
        print(f"The password needs at least {MIN_LENGTH} characters.", file=sys.stderr)
        return 2
    if "@" not in args.email or len(args.email) > 254:
        print("That does not look like an e-mail address.", file=sys.stderr)
        return 2
    url = _api_settings("vigie create-educator").effective_database_url
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            existing = educators.by_email(session, email=args.email)
            if existing is not None and args.reset:
                educators.set_password(session, educator=existing, password=password)
                print(f"New password set for {existing.email}.")
                return 0
            try:
                educator = educators.create(session, email=args.email, password=password)
            except educators.EducatorExists:
                print(
                    f"An educator {educators.normalise_email(args.email)} already exists "
                    "(use --reset to set a new password).",
                    file=sys.stderr,
                )
                return 1
            print(f"Educator {educator.email} created.")
            return 0
    finally:
        engine.dispose()


def cmd_delete_educator(args: argparse.Namespace) -> int:
    """Delete an educator account and its classes (the learners stay, without a class)."""
    from api.core.db import make_engine, session_factory
    from api.data import educators
    from api.data.migrate import upgrade

    url = _api_settings("vigie delete-educator").effective_database_url
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            educator = educators.by_email(session, email=args.email)
            if educator is None:
                print(f"No educator {educators.normalise_email(args.email)}.", file=sys.stderr)
                return 1
            question = f"Delete {educator.email} and its classes? [y/N] "
            if not args.yes and input(question).strip().lower() not in ("y", "yes", "o", "oui"):
                print("Nothing deleted.")
                return 1
            email = educator.email
            classes = educators.delete(session, educator=educator)
            print(f"Educator {email} deleted, with {classes} class(es).")
            return 0
    finally:
        engine.dispose()


def _catalogue() -> Catalogue | None:
    """The scenario catalogue, or None once its problems (`file: path: error`) are printed."""
    from scenarios.loader import CatalogueError, load_catalogue

    try:
        return load_catalogue()
    except CatalogueError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return None


def cmd_scenarios_validate(_args: argparse.Namespace) -> int:
    """Check every scenario file, the quiz and the manipulator missions, schema then content
    rules (scenarios/rules.py, scenarios/missions.py); print `file: path: error` lines."""
    from scenarios import missions, rules

    catalogue = _catalogue()
    if catalogue is None:
        return 1
    problems = rules.problems(catalogue) + missions.problems(catalogue)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    quiz = ", quiz valid" if catalogue.quiz else ""
    print(f"{len(catalogue.scenarios)} scenarios valid{quiz}, missions valid")
    return 0


def cmd_scenarios_stats(args: argparse.Namespace) -> int:
    """Print the catalogue figures (or, with --markdown, the educators' scenario table)."""
    from actions.transcript import texts
    from scenarios.stats import compute, markdown_table, report

    catalogue = _catalogue()
    if catalogue is None:
        return 1
    if args.markdown:
        print(markdown_table(catalogue))
    else:
        print(report(compute(catalogue, transcript=texts)))
    return 0


def cmd_scenarios_audit(_args: argparse.Namespace) -> int:
    """Print the balance figures of the catalogue and quiz forms; 0 only within the limits."""
    from scenarios.audit import report

    catalogue = _catalogue()
    if catalogue is None:
        return 1
    text, ok = report(catalogue)
    print(text)
    return 0 if ok else 1


def cmd_purge(args: argparse.Namespace) -> int:
    """Delete conversations and progress older than their retention periods."""
    import time
    from datetime import UTC, datetime

    from sqlalchemy.exc import SQLAlchemyError

    from api.core.db import make_engine, session_factory
    from api.data.migrate import upgrade
    from api.data.retention import purge

    settings = _api_settings("vigie purge")
    upgrade(settings.effective_database_url)
    sessions = session_factory(make_engine(settings.effective_database_url))
    tracker = make_engine(settings.effective_tracker_url)
    while True:
        try:
            with sessions() as session:
                report = purge(
                    session,
                    tracker,
                    now=datetime.now(UTC),
                    conversation_days=settings.conversation_retention_days,
                    progress_days=settings.progress_retention_days,
                    erasure_days=settings.erasure_memory_days,
                )
        except SQLAlchemyError as error:
            if not args.every:
                raise
            # A scheduled purge must outlive a database hiccup: the next round retries.
            print(f"purge failed ({type(error).__name__}); retrying later", flush=True)
        else:
            print(
                f"purged: {report.tracker_events} conversation events, {report.learners} "
                f"inactive learners ({report.progress_events} progress events), "
                f"{report.erasures} old erasure records",
                flush=True,
            )
            if not report.tracker_found:
                # Before Rasa's first start this is normal; afterwards VIGIE_TRACKER_URL is wrong.
                where = tracker.url.render_as_string(hide_password=True)
                print(
                    f"WARNING: no Rasa tracker table at {where}: conversations are NOT purged "
                    "(check VIGIE_TRACKER_URL if Rasa has started)",
                    file=sys.stderr,
                    flush=True,
                )
        if not args.every:
            return 0
        time.sleep(args.every)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vigie", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    api = commands.add_parser("api", help="serve the API alone (migrations applied first)")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8000)
    api.set_defaults(handler=cmd_api)

    bot = commands.add_parser(
        "bot",
        help="run the Telegram bridge (needs TELEGRAM_BOT_TOKEN; see docs/telegram.md)",
        description="Relay Telegram to Rasa: polling by default, webhook mode when "
        "VIGIE_TELEGRAM_WEBHOOK_URL is set. Settings come from the environment.",
    )
    bot.set_defaults(handler=cmd_bot)

    meta = commands.add_parser(
        "meta",
        help="serve the Messenger/Instagram webhook (needs VIGIE_META_*; docs/promeneurs.md)",
        description="Relay Messenger and Instagram to Rasa: Meta's webhook on "
        "VIGIE_META_WEBHOOK_HOST:VIGIE_META_WEBHOOK_PORT. Settings come from the environment.",
    )
    meta.set_defaults(handler=cmd_meta)

    def with_ports(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--rasa-port", type=int, default=5005)
        sub.add_argument("--actions-port", type=int, default=5055)
        sub.add_argument("--api-port", type=int, default=8000)

    run = commands.add_parser("run", help="start the whole stack on this machine")
    with_ports(run)
    run.add_argument("--models", default=str(PROJECT_ROOT / "models"))
    run.set_defaults(handler=cmd_run)

    ready = commands.add_parser("wait-ready", help="wait until every process answers")
    with_ports(ready)
    ready.add_argument("--timeout", type=float, default=300.0)
    ready.add_argument(
        "--urls",
        help="(run-scaled) the health checks to wait for, as JSON {name: url}, instead of the "
        "ports'; the URLs printed are still --api-port's",
    )
    ready.set_defaults(handler=cmd_wait_ready)

    layout = argparse.ArgumentParser(add_help=False)  # what run-scaled and scaled-services share
    layout.add_argument("--front-port", type=int, default=launcher.ScaledPorts().front)
    layout.add_argument(
        "--free-ports", action="store_true", help="pick free loopback ports for every listener"
    )
    layout.add_argument("--keep", action="store_true", help="keep the data dir on exit")
    run_scaled = commands.add_parser(
        "run-scaled",
        parents=[layout],
        help="2 Rasa, 2 action servers, 2 API behind nginx on PostgreSQL + Redis (throw-away)",
    )
    run_scaled.add_argument("--model", default=str(PROJECT_ROOT / "models" / "vigie.tar.gz"))
    run_scaled.set_defaults(handler=cmd_run_scaled)
    services = commands.add_parser(
        "scaled-services",
        parents=[layout],
        help="only the scaled layout's PostgreSQL, Redis and nginx; print the replicas' env",
    )
    services.set_defaults(handler=cmd_scaled_services)

    educator = commands.add_parser(
        "create-educator", help="create an educator account for the dashboard"
    )
    educator.add_argument("--email", required=True)
    educator.add_argument("--password", help="at least 10 characters (asked when omitted)")
    educator.add_argument(
        "--reset", action="store_true", help="set a new password if the account exists"
    )
    educator.set_defaults(handler=cmd_create_educator)

    delete = commands.add_parser(
        "delete-educator",
        help="delete an educator account and its classes",
        description="Delete the account and every class it owns. The learners of those classes "
        "stay, pseudonymous and without a class, until their retention period ends or they ask "
        "to be forgotten; their progress no longer shows on any dashboard.",
    )
    delete.add_argument("--email", required=True)
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(handler=cmd_delete_educator)

    scenarios = commands.add_parser("scenarios", help="check and describe the catalogue")
    scenario_commands = scenarios.add_subparsers(dest="scenarios_command", required=True)
    validate = scenario_commands.add_parser("validate", help="validate every scenario file")
    validate.set_defaults(handler=cmd_scenarios_validate)
    stats = scenario_commands.add_parser(
        "stats", help="kinds × levels, reliable share, steps, criteria, reading level"
    )
    stats.add_argument(
        "--markdown", action="store_true", help="print the scenario table of docs/educators.md"
    )
    stats.set_defaults(handler=cmd_scenarios_stats)
    audit = scenario_commands.add_parser(
        "audit",
        help="can a learner score without verifying? option positions, longest option, "
        "surface cues, judging words; exit 0 within the limits",
    )
    audit.set_defaults(handler=cmd_scenarios_audit)

    purge = commands.add_parser(
        "purge", help="delete conversations and progress past their retention periods"
    )
    purge.add_argument("--every", type=int, default=0, help="repeat every N seconds")
    purge.set_defaults(handler=cmd_purge)

    audit_deps = commands.add_parser(
        "audit",
        help="pip-audit of .venv and .venv-rasa; each finding must be assessed in "
        "docs/reliability.md",
    )
    audit_deps.add_argument(
        "--advisory-db",
        type=Path,
        help="a copy of PyPA's advisory database (the folder holding vulns/) to audit against, "
        "served on 127.0.0.1, when PyPI's vulnerability data cannot be reached",
    )
    audit_deps.set_defaults(handler=cmd_audit)
    xapi_command.add_parser(commands)
    badges_command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
