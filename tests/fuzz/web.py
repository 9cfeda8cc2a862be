"""Sending hostile values to the site's forms and query parameters, and judging each answer.

A response is a problem when it is a 500 or shows a traceback, and when it refused the input
(a form shown again, 400, 403, 404, 405, 429, or a redirect with an error message) yet changed
the database. Every request runs in a savepoint that is rolled back, and the client's cookies
are put back, so one request never changes what the next one sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from django.apps import apps
from django.contrib import messages
from django.core.cache import cache
from django.db import connection, transaction

from tests.fuzz.forms import EXTRA_QUERY_PARAMETERS, Form, Page, encode, read_page, site_pages
from tests.security.matrix import ROWS
from tests.security.runner import data_for, url_for
from tests.security.test_csrf import REACHES_THE_VIEW, database_snapshot
from tests.security.world import ROLES

# What a request may write even when it refuses the input: the session (logins, flash
# messages) and the read marks of a thread it shows.
WRITTEN_ANYWAY = {"sessions.Session": {"*"}, "inbox.Thread": {"last_read_at"}}
REFUSED = {200, 400, 403, 404, 405, 429}
# Forms that end the client's session: fuzzing them proves nothing and signs the role out.
SKIPPED_ACTIONS = ("/logout/",)

# One of each kind of hostile value, sent to every field and parameter (the Hypothesis tests
# draw many more, tests/fuzz/strategies.py): a NUL, a lone surrogate, and 10,000 characters
# that open with a right-to-left override, a zero-width joiner, "%00", a decomposed "é", a
# ligature NFKC folds, and HTML.
NUL, SURROGATE = "\x00", "\ud800"
LONG = "\u202e\u200d%00e\u0301\ufb01<script>alert(1)</script>" + "A" * 10_000
CORE_VALUES = {"nul": NUL, "surrogate": SURROGATE, "long": LONG}


@dataclass
class Site:
    """What the site offers, found by reading every page as the roles that may see it."""

    world: object
    forms: list[Form] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    baseline: dict[str, str] = field(default_factory=dict)

    @property
    def fields(self) -> list[tuple[Form, str]]:
        return [(form, name) for form in self.post_forms for name in form.fuzzable]

    @property
    def post_forms(self) -> list[Form]:
        return [form for form in self.forms if form.method == "post"]

    @property
    def parameters(self) -> list[tuple[Page, str]]:
        """Every page with each parameter it links to and each one some view reads."""
        return [
            (page, name)
            for page in self.pages
            for name in sorted(page.parameters | set(EXTRA_QUERY_PARAMETERS))
        ]


def _digest_query() -> str:
    """One query that digests every table but the sessions, the threads' read marks left out."""
    parts = []
    for model in apps.get_models():
        label = model._meta.label
        ignored = WRITTEN_ANYWAY.get(label, set())
        if "*" in ignored:
            continue
        row = "to_jsonb(t)" + "".join(f" - '{column}'" for column in sorted(ignored))
        pk = connection.ops.quote_name(model._meta.pk.column)
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(
            f"SELECT '{label}', md5(coalesce(string_agg(({row})::text, '|' ORDER BY t.{pk}), ''))"
            f" FROM {table} t"
        )
    return " UNION ALL ".join(parts)


def snapshot() -> dict[str, str]:
    """A digest per table of what the database holds now (one query on PostgreSQL)."""
    if connection.vendor != "postgresql":
        return database_snapshot(WRITTEN_ANYWAY)
    with connection.cursor() as cursor:
        cursor.execute(_digest_query())
        return dict(cursor.fetchall())


def _savepoint_request(client, method: str, url: str, body: str = "", *, digest: bool = True):
    """One request whose writes and cookie changes are undone afterwards; returns the response
    and a digest of the database as the request left it (taken before the rollback)."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    savepoint = transaction.savepoint()
    try:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        state = snapshot() if digest else {}
    finally:
        transaction.savepoint_rollback(savepoint)
        client.cookies = cookies
        cache.clear()
    return response, state


def discover(world) -> Site:
    """Load every page as the roles that get a 200 and read its forms and parameters; add the
    matrix's own POST rows (the data a role may post) as forms too."""
    site = Site(world)
    seen: set[tuple] = set()
    for url, roles in site_pages(world):
        for role in roles:
            response, _ = _savepoint_request(world.clients[role], "GET", url, digest=False)
            if response.status_code != 200 or getattr(response, "streaming", False):
                continue
            forms, parameters = read_page(url, role, response.content.decode())
            site.pages.append(Page(url, role, parameters))
            for form in forms:
                if form.key not in seen and not form.action.endswith(SKIPPED_ACTIONS):
                    seen.add(form.key)
                    site.forms.append(form)
    for row in ROWS:
        expected = row.expected("POST")
        role = next((r for r in ROLES if expected[r] & REACHES_THE_VIEW), None)
        if role is None or not row.data:
            continue
        url = url_for(world, row)
        data = {key: str(value) for key, value in data_for(world, row).items()}
        form = Form(url, role, url, "post", data, list(data))
        if form.key not in seen:
            seen.add(form.key)
            site.forms.append(form)
    site.baseline = snapshot()
    return site


def _refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return response.status_code in (301, 302, 303) and any(
        message.level >= messages.WARNING for message in queued
    )


def judge(site: Site, where: str, response, state, *, must_not_write: bool) -> list[str]:
    problems = []
    if response.status_code >= 500:
        exc_info = getattr(response, "exc_info", None)
        error = repr(exc_info[1]) if exc_info else ""
        problems.append(f"{where}: {response.status_code} {error}")
    elif not getattr(response, "streaming", False) and b"Traceback (most recent" in (
        response.content
    ):
        problems.append(f"{where}: the page shows a traceback")
    if must_not_write or _refused(response):
        changed = sorted(k for k, v in state.items() if site.baseline.get(k) != v)
        if changed:
            problems.append(f"{where}: {response.status_code}, yet it changed {changed}")
    return problems


def post_field(site: Site, form: Form, name: str, value: str) -> list[str]:
    """POST the form as a browser would, with `value` in field `name`."""
    pairs = [(key, value if key == name else default) for key, default in form.fields.items()]
    if name not in form.fields:
        pairs.append((name, value))
    client = site.world.clients[form.role]
    response, state = _savepoint_request(client, "POST", form.action, encode(pairs))
    where = f"POST {urlsplit(form.action).path} {name}={value[:20]!r}... as {form.role}"
    return judge(site, where, response, state, must_not_write=False)


def get_with(site: Site, page: Page, pairs: list[tuple[str, str]]) -> list[str]:
    """GET the page with these query parameters (they replace any of the same name)."""
    url = urlsplit(page.url)
    names = {name for name, _ in pairs}
    kept = [(k, v) for k, v in parse_qsl(url.query, keep_blank_values=True) if k not in names]
    client = site.world.clients[page.role]
    response, state = _savepoint_request(client, "GET", f"{url.path}?{encode(kept + pairs)}")
    shown = ", ".join(f"{k[:12]!r}={v[:12]!r}" for k, v in pairs[:3])
    where = f"GET {url.path}?{shown}{'...' if len(pairs) > 3 else ''} as {page.role}"
    return judge(site, where, response, state, must_not_write=True)
