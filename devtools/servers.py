"""Stand-ins on 127.0.0.1 for tests: an ASGI app (a fake Bot API, a stub Rasa) served by uvicorn
in a daemon thread, and a TCP relay to a real server that can be cut and restored (an outage
without stopping the server).

Never listens beyond loopback; `start` and `open` return only once the port accepts connections.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

import uvicorn

from devtools.processes import free_port
from devtools.wait import wait_for


class ThreadedServer:
    """`app` on 127.0.0.1:`port`, started and stopped by the test that owns it."""

    def __init__(self, app: Any, port: int, what: str) -> None:
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
        self.what = what
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        if not wait_for(lambda: self._server.started, 10, 0.02):
            raise RuntimeError(f"{self.what} did not start")

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=10)


class TcpRelay:
    """127.0.0.1:`port` relayed to the server on 127.0.0.1:`upstream`. `close` cuts it: the port
    refuses connections and the open ones are dropped, as when the server is stopped; `open`
    relays again, on the same port."""

    def __init__(self, upstream: int) -> None:
        self.upstream = upstream
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def open(self) -> TcpRelay:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()
        return self

    def close(self) -> None:
        listener, self._listener = self._listener, None
        with self._lock:
            cut = [*self._sockets, *([listener] if listener else [])]
            self._sockets.clear()
        for sock in cut:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept or recv
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # closed
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream), timeout=10)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._sockets |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        """Bytes from `source` to `target` until either side ends; then both are closed."""
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with self._lock:
            self._sockets -= {source, target}
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
