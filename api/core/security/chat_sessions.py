"""Signed web-chat session tokens: the widget keeps one, the API derives the learner from it.
A learner who said yes to the delayed re-test also gets a longer-lived "retest" token (its own
salt, 30 days at most) that the widget presents to come back as the same learner.

Never puts anything identifying in a token: a random id and an optional class code only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from vigie.pseudonym import learner_id

CHANNEL = "web"
RETEST_MAX_AGE_SECONDS = 30 * 86400  # the widget keeps a retest token this long at most


@dataclass(frozen=True)
class ChatSession:
    session_id: str
    class_code: str | None

    def learner(self, pepper: str) -> str:
        return learner_id(CHANNEL, self.session_id, pepper)


class InvalidSession(Exception):
    """The token is forged, expired or malformed."""


class SessionSigner:
    def __init__(self, key: str, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(key, salt="vigie-chat-session")
        self._retest = URLSafeTimedSerializer(key, salt="vigie-chat-retest")
        self._max_age = max_age_seconds

    def issue(self, class_code: str | None) -> tuple[str, ChatSession]:
        session = ChatSession(session_id=secrets.token_urlsafe(18), class_code=class_code)
        return self._sign(session), session

    def _sign(self, session: ChatSession) -> str:
        return self._serializer.dumps({"sid": session.session_id, "class": session.class_code})

    def read(self, token: str) -> ChatSession:
        return self._load(self._serializer, token, self._max_age)

    def issue_retest(self, session: ChatSession) -> str:
        """The way back as this learner, for the delayed re-test: not a session token."""
        return self._retest.dumps({"sid": session.session_id, "class": session.class_code})

    def resume(self, retest_token: str) -> tuple[str, ChatSession]:
        """A new session token for the learner a retest token names."""
        session = self._load(self._retest, retest_token, RETEST_MAX_AGE_SECONDS)
        return self._sign(session), session

    @staticmethod
    def _load(serializer: URLSafeTimedSerializer, token: str, max_age: int) -> ChatSession:
        try:
            data = serializer.loads(token, max_age=max_age)
        except (BadSignature, UnicodeError, ValueError) as error:
            raise InvalidSession from error
        if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
            raise InvalidSession
        class_code = data.get("class")
        return ChatSession(
            session_id=data["sid"], class_code=class_code if isinstance(class_code, str) else None
        )
