"""Every form and query parameter the site offers, found by reading its pages as each role.

The security suite's matrix lists every URL and which roles may load it; allauth's own pages
are added by name. Each page is loaded as the roles that get a 200, and its HTML is read for
forms (their action, method and fields, with the values a browser would send) and for links back
to the same page with a query string (pagination, the admin's filters and sorting). The views
that read a query parameter the page never links to are listed in EXTRA_QUERY_PARAMETERS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

from django.urls import NoReverseMatch, reverse

from tests.security.matrix import ROWS
from tests.security.patterns import allauth_url_names
from tests.security.runner import url_for

# Query parameters views read from request.GET that no page links to (core/views.py healthz,
# reviews/bot/views.py preselect, allauth's and the admin's next and popups).
EXTRA_QUERY_PARAMETERS = ("q", "page", "worker", "plugin", "next", "o", "p", "e", "_popup")

# Preferred order: the role that sees the most of a page comes first.
ROLE_ORDER = ("owner", "reviewer", "plus", "tester", "normal", "anon")

# Inputs a browser never lets a person type into, and CSRF tokens (the test client does not
# enforce CSRF; the CSRF suite tests tokens).
_UNTYPED = {"submit", "image", "reset", "file", "button"}
_SKIPPED_NAMES = {"csrfmiddlewaretoken"}


@dataclass
class Form:
    """One form as found on a page: where it posts, and what a browser would send."""

    page: str  # the URL of the page that shows it
    role: str
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> value a browser sends
    fuzzable: list[str] = field(default_factory=list)  # names a person can set

    @property
    def key(self) -> tuple:
        return (self.role, urlsplit(self.action).path, self.method, tuple(sorted(self.fields)))


@dataclass
class Page:
    url: str
    role: str
    parameters: set[str] = field(default_factory=set)


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "action": a.get("action", ""),
                "method": a.get("method", "get").lower(),
                "fields": {},
                "fuzzable": [],
                "buttons": {},
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button"):
            self._input(tag, a)
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"].setdefault(self._select, "")
            self._form["fuzzable"].append(self._select)
        elif tag == "option" and self._select:
            fields = self._form["fields"]
            if not fields[self._select] or "selected" in a:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"][self._textarea] = ""
            self._form["fuzzable"].append(self._textarea)

    def _input(self, tag: str, a: dict[str, str]) -> None:
        name = a.get("name")
        if not name or name in _SKIPPED_NAMES:
            return
        kind = a.get("type", "submit" if tag == "button" else "text").lower()
        if kind == "submit":
            # A named button sends its value only when it is the one pressed: the first is.
            self._form["buttons"].setdefault(name, a.get("value", ""))
            self._form["fuzzable"].append(name)
            return
        if kind in _UNTYPED:
            return
        if kind in ("checkbox", "radio") and "checked" not in a:
            self._form["fuzzable"].append(name)
            return
        self._form["fields"].setdefault(name, a.get("value", "on" if kind == "checkbox" else ""))
        if name not in self._form["fuzzable"]:
            self._form["fuzzable"].append(name)

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def read_page(url: str, role: str, html: str) -> tuple[list[Form], set[str]]:
    """The forms on a page, and the query parameters of its links back to itself."""
    parser = _FormParser(url)
    parser.feed(html)
    forms = []
    for found in parser.forms:
        first_button = dict(list(found["buttons"].items())[:1])
        forms.append(
            Form(
                page=url,
                role=role,
                action=urljoin(url, found["action"]) if found["action"] else url,
                method=found["method"],
                fields={**found["fields"], **first_button},
                fuzzable=list(dict.fromkeys(found["fuzzable"])),
            )
        )
    path = urlsplit(url).path
    parameters = set()
    for link in parser.links:
        target = urlsplit(urljoin(url, link))
        if target.path == path and target.query:
            parameters.update(name for name, _ in parse_qsl(target.query, keep_blank_values=True))
    for form in forms:
        if form.method == "get" and urlsplit(form.action).path == path:
            parameters.update(form.fields)
    return forms, parameters


def site_pages(world) -> list[tuple[str, list[str]]]:
    """(URL, roles that get a 200) for every matrix row and every allauth page without
    arguments, roles in ROLE_ORDER and at most two per page."""
    pages: dict[str, list[str]] = {}
    for row in ROWS:
        expected = row.expected("GET")
        roles = [role for role in ROLE_ORDER if "200" in expected[role]][:2]
        if roles:
            try:
                url = url_for(world, row)
            except NoReverseMatch:
                continue
            pages.setdefault(url, roles)
    for name in allauth_url_names():
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # it takes arguments (a key from an email): no form to find by browsing
        pages.setdefault(url, ["anon", "normal"])
    return list(pages.items())


def encode(pairs: list[tuple[str, str]]) -> str:
    """application/x-www-form-urlencoded, as a client sends any text: a lone surrogate goes out
    as the three bytes a careless encoder writes for it (surrogatepass), not as an error."""
    return "&".join(
        f"{quote(key.encode('utf-8', 'surrogatepass'), safe='')}="
        f"{quote(value.encode('utf-8', 'surrogatepass'), safe='')}"
        for key, value in pairs
    )
