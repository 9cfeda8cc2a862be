"""Quoting what someone typed inside a message we show back to them."""

from __future__ import annotations

import re

# The longest piece of user input a message ever quotes.
QUOTE_LIMIT = 80

_INVISIBLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]"
)


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """User text made safe to embed: control characters escaped, cut to `limit` characters."""
    text = _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
