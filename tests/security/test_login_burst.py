"""A burst of logins cannot kill the API (issue 13, item 2): each argon2 check holds 64 MiB, so at
most a couple run at once and the others get 429 with Retry-After straight away, on both login
paths. Against `vigie api` in its own process; its peak memory (VmHWM) is what is checked,
never a duration. The same process shows its state is private (item 9: 0700 directory, 0600
database)."""

from __future__ import annotations

import re
import stat
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.security.conftest import (
    EMAIL,
    LOGIN,
    PASSWORD,
    LiveApi,
    add_educator,
    csrf_of,
    start_api,
    stop_api,
)

pytestmark = pytest.mark.slow  # `vigie api` as its own process, then a burst of argon2 checks

BURST = 30
ARGON2_MIB = 64  # argon2-cffi's RFC 9106 low-memory profile (api/core/security/passwords.py)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    live = start_api(tmp_path_factory.mktemp("burst") / "var", "login-burst")
    try:
        add_educator(live.database_url)
        yield live
    finally:
        stop_api(live)


def peak_rss_mib(pid: int) -> float:
    """The process's high-water mark of resident memory (Linux: VmHWM), whatever the timing."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    assert match, "no VmHWM in /proc (Linux only)"
    return int(match.group(1)) / 1024


def token_login(client: httpx.Client, api: LiveApi) -> httpx.Response:
    return client.post(
        f"{api.url}/api/v1/auth/token", data={"username": EMAIL, "password": PASSWORD}
    )


def form_of(page: httpx.Response) -> dict[str, str]:
    """The sign-in form filled in, with the CSRF token of that page (its cookie is set)."""
    return {"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_of(page.text)}


def dashboard_login(client: httpx.Client, api: LiveApi, page: httpx.Response) -> httpx.Response:
    return client.post(f"{api.url}{LOGIN}", data=form_of(page), follow_redirects=False)


def burst(api: LiveApi) -> list[httpx.Response]:
    """BURST logins with the right password, half on each path, released at the same instant."""
    clients = [httpx.Client(timeout=120) for _ in range(BURST)]
    # The dashboard form needs its pre-login cookie and CSRF token first: fetched before the
    # burst, so that only the password checks run together.
    pages = [client.get(f"{api.url}{LOGIN}") for client in clients[: BURST // 2]]
    assert all(page.status_code == 200 for page in pages)
    start = threading.Barrier(BURST)
    results: list[httpx.Response] = []

    def run(index: int) -> None:
        client = clients[index]
        start.wait()
        if index < len(pages):
            results.append(dashboard_login(client, api, pages[index]))
        else:
            results.append(token_login(client, api))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    return results


def test_a_burst_of_logins_is_refused_beyond_two_checks_and_memory_stays_bounded(
    api: LiveApi,
) -> None:
    with httpx.Client(timeout=60) as client:  # one check of each kind: the baseline includes it
        assert token_login(client, api).status_code == 200
        assert dashboard_login(client, api, client.get(f"{api.url}{LOGIN}")).status_code == 303
    before = peak_rss_mib(api.process.pid)

    results = burst(api)

    after = peak_rss_mib(api.process.pid)
    statuses = Counter(response.status_code for response in results)
    assert set(statuses) <= {200, 303, 429}, statuses
    refused = [response for response in results if response.status_code == 429]
    # Two checks run, the others are turned away at once (not queued behind them).
    assert len(refused) >= BURST // 3, statuses
    assert all(int(response.headers["retry-after"]) >= 1 for response in refused)
    paths = {response.request.url.path for response in refused}
    assert paths == {"/api/v1/auth/token", LOGIN}, "both login paths are guarded"
    # At most two checks at once: the peak grows by one more argon2 buffer, not by thirty.
    # (Without the gate: ~40 at once, +1.9 GiB, and the 512 MiB unit was killed.)
    assert after - before < 2 * ARGON2_MIB, f"peak RSS {before:.0f} → {after:.0f} MiB"
    assert api.process.poll() is None


def test_the_api_keeps_its_state_private(api: LiveApi) -> None:
    assert stat.S_IMODE(api.var_dir.stat().st_mode) == 0o700
    database = api.var_dir / "vigie.db"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE((api.var_dir / "secrets.json").stat().st_mode) == 0o600
