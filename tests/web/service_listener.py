"""A TCP listener on 127.0.0.1 standing in for a remote SPARQL endpoint in guard tests.

It records every connection's first bytes and answers 500 with a secret body, so a test can
see both whether the engine called out and whether the remote answer leaked back.
"""

from __future__ import annotations

import socket
import threading


class Listener:
    """Accepts connections in a thread until `close()`; `received` holds what each sent."""

    SECRET = b"listener-secret-body-5c1e"

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.connections = 0  # accepted, whether or not they sent anything
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    # Recorded before answering: the engine's call returns only after the answer.
                    self.received.append(conn.recv(65536))
                    body = b"<html>" + self.SECRET + b"</html>"
                    conn.sendall(
                        b"HTTP/1.1 500 Oops\r\nContent-Type: text/html\r\n"
                        + f"Content-Length: {len(body)}\r\n\r\n".encode()
                        + body
                    )
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()
