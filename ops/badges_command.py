"""`vigie badges verify FILE` and `vigie badges revoke ID`: the operator's side of the Open
Badges credentials (docs/badges.md), on this deployment's database and issuer key.

Never prints a key or the recipient of a credential: only the checks, the badge and its id.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigie.settings import startup_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from api.core.settings import ApiSettings


@contextmanager
def _database(process: str) -> Iterator[tuple[ApiSettings, Session]]:
    from api.core.db import make_engine, session_factory
    from api.core.settings import get_settings
    from api.data.migrate import upgrade

    settings = startup_settings(get_settings, process)
    upgrade(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    try:
        with session_factory(engine)() as session:
            yield settings, session
    finally:
        engine.dispose()


def cmd_verify(args: argparse.Namespace) -> int:
    """Check a credential file (its compact JWS): 0 when valid, 1 with the reasons when not."""
    from api.badges import service

    path = Path(args.file)
    try:
        token = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"{path}: cannot be read ({type(error).__name__})", file=sys.stderr)
        return 1
    with _database("vigie badges verify") as (settings, session):
        result = service.verify(session, settings, token)
    for check, passed in result.checks.items():
        print(f"{check}: {'ok' if passed else 'FAILED'}")
    credential = result.credential or {}
    if result.checks.get("signature"):
        badge = (credential.get("credentialSubject") or {}).get("achievement") or {}
        print(f"id: {credential.get('id')}\nbadge: {badge.get('name')}")
        print(f"issued: {credential.get('validFrom')}")
    if result.valid:
        print("valid")
        return 0
    print("INVALID: " + "; ".join(result.problems), file=sys.stderr)
    return 1


def cmd_revoke(args: argparse.Namespace) -> int:
    """Revoke an issued credential by its id (`urn:uuid:…`, printed by `vigie badges verify`)."""
    from api.badges import store

    with _database("vigie badges revoke") as (_settings, session):
        found = store.revoke(session, credential_id=args.id)
    if not found:
        print(f"no credential {args.id} was issued here", file=sys.stderr)
        return 1
    print(f"revoked: {args.id}")
    return 0


def add_parser(commands: Any) -> None:
    """`vigie badges verify|revoke` under the `vigie` command's subparsers."""
    badges = commands.add_parser("badges", help="Open Badges credentials: verify, revoke")
    badge_commands = badges.add_subparsers(dest="badges_command", required=True)
    verify = badge_commands.add_parser("verify", help="check a credential file (.jwt)")
    verify.add_argument("file", help="the credential as downloaded (compact JWS)")
    verify.set_defaults(handler=cmd_verify)
    revoke = badge_commands.add_parser("revoke", help="revoke an issued credential by its id")
    revoke.add_argument("id", help="the credential's id, urn:uuid:…")
    revoke.set_defaults(handler=cmd_revoke)
