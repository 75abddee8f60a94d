"""The one place where a platform identity becomes a learner pseudonym (docs/architecture.md §6).

Never stores or logs the platform id it is given.
"""

from __future__ import annotations

import hashlib
import hmac


def learner_id(channel: str, platform_user_id: str, pepper: str) -> str:
    """HMAC-SHA256 of "<channel>:<platform user id>" with the secret pepper, in hex."""
    if not pepper:
        raise ValueError("the pseudonymisation pepper is empty")
    message = f"{channel}:{platform_user_id}".encode()
    return hmac.new(pepper.encode(), message, hashlib.sha256).hexdigest()
