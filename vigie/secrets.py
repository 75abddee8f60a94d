"""Secrets generated on first run (HMAC pepper, tokens, session key, Redis password), the private
state directory that holds them, and the check that refuses placeholder or short secrets.

Kept in a git-ignored JSON file with 0600 permissions in a 0700 directory; never logged, never
committed, never printed (a refusal names the secret, not its value).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Final

# rasa_token: Rasa's HTTP API (tests only); action_token: Rasa → action servers.
SECRET_NAMES: Final = (
    "pepper",
    "rasa_token",
    "action_token",
    "ingest_token",
    "session_key",
    "redis_password",
    "badge_key",  # the Open Badges issuer key (Ed25519 seed): api/badges/keys.py
)
MIN_LENGTH: Final = 32
MIN_DISTINCT: Final = 12
# Words of six letters or more: a random token contains one with a chance below one in 10⁷.
PLACEHOLDERS: Final = ("change", "replace", "example", "placeholder", "secret", "password",
                       "default", "insert", "generate")  # fmt: skip


class WeakSecret(ValueError):
    """A secret set by hand is a placeholder or too short to resist guessing."""


def weakness(value: str) -> str | None:
    """Why a secret set by hand must be refused, or None when it is strong enough."""
    lowered = value.lower()
    if len(value) < MIN_LENGTH:
        return f"too short (under {MIN_LENGTH} characters)"
    found = next((word for word in PLACEHOLDERS if word in lowered), None)
    if found:
        return f"a placeholder (it contains '{found}')"
    if len(set(value)) < MIN_DISTINCT:
        return f"too repetitive (under {MIN_DISTINCT} different characters)"
    return None


def generate() -> str:
    """What every generated secret is, and what an operator should put in the env file."""
    return secrets.token_urlsafe(32)


def private_dir(path: Path) -> Path:
    """Create the directory (and parents) if needed; the directory itself ends up 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_uid == os.geteuid():
        path.chmod(0o700)
    return path


def load_or_create(path: Path) -> dict[str, str]:
    """Read the secrets file, adding any missing secret (so upgrades never lose old ones)."""
    existing: dict[str, str] = {}
    if path.exists():
        existing = json.loads(path.read_text(encoding="utf-8"))
    missing = [name for name in SECRET_NAMES if not existing.get(name)]
    if missing:
        existing.update({name: generate() for name in missing})
        private_dir(path.parent)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(existing, handle)
        os.replace(tmp, path)
    os.chmod(path, 0o600)
    return existing
