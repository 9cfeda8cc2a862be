"""A message's body as HTML: escaped text, paragraphs, and its web addresses as links.

Message bodies are user text (a developer's or reviewer's reply) or our own notification text;
either may carry an address to read. Only http and https addresses become links (never
javascript:, data: or a bare "www."), every other character is escaped first, and each link
says rel="nofollow noopener" so a link in a reply earns no ranking and gets no window.opener.
"""

import re
from urllib.parse import urlsplit

from django import template
from django.utils.html import escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# An address runs to the next space or a character that ends one in prose text.
_ADDRESS = re.compile(r"""\bhttps?://[^\s<>"'`]+""", re.IGNORECASE)
# Punctuation after an address belongs to the sentence, not to the address.
_TRAILING = ".,;:!?"


def _trim(address: str) -> str:
    while address and (
        address[-1] in _TRAILING or (address[-1] == ")" and address.count("(") < address.count(")"))
    ):
        address = address[:-1]
    return address


def _is_web_address(address: str) -> bool:
    try:
        parts = urlsplit(address)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def link_addresses(text: str) -> SafeString:
    """The text escaped, with each http(s) address turned into a link."""
    text = str(text or "")
    pieces: list[str] = []
    position = 0
    for match in _ADDRESS.finditer(text):
        address = _trim(match.group(0))
        if not _is_web_address(address):
            continue
        pieces.append(escape(text[position : match.start()]))
        pieces.append(format_html('<a href="{}" rel="nofollow noopener">{}</a>', address, address))
        position = match.start() + len(address)
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece was escaped above


@register.filter(is_safe=True)
def message_body(text: str) -> SafeString:
    """A message body as paragraphs with clickable web addresses (see the module's doc)."""
    return mark_safe(linebreaks(link_addresses(text), autoescape=False))  # noqa: S308
