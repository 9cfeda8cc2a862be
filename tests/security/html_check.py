"""Did anything a user wrote turn into markup? Parse the page and look for what an attacker
would need: an event handler, a script, a javascript: URL, an embedded document."""

import re
from html.parser import HTMLParser

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "xlink:href",
    "srcdoc",
    "content",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
FOREIGN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "marquee"}
HTML_SPECIALS = set("<>\"'")
_INVISIBLE = re.compile(r"[\x00-\x20\u00a0\u200b-\u200f\u202a-\u202e]+")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        shown = self.get_starttag_text()
        if tag in FOREIGN_TAGS:
            self.problems.append(f"<{tag}> element: {shown}")
        if tag == "script":
            self._in_script = True
            src = dict(attrs).get("src") or ""
            if src and not (src.startswith("/") and not src.startswith("//")):
                self.problems.append(f"script from elsewhere: {shown}")
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            self.problems.append(f"meta refresh: {shown}")
        if tag == "link" and (dict(attrs).get("href") or "").startswith("//"):
            self.problems.append(f"link to another site: {shown}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name!r}: {shown}")
            compact = _INVISIBLE.sub("", value).lower()
            if name in URL_ATTRIBUTES and compact.startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"{name} with a script URL: {shown}")
            if name == "content" and "url=javascript:" in compact:
                self.problems.append(f"refresh to a script URL: {shown}")
            if name == "style" and ("javascript:" in compact or "expression(" in compact):
                self.problems.append(f"style running script: {shown}")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert" in data:
            self.problems.append(f"inline script: {data[:80]!r}")


def injection_problems(html: str, vectors) -> list[str]:
    """Every sign that one of the vectors came back as markup, not text; [] when escaped."""
    problems = [
        f"raw vector in the page: {vector!r}"
        for vector in vectors
        if HTML_SPECIALS & set(vector) and vector in html
    ]
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return problems + collector.problems
