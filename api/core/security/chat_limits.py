"""Web chat rate limits: new sessions per client address and per class, messages per session.

Keys are addresses, class codes and random session ids only; never a message or a learner id.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from api.core.security.rate_limit import Clock, TokenBuckets
from api.core.settings import ApiSettings


@dataclass(frozen=True)
class ChatLimits:
    sessions_per_address: TokenBuckets
    sessions_per_class: TokenBuckets
    messages_per_session: TokenBuckets

    @classmethod
    def from_settings(cls, settings: ApiSettings, clock: Clock = time.monotonic) -> ChatLimits:
        return cls(
            sessions_per_address=TokenBuckets(
                burst=settings.chat_sessions_burst_per_address,
                per_minute=settings.chat_sessions_per_minute_per_address,
                clock=clock,
            ),
            sessions_per_class=TokenBuckets(
                burst=settings.chat_sessions_burst_per_class,
                per_minute=settings.chat_sessions_per_minute_per_class,
                clock=clock,
            ),
            messages_per_session=TokenBuckets(
                burst=settings.chat_messages_burst_per_session,
                per_minute=settings.chat_messages_per_minute_per_session,
                clock=clock,
            ),
        )
