"""A hostile plugin server for the security suite: raw bytes on 127.0.0.1 and a free port.

Each path answers exactly the bytes a test gives it (status line, headers and body as written,
lies included: a gzip header on a plain body, a Content-Length that is wrong, a charset the
bytes are not in), so nothing in between fixes the answer up. Every request path is recorded,
which is how a test proves that a URL was never requested. The fetcher reaches it through the
local-development exception (PLUGINSTORE_ALLOW_LOCALHOST), the only way it may dial 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = bytes | Callable[[BaseHTTPRequestHandler], None]


def response(
    body: bytes,
    *,
    headers: dict[str, str] | None = None,
    status: str = "200 OK",
    length: bool = True,
) -> bytes:
    """A raw HTTP/1.1 answer: the headers exactly as given, plus Content-Length if `length`."""
    lines = [f"HTTP/1.1 {status}", "Connection: close"]
    fields = {"Content-Type": "application/json", **(headers or {})}
    if length and "Content-Length" not in fields:
        fields["Content-Length"] = str(len(body))
    lines += [f"{name}: {value}" for name, value in fields.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def json_response(document: object, **kwargs) -> bytes:
    return response(json.dumps(document).encode(), **kwargs)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        server: HostileServer = self.server.hostile  # type: ignore[attr-defined]
        path = self.path.split("?", 1)[0]
        server.requests.append(self.path)
        answer = server.routes.get(path, response(b"not here", status="404 Not Found"))
        self.close_connection = True
        try:
            if callable(answer):
                answer(self)
            else:
                self.wfile.write(answer)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher hung up on purpose (a cap, a lie it saw)

    def log_message(self, format: str, *args: object) -> None:
        pass


class HostileServer:
    """routes: path -> raw answer bytes (or a function writing to the handler)."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer] = {}
        self.requests: list[str] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.hostile = self  # type: ignore[attr-defined]
        self.port = self._httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.manifest_url = f"{self.base}/.well-known/ai-plugin.json"
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def manifest(self, **overrides: object) -> dict:
        """A manifest with no findings of its own, its api.url on this server."""
        manifest = {
            "schema_version": "v1",
            "name_for_human": "Hostile Weather",
            "name_for_model": "hostile_weather",
            "description_for_human": "Weather forecasts for European cities.",
            "description_for_model": "Get weather forecasts for a European city.",
            "auth": {"type": "none"},
            "api": {"type": "openapi", "url": f"{self.base}/openapi.json"},
            "logo_url": "https://example.com/logo.png",
            "contact_email": "support@example.com",
            "legal_info_url": "https://example.com/legal",
        }
        manifest.update(overrides)
        return manifest

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@contextmanager
def hostile_server() -> Iterator[HostileServer]:
    server = HostileServer()
    try:
        yield server
    finally:
        server.close()
