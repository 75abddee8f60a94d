"""The `vigie` operator command: serve the API, run the stack, manage scenarios and data.

The only core module that reaches into the apps; it imports them lazily, per subcommand.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from vigie.settings import PROJECT_ROOT, VigieSettings


def cmd_api(args: argparse.Namespace) -> int:
    """Apply migrations, then serve the API."""
    import uvicorn

    from api.main import create_app
    from api.migrate import upgrade
    from api.settings import get_settings

    settings = get_settings()
    upgrade(settings.effective_database_url)
    uvicorn.run(
        create_app(settings), host=args.host, port=args.port, log_level="info", access_log=False
    )
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Start Rasa, the action server, the API (and the Telegram bridge when configured)."""
    from vigie.launcher import Ports, run

    ports = Ports(rasa=args.rasa_port, actions=args.actions_port, api=args.api_port)
    return run(VigieSettings(), ports, Path(args.models))


def cmd_wait_ready(args: argparse.Namespace) -> int:
    """Wait for every health check, print the URLs, then stay up until stopped."""
    from vigie.launcher import Ports, health_urls
    from vigie.readiness import wait_until_ready

    ports = Ports(rasa=args.rasa_port, actions=args.actions_port, api=args.api_port)
    missing = wait_until_ready(health_urls(ports), timeout=args.timeout)
    if missing:
        print(f"Not ready after {args.timeout:.0f} s: {', '.join(missing)}", flush=True)
        return 1
    base = f"http://127.0.0.1:{ports.api}"
    print(
        f"Vigie is ready.\n  Web chat:  {base}/\n  Dashboard: {base}/dashboard\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )
    signal.pause()
    return 0


def cmd_scenarios_validate(_args: argparse.Namespace) -> int:
    """Check every scenario file and the quiz; print `file: path: error` lines."""
    from scenarios.loader import CatalogueError, load_catalogue

    try:
        catalogue = load_catalogue()
    except CatalogueError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 1
    print(
        f"{len(catalogue.scenarios)} scenarios valid" + (", quiz valid" if catalogue.quiz else "")
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vigie", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    api = commands.add_parser("api", help="serve the API alone (migrations applied first)")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8000)
    api.set_defaults(handler=cmd_api)

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
    ready.set_defaults(handler=cmd_wait_ready)

    scenarios = commands.add_parser("scenarios", help="check and describe the catalogue")
    scenario_commands = scenarios.add_subparsers(dest="scenarios_command", required=True)
    validate = scenario_commands.add_parser("validate", help="validate every scenario file")
    validate.set_defaults(handler=cmd_scenarios_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
