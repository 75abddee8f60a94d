"""`vigie xapi forward`: one round of the xAPI forwarder, by hand or from a scheduler (the API
runs it in the background when VIGIE_XAPI_ENABLED is set).

Never prints a credential, a statement or a pseudonym: only counts and the LRS's status.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from vigie.settings import startup_settings


def cmd_forward(_args: argparse.Namespace) -> int:
    """Send what is due; 0 when the LRS took everything due, 1 when some is left waiting."""
    from api.core.db import make_engine, session_factory
    from api.core.settings import get_settings
    from api.data import xapi_outbox
    from api.data.migrate import upgrade
    from api.web.xapi_forwarder import Forwarder, make_client
    from scenarios.loader import default_catalogue

    settings = startup_settings(get_settings, "vigie xapi forward")
    if not settings.xapi_enabled:
        print("xAPI forwarding is off (VIGIE_XAPI_ENABLED): nothing sent", file=sys.stderr)
        return 1
    upgrade(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    sessions = session_factory(engine)
    try:
        with make_client(settings) as client:
            done = Forwarder(settings, sessions, default_catalogue(), client).forward_once()
        with sessions() as session:
            left = xapi_outbox.counts(session)
    finally:
        engine.dispose()
    print(
        f"xAPI: {done.sent} events sent, {done.rejected} refused by the LRS, "
        f"{left[xapi_outbox.QUEUED]} queued"
        + (f" (the LRS answered {done.lrs_error}; retried later)" if done.lrs_error else ""),
        flush=True,
    )
    return 1 if done.lrs_error else 0


def add_parser(commands: Any) -> None:
    """`vigie xapi forward` under the `vigie` command's subparsers."""
    xapi = commands.add_parser("xapi", help="xAPI statements to a learning record store")
    xapi_commands = xapi.add_subparsers(dest="xapi_command", required=True)
    forward = xapi_commands.add_parser("forward", help="send the queued statements once")
    forward.set_defaults(handler=cmd_forward)
