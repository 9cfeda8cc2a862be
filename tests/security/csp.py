"""What a Content-Security-Policy header must say: scripts only from files, never inline."""

import re

UNSAFE_FOR_SCRIPTS = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "data:", "*")


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed.setdefault(words[0].lower(), words[1:])
    return parsed


_SCRIPT_TAG = re.compile(rb"<script\b([^>]*)>", re.IGNORECASE)
_NONCE = re.compile(r"""\bnonce=["']?([^"' >]+)""")


def inline_scripts_without_nonce(response, header: str) -> list[str]:
    """Inline <script> elements the policy would block: no src, no nonce the header allows."""
    if getattr(response, "streaming", False):
        return []
    found = []
    for match in _SCRIPT_TAG.finditer(response.content):
        attrs = match.group(1).decode(errors="replace")
        if "src=" in attrs or "application/json" in attrs:
            continue
        nonce = _NONCE.search(attrs)
        if nonce is None or f"'nonce-{nonce.group(1)}'" not in header:
            found.append(f"inline script without the response's nonce: <script{attrs}>")
    return found


def is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def problems(response) -> list[str]:
    """What is wrong with the response's CSP, if it is an HTML response; [] when fine."""
    if not is_html(response):
        return []
    header = response.get("Content-Security-Policy")
    if not header:
        return ["HTML response without a Content-Security-Policy header"]
    parsed = directives(header)
    scripts = parsed.get("script-src", parsed.get("default-src"))
    if scripts is None:
        return [f"CSP without script-src or default-src: {header}"]
    unsafe = [source for source in scripts if source.lower() in UNSAFE_FOR_SCRIPTS]
    found = []
    if unsafe:
        found.append(f"CSP allows {unsafe} for scripts: {header}")
    if "object-src" not in parsed and "'none'" not in parsed.get("default-src", []):
        found.append(f"CSP leaves plugins (object-src) open: {header}")
    return found + inline_scripts_without_nonce(response, header)
