"""Waits until each process answers its health check, then says where to go.

Never starts or stops anything: the process runner does that.
"""

from __future__ import annotations

import time

import httpx


def wait_until_ready(urls: dict[str, str], timeout: float) -> list[str]:
    """Poll every URL until it answers 200; returns the names still not ready at timeout."""
    pending = dict(urls)
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while pending and time.monotonic() < deadline:
            for name, url in list(pending.items()):
                try:
                    if client.get(url).status_code == 200:
                        del pending[name]
                except httpx.HTTPError:
                    pass
            if pending:
                time.sleep(0.5)
    return sorted(pending)
