"""Secrets generated on first run (HMAC pepper, Rasa token, ingest token, session key).

Kept in a git-ignored JSON file with 0600 permissions; never logged, never committed.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Final

SECRET_NAMES: Final = ("pepper", "rasa_token", "ingest_token", "session_key")


def load_or_create(path: Path) -> dict[str, str]:
    """Read the secrets file, adding any missing secret (so upgrades never lose old ones)."""
    existing: dict[str, str] = {}
    if path.exists():
        existing = json.loads(path.read_text(encoding="utf-8"))
    missing = [name for name in SECRET_NAMES if not existing.get(name)]
    if missing:
        existing.update({name: secrets.token_urlsafe(32) for name in missing})
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(existing, handle)
        os.replace(tmp, path)
    os.chmod(path, 0o600)
    return existing
