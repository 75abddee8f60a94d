"""Signed web-chat session tokens: the widget keeps one, the API derives the learner from it.

Never puts anything identifying in a token: a random id and an optional class code only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from vigie.pseudonym import learner_id

CHANNEL = "web"


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
        self._max_age = max_age_seconds

    def issue(self, class_code: str | None) -> tuple[str, ChatSession]:
        session = ChatSession(session_id=secrets.token_urlsafe(18), class_code=class_code)
        token = self._serializer.dumps({"sid": session.session_id, "class": class_code})
        return token, session

    def read(self, token: str) -> ChatSession:
        try:
            data = self._serializer.loads(token, max_age=self._max_age)
        except BadSignature as error:
            raise InvalidSession from error
        if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
            raise InvalidSession
        class_code = data.get("class")
        return ChatSession(
            session_id=data["sid"], class_code=class_code if isinstance(class_code, str) else None
        )
