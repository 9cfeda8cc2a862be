"""Serve the demo plugin on localhost so a developer can register it with no network.

The files are copied once to .run/demo-plugin/ and read on every request, so editing
.run/demo-plugin/ai-plugin.json (for example to fix the checker's finding) and pressing
Refresh on the plugin page shows the change.
"""

import json
import shutil
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand

from domains.proof import FILE_PATH as VERIFICATION_PATH

SOURCE = Path(__file__).resolve().parents[2] / "demo_plugin"
FILES = {
    "/.well-known/ai-plugin.json": ("ai-plugin.json", "application/json"),
    "/openapi.yaml": ("openapi.yaml", "application/yaml"),
    "/logo.svg": ("logo.svg", "image/svg+xml"),
}
# Put a domain's token in this file of the demo folder to prove the domain with the file
# method (the Domain page; only needed when PLUGINSTORE_LOCAL_DOMAINS_VERIFIED is off).
VERIFICATION_FILE = "pluginstore-verification.txt"
BOOKS = [
    {"id": "b1", "title": "The Left Hand of Darkness", "author": "Ursula K. Le Guin"},
    {"id": "b2", "title": "Kindred", "author": "Octavia E. Butler"},
    {"id": "b3", "title": "Piranesi", "author": "Susanna Clarke"},
]


def demo_folder() -> Path:
    return Path(settings.BASE_DIR) / ".run" / "demo-plugin"


def prepare_demo_folder(folder: Path, *, reset: bool = False) -> Path:
    """Copy the demo plugin's files where the developer may edit them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, _ in FILES.values():
        if reset or not (folder / name).exists():
            shutil.copyfile(SOURCE / name, folder / name)
    return folder


def make_handler(folder: Path, port: int):
    class DemoPluginHandler(BaseHTTPRequestHandler):
        server_version = "BookFinderDemo/1.0"

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = urlsplit(self.path).path
            if path in FILES:
                name, content_type = FILES[path]
                body = (folder / name).read_text(encoding="utf-8").replace("{port}", str(port))
                return self._send(200, body.encode(), content_type)
            if path == VERIFICATION_PATH and (folder / VERIFICATION_FILE).is_file():
                body = (folder / VERIFICATION_FILE).read_bytes()
                return self._send(200, body, "text/plain; charset=utf-8")
            if path == "/legal":
                return self._send(200, b"Book Finder demo: no data is kept.", "text/plain")
            if path == "/books":
                q = parse_qs(urlsplit(self.path).query).get("q", [""])[0].lower()
                found = [b for b in BOOKS if q in b["title"].lower() or q in b["author"].lower()]
                return self._send(200, json.dumps(found).encode(), "application/json")
            return self._send(404, b'{"error": "Not found. Try /books?q=..."}', "application/json")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args) -> None:  # noqa: A002
            pass

    return DemoPluginHandler


class Command(BaseCommand):
    help = "Serve the Book Finder demo plugin on http://localhost:PORT for local registration."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--reset", action="store_true", help="Restore the original files.")

    def handle(self, *args, port: int, reset: bool, **options) -> None:
        folder = prepare_demo_folder(demo_folder(), reset=reset)
        server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(folder, port))
        self.stdout.write(
            f"Demo plugin at http://localhost:{port} (files in {folder}); register "
            f"http://localhost:{port} on /developer/plugins/."
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
