"""The learning record store of the shared test stack (tests/conftest.py): its API forwards
xAPI statements to a loopback port held for the session, bound and never listening, so that a
connection there is refused at once and every statement stays queued, retried every few seconds,
until tests/xapi/test_chat_to_ralph.py frees the port and starts Ralph on it.

Never holds a port it did not bind itself; never answers a connection.
"""

from __future__ import annotations

import socket

USER, PASSWORD = "vigie-forwarder", "lrs-password-for-the-tests-only"
"""The account Vigie's forwarders use with the tests' Ralph (tests/xapi/conftest.py)."""
HELD: dict[int, socket.socket] = {}


def hold_port() -> int:
    """A free loopback port, bound without SO_REUSEADDR (no server can take it) and not
    listening (nothing answers there)."""
    held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    held.bind(("127.0.0.1", 0))
    port = int(held.getsockname()[1])
    HELD[port] = held
    return port


def release_port(port: int) -> None:
    """Free a held port, for the LRS to start on it."""
    HELD.pop(port).close()


def forwarding_env(public_url: str) -> dict[str, str]:
    """The shared API's xAPI settings: forwarding on, to a held port; a round every 2 s, a
    statement retried every 5 s at most (600 s in production), so that it reaches Ralph within
    seconds of its start; 100 a batch: while nothing answers, a round costs the API ~30 ms of
    CPU, and a whole session's statements (a few thousand) reach Ralph in a few seconds."""
    return {
        "VIGIE_PUBLIC_URL": public_url,
        "VIGIE_XAPI_ENABLED": "true",
        "VIGIE_XAPI_LRS_URL": f"http://127.0.0.1:{hold_port()}/xAPI",
        "VIGIE_XAPI_LRS_USERNAME": USER,
        "VIGIE_XAPI_LRS_PASSWORD": PASSWORD,
        "VIGIE_XAPI_INTERVAL_SECONDS": "2",
        "VIGIE_XAPI_MAX_BACKOFF_SECONDS": "5",
        "VIGIE_XAPI_BATCH_SIZE": "100",
    }
