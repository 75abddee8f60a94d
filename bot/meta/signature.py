"""Meta's webhook checks: the subscription handshake and `X-Hub-Signature-256` on every POST.

Constant-time comparisons only; never logs a token, a secret or a signature.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

SIGNATURE_HEADER = "X-Hub-Signature-256"
SIGNATURE_PREFIX = "sha256="


def sign(body: bytes, app_secret: str) -> str:
    """The header value Meta sends: `sha256=` and the HMAC-SHA256 of the raw body, in hex."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def signed_by_meta(body: bytes, header: str | None, app_secret: str) -> bool:
    """True only when the header is the body's signature with the app secret."""
    if not header or not app_secret:
        return False
    return hmac.compare_digest(header.strip().lower().encode(), sign(body, app_secret).encode())


def challenge(params: Mapping[str, str], verify_token: str) -> str | None:
    """The `hub.challenge` to echo when Meta subscribes with our verify token, else None."""
    given = params.get("hub.verify_token", "")
    if params.get("hub.mode") != "subscribe" or not verify_token:
        return None
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    return params.get("hub.challenge", "")
