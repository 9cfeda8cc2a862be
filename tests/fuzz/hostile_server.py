"""A local HTTP server that lies: it answers each request with exactly the bytes it is told to.

It listens on 127.0.0.1 on a free port only. A Reply is the raw status line and headers, the
body (sent in pieces with pauses, to drip), and how the connection ends: closed, reset (RST)
mid-way, or held open until the client gives up. Replies are looked up by request path, so a
manifest can point to a spec on the same server.
"""

from __future__ import annotations

import gzip
import json
import socket
import socketserver
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from functools import cache

from tests.pluginstore.helpers import manifest_for, spec_for

HOLD_SECONDS = 5.0  # the longest a "hang" reply keeps the connection before giving up itself


@dataclass(frozen=True)
class Reply:
    head: bytes  # the status line and header lines, without the blank line that ends them
    body: bytes = b""
    pieces: int = 1  # the body goes out in this many pieces ...
    pause: float = 0.0  # ... with this many seconds before each
    end: str = "close"  # "close", "reset" (an RST after half the body) or "hang"

    def __repr__(self) -> str:  # Hypothesis prints failing examples: keep them readable
        body = self.body if len(self.body) <= 80 else self.body[:80] + b"..."
        head = self.head if len(self.head) <= 300 else self.head[:300] + b"..."
        return (
            f"Reply(head={head!r}, body={body!r} ({len(self.body):,} bytes), "
            f"pieces={self.pieces}, pause={self.pause}, end={self.end!r})"
        )


def response(
    status: bytes = b"HTTP/1.1 200 OK",
    headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
    **kwargs,
) -> Reply:
    lines = [status] + [name + b": " + value for name, value in headers or []]
    return Reply(head=b"\r\n".join(lines), body=body, **kwargs)


def json_response(document: object, **kwargs) -> Reply:
    body = json.dumps(document).encode()
    headers = [
        (b"Content-Type", b"application/json"),
        (b"Content-Length", str(len(body)).encode()),
    ]
    return response(headers=headers, body=body, **kwargs)


@dataclass
class HostileServer:
    replies: dict[str, Reply] = field(default_factory=dict)
    default: Reply = field(default_factory=lambda: response(b"HTTP/1.1 404 Not Found"))
    requests: list[str] = field(default_factory=list)

    def start(self) -> HostileServer:
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                server._answer(self.request)

        class TCPServer(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            block_on_close = False

        self._tcp = TCPServer(("127.0.0.1", 0), Handler)
        self.port = self._tcp.server_address[1]
        threading.Thread(target=self._tcp.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._tcp.shutdown()
        self._tcp.server_close()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _answer(self, sock: socket.socket) -> None:
        sock.settimeout(HOLD_SECONDS)
        try:
            request = b""
            while b"\r\n\r\n" not in request and len(request) < 65536:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                request += chunk
            path = request.split(b" ", 2)[1].decode("latin-1") if b" " in request else "/"
            self.requests.append(path)
            self._send(sock, self.replies.get(path.split("?")[0], self.default))
        except OSError:
            pass  # the client hung up: that is its right
        finally:
            sock.close()

    @staticmethod
    def _send(sock: socket.socket, reply: Reply) -> None:
        sock.sendall(reply.head + b"\r\n\r\n")
        body = reply.body[: len(reply.body) // 2] if reply.end == "reset" else reply.body
        size = max(1, -(-len(body) // max(1, reply.pieces)))
        for start in range(0, len(body), size):
            if reply.pause:
                time.sleep(reply.pause)
            sock.sendall(body[start : start + size])
        if reply.end == "reset":
            # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif reply.end == "hang":
            deadline = time.monotonic() + HOLD_SECONDS
            while time.monotonic() < deadline and sock.recv(1):
                pass


# --- bodies -----------------------------------------------------------------------------------

DOMAIN = "127.0.0.1"


def manifest_bytes(port: int) -> bytes:
    base = f"http://127.0.0.1:{port}"
    manifest = manifest_for(DOMAIN, api={"type": "openapi", "url": f"{base}/openapi.json"})
    manifest.update(logo_url=f"{base}/logo.png", legal_info_url=f"{base}/legal")
    return json.dumps(manifest).encode()


SPEC = json.dumps(spec_for()).encode()


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def deflated(data: bytes) -> bytes:
    return zlib.compress(data)


@cache
def gzip_bomb() -> bytes:
    """About 20 KiB on the wire, 20 MiB once inflated."""
    return gzip.compress(b"\0" * (20 * 1024 * 1024), compresslevel=9, mtime=0)


def chunked(data: bytes, size: int = 7) -> bytes:
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"
