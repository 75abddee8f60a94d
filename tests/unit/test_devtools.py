"""devtools, the dev infrastructure of tests and benchmarks: a process is waited for until it
answers and stopped, one that exits is reported with its log, a crash takes its children, and a
relay cut refuses connections until it is restored."""

from __future__ import annotations

import http.server
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from devtools import processes
from devtools.processes import free_port
from devtools.servers import TcpRelay
from devtools.wait import wait_for


@pytest.mark.slow
def test_a_server_is_waited_for_then_stopped(tmp_path: Path) -> None:
    port = free_port()
    server = processes.start_answering(
        "http",
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
        env={},
        log=tmp_path / "http.log",
        url=f"http://127.0.0.1:{port}/",
        timeout=30,
    )
    assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 200
    server.stop()
    assert server.poll() is not None


@pytest.mark.slow
def test_a_process_that_exits_is_reported_with_its_log(tmp_path: Path) -> None:
    log = tmp_path / "early.log"
    script = "import sys; print('bad config'); sys.exit(3)"
    with pytest.raises(processes.NotReady, match=r"early exited: see .*early\.log"):
        processes.start_answering(
            "early", [sys.executable, "-c", script], env={}, log=log, url="http://127.0.0.1:9/",
            timeout=30,
        )  # fmt: skip
    assert "bad config" in log.read_text()


@pytest.mark.slow
def test_kill_tree_takes_the_children_too(tmp_path: Path) -> None:
    script = (
        "import subprocess, sys, time; "
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)"
    )
    parent = processes.start("parent", [sys.executable, "-c", script], env={}, log=tmp_path / "p")
    children = wait_for(lambda: psutil.Process(parent.pid).children(recursive=True), 30)
    assert children
    parent.kill_tree()
    assert parent.poll() is not None
    assert not any(child.is_running() for child in children)


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def upstream() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_cut_relay_refuses_connections_until_restored(upstream: int) -> None:
    relay = TcpRelay(upstream).open()
    try:
        assert httpx.get(relay.url).text == "hello"
        relay.close()
        with pytest.raises(httpx.ConnectError):
            httpx.get(relay.url)
        relay.open()
        with httpx.Client() as client:  # a kept connection is dropped by the cut too
            assert client.get(relay.url).text == "hello"
            relay.close()
            with pytest.raises(httpx.TransportError):
                client.get(relay.url)
    finally:
        relay.close()
