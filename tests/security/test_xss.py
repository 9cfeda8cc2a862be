"""Stored XSS: every vector in every manifest field and every text a person writes comes back
as text on every page that shows it (tests/security/xss_vectors.py lists the vectors)."""

import json
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.services import developer_access_decline, developer_access_request_create
from inbox import services as inbox_services
from inbox.models import Thread
from pluginstore import services as plugin_services
from pluginstore.checks import check_plugin
from reviews import moderation
from reviews import services as review_services
from reviews.models import CannedReason
from tests.factories import DeveloperFactory, PlusUserFactory, make_reviewer
from tests.pluginstore.helpers import approve as make_live
from tests.pluginstore.helpers import fake_fetch, manifest_for, register, spec_for
from tests.reviews.helpers import approve, claim, new_version, reject, results, submit
from tests.security.html_check import HTML_SPECIALS, injection_problems
from tests.security.xss_vectors import VECTORS

pytestmark = pytest.mark.django_db


def test_there_are_at_least_fifty_distinct_vectors():
    assert len(set(VECTORS)) >= 50


@pytest.mark.parametrize("vector", [v for v in VECTORS if HTML_SPECIALS & set(v)])
def test_the_checker_flags_each_vector_left_raw_and_passes_it_escaped(vector):
    assert injection_problems(f"<p>{vector}</p>", [vector])
    assert injection_problems(f"<p>{escape(vector)}</p>", [vector]) == []


class Pages:
    """Fetch pages and gather every injection found, to report them all at once."""

    def __init__(self, vectors):
        self.vectors = vectors
        self.problems: list[str] = []
        self.count = 0

    def check(self, client: Client, url: str, vectors=None, *, shows: str = "") -> str:
        """Check one page; `shows` is text it must display (escaped), or the check is moot."""
        response = client.get(url)
        assert response.status_code == 200, f"GET {url}: {response.status_code}"
        html = response.content.decode()
        self.count += 1
        if shows and escape(shows) not in html:
            self.problems.append(f"{url}: does not show {shows!r}, so it proves nothing")
        self.problems += [f"{url}: {p}" for p in injection_problems(html, vectors or self.vectors)]
        return html

    def check_html(self, where: str, html: str) -> None:
        self.count += 1
        self.problems += [f"{where}: {p}" for p in injection_problems(html, self.vectors)]

    def assert_clean(self):
        assert not self.problems, "\n".join(self.problems)


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _manifest_with(domain: str, vector: str) -> dict:
    return manifest_for(
        domain,
        schema_version=vector,
        name_for_human=vector,
        name_for_model=vector,
        description_for_human=vector,
        description_for_model=vector,
        logo_url=vector,
        contact_email=vector,
        legal_info_url=vector,
        api={"type": "openapi", "url": vector},
        auth={"type": vector},
    )


def _spec_with(vector: str) -> dict:
    spec = spec_for(title=vector)
    operation = spec["paths"]["/forecast"]["get"]
    operation.update(operationId=vector, summary=vector, description=vector)
    return spec


def _register_through_a_job(owner, domain, manifest, spec, capture_on_commit, monkeypatch):
    fake_fetch(monkeypatch, lambda: (manifest, spec))
    with capture_on_commit(execute=True):
        job = plugin_services.plugin_registration_start(
            user=owner, target=domain, category="retrieval"
        )
    job.refresh_from_db()
    assert job.state == "done", (domain, job.state, job.error)
    return job


def _approvable_with(domain: str, vector: str) -> tuple[dict, dict]:
    """A manifest and spec with the vector in every field that can hold it while the checks
    still pass (so the version can go live); the other fields keep valid values."""
    manifest, spec = manifest_for(domain), spec_for()
    url = f"https://{domain}/.well-known/ai-plugin.json"

    def errors(m, s) -> int:
        report = check_plugin(json.dumps(m).encode(), json.dumps(s).encode(), manifest_url=url)
        return sum(1 for f in report.findings if f.severity == "error")

    for key, value in (
        ("name_for_human", vector),
        ("description_for_human", f"{vector}."),
        ("description_for_model", vector),
        ("contact_email", vector),
        ("logo_url", vector),
        ("legal_info_url", vector),
    ):
        candidate = {**manifest, key: value}
        if not errors(candidate, spec):
            manifest = candidate
    for key in ("summary", "description"):
        candidate = json.loads(json.dumps(spec))
        candidate["paths"]["/forecast"]["get"][key] = vector
        if not errors(manifest, candidate):
            spec = candidate
    assert vector in manifest["description_for_model"]
    return manifest, spec


def test_manifest_fields_come_back_escaped_on_every_page(
    monkeypatch, django_capture_on_commit_callbacks
):
    """Two plugins per vector, registered through the fetch job as a developer does: one with
    the vector in every manifest field and the spec (check errors: it stays unverified), and
    one with it in every field the checks let through, approved into the store."""
    owner = DeveloperFactory(display_name="Owner")
    tester = DeveloperFactory(display_name="Tester")
    reviewer = make_reviewer()
    raw, live = [], []
    for number, vector in enumerate(VECTORS):
        domain = f"raw{number}.example.com"
        job = _register_through_a_job(
            owner,
            domain,
            _manifest_with(domain, vector),
            _spec_with(vector),
            django_capture_on_commit_callbacks,
            monkeypatch,
        )
        plugin_services.tester_invite(plugin_id=job.plugin_id, by=owner, email=tester.email)
        raw.append((job.plugin, job, vector))
        domain = f"live{number}.example.com"
        job = _register_through_a_job(
            owner,
            domain,
            *_approvable_with(domain, vector),
            django_capture_on_commit_callbacks,
            monkeypatch,
        )
        live.append((make_live(job.plugin, reviewer), job, vector))

    pages = Pages(VECTORS)
    anonymous, as_owner, as_reviewer = _client(), _client(owner), _client(reviewer)
    as_tester = _client(tester)
    store = reverse("store:list")
    for page in range(1, len(live) // 24 + 2):
        pages.check(anonymous, f"{store}?sort=name&page={page}")
    pages.check(as_owner, reverse("developer:plugins"))
    pages.check(as_tester, reverse("developer:plugins"))
    pages.check(as_owner, reverse("help:submit"))  # the bot's plugin picker
    pages.check(as_reviewer, reverse("admin:pluginstore_plugin_changelist") + "?all=")
    pages.check(as_reviewer, reverse("admin:pluginstore_pluginversion_changelist") + "?all=")
    # The approved ones on the public pages; the raw ones (every field) on every other page.
    for plugin, _, vector in live:
        pages.check(anonymous, reverse("store:detail", args=[plugin.slug]), [vector], shows=vector)
    for plugin, job, vector in raw:
        one = [vector]
        pages.check(as_tester, reverse("store:detail", args=[plugin.slug]), one, shows=vector)
        pages.check(as_owner, reverse("developer:plugin", args=[plugin.pk]), one, shows=vector)
        pages.check(as_owner, reverse("developer:version", args=[plugin.pk, 1]), one, shows=vector)
        pages.check(as_owner, reverse("developer:job", args=[job.pk]), one)
        pages.check(
            as_reviewer,
            reverse("admin:pluginstore_plugin_change", args=[plugin.pk]),
            one,
            shows=vector,
        )
        pages.check(
            as_reviewer,
            reverse("admin:pluginstore_pluginversion_change", args=[plugin.latest_version_id]),
            one,
        )
    for vector in VECTORS:
        # Reflected, too: the vector as a store search.
        pages.check(anonymous, f"{store}?{urlencode({'q': vector})}", [vector])
    pages.assert_clean()
    assert pages.count >= 8 * len(VECTORS)


def _chunks(vectors, limit: int = 1900) -> list[str]:
    """The vectors joined by newlines into texts of at most `limit` characters."""
    texts, current = [], ""
    for vector in vectors:
        if current and len(current) + 1 + len(vector) > limit:
            texts.append(current)
            current = ""
        current = f"{current}\n{vector}" if current else vector
    return texts + [current]


def _email_vectors():
    """The vectors that fit an email address's quoted local part (tester emails)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    found: dict[str, str] = {}
    for vector in VECTORS:
        email = f'"{vector}"@example.com'
        try:
            validate_email(email)
        except ValidationError:
            continue
        # Invitations find the account case-insensitively (in SQL, UPPER('ı') is 'I').
        found.setdefault(email.upper(), email)
    return list(found.values())


def test_user_written_text_comes_back_escaped_on_every_page(
    monkeypatch, django_capture_on_commit_callbacks
):
    """Notes to and from reviewers, private notes, replies, ban, keep-ban and reinstate
    reasons, canned reasons, access requests and their decline notes, display names and tester
    emails: all vectors at once in each (a few texts of newline-joined vectors), through the
    real services, then every page that shows them."""
    reviewer = make_reviewer(display_name=VECTORS[0])
    pages = Pages(VECTORS)
    as_reviewer = _client(reviewer)
    checked_with_owner = []
    testers = [DeveloperFactory(email=email, display_name=email[:80]) for email in _email_vectors()]
    for index, text in enumerate(_chunks(VECTORS)):
        owner = DeveloperFactory(display_name=VECTORS[(index + 1) % len(VECTORS)])
        installer = PlusUserFactory(display_name=VECTORS[(index + 2) % len(VECTORS)])
        with django_capture_on_commit_callbacks(execute=True):
            plugin = register(owner, domain=f"notes{index}.example.com")
            for tester in testers:
                plugin_services.tester_invite(plugin_id=plugin.pk, by=owner, email=tester.email)
            CannedReason.objects.create(criterion="C1", title=text[:120], text=text)
            first = submit(plugin, note_to_reviewer=text)
            claim(first, reviewer)
            review_services.submission_reply(submission_id=first.pk, reviewer=reviewer, body=text)
            reject(
                first,
                reviewer,
                developer_note=text,
                private_note=text,
                results=results(C1=text),
            )
        thread = Thread.objects.get(owner=owner, plugin=plugin)
        inbox_services.thread_reply_create(thread_id=thread.pk, author=owner, body=text)
        # A rejected version can't go back as it was: the owner updates the plugin first.
        update = {"description_for_human": "Weather forecasts for Paris, Berlin and Rome."}
        new_version(plugin, monkeypatch, django_capture_on_commit_callbacks, **update)
        with django_capture_on_commit_callbacks(execute=True):
            second = submit(plugin, note_to_reviewer=text)
            claim(second, reviewer)
        # The reviewer's pages while the submission is in review.
        pages.check(as_reviewer, reverse("admin:reviews_submission_changelist"))
        first_line = text.split("\n", 1)[0]
        pages.check(
            as_reviewer,
            reverse("admin:reviews_submission_change", args=[second.pk]),
            shows=first_line,
        )
        pages.check(
            as_reviewer,
            reverse("admin:reviews_submission_change", args=[first.pk]),
            shows=first_line,
        )
        pages.check(
            as_reviewer, reverse("admin:reviews_submission_transition", args=[second.pk, "reject"])
        )
        as_owner = _client(owner)
        pages.check(as_owner, reverse("developer:plugin", args=[plugin.pk]), shows=first_line)
        with django_capture_on_commit_callbacks(execute=True):
            approve(second, reviewer, developer_note=text, private_note=text)
            plugin_services.installation_create(user=installer, plugin_id=plugin.pk)
            moderation.plugin_ban(plugin_id=plugin.pk, by=reviewer, reason=text)
        inbox_services.thread_reply_create(thread_id=thread.pk, author=owner, body=text)
        with django_capture_on_commit_callbacks(execute=True):
            access = developer_access_request_create(user=installer, reason=text)
            developer_access_decline(request_id=access.pk, decided_by=reviewer, note=text)
            if index == 0:  # the others stay banned, for the ban appeals page
                moderation.plugin_keep_ban(plugin_id=plugin.pk, by=reviewer, reason=text)
                moderation.plugin_reinstate(plugin_id=plugin.pk, by=reviewer, reason=text)
        checked_with_owner.append((owner, installer, plugin, thread, access, first_line))

    for owner, installer, plugin, thread, access, first_line in checked_with_owner:
        as_owner, as_installer = _client(owner), _client(installer)
        pages.check(as_owner, reverse("help:messages"))
        pages.check(as_owner, reverse("help:thread", args=[thread.pk]), shows=first_line)
        pages.check(as_owner, reverse("developer:plugin", args=[plugin.pk]))
        pages.check(as_owner, reverse("developer:plugins"))
        pages.check(as_owner, reverse("store:detail", args=[plugin.slug]))
        pages.check(as_owner, reverse("profile"))
        pages.check(as_installer, reverse("store:installed"))
        pages.check(as_installer, reverse("profile"))
        pages.check(as_installer, reverse("help:messages"))
        notices = Thread.objects.get(owner=installer, plugin=None)
        pages.check(as_installer, reverse("help:thread", args=[notices.pk]), shows=first_line)
        pages.check(as_reviewer, reverse("admin:pluginstore_plugin_change", args=[plugin.pk]))
        pages.check(
            as_reviewer,
            reverse("admin:accounts_developeraccessrequest_change", args=[access.pk]),
            shows=first_line,
        )
        pages.check(as_reviewer, reverse("admin:accounts_user_change", args=[owner.pk]))
        for submission in plugin.submissions.all():
            pages.check(
                as_reviewer, reverse("admin:reviews_submission_change", args=[submission.pk])
            )
    pages.check(as_reviewer, reverse("admin:reviews_submission_ban_appeals"), shows=first_line)
    pages.check(as_reviewer, reverse("admin:reviews_submission_changelist") + "?queue=all")
    pages.check(as_reviewer, reverse("admin:reviews_cannedreason_changelist"))
    pages.check(as_reviewer, reverse("admin:accounts_user_changelist"))
    pages.check(as_reviewer, reverse("admin:accounts_developeraccessrequest_changelist"))
    # Tester emails and names on the store, and the testers' own pages.
    assert len(testers) >= 20
    for tester in testers[:3]:
        pages.check(_client(tester), reverse("developer:plugins"))
        pages.check(_client(tester), reverse("help:messages"))
        pages.check(_client(tester), reverse("account_email"), shows=tester.email)
        pages.check(_client(tester), reverse("profile"), shows=tester.email)

    # The emails behind the messages: their HTML parts.
    html_parts = [
        body
        for message in mail.outbox
        for body, kind in message.alternatives
        if kind == "text/html"
    ]
    assert any(escape(first_line) in html for html in html_parts), "no email shows the texts"
    for number, html in enumerate(html_parts):
        pages.check_html(f"email {number} ({mail.outbox[number].subject!r})", html)
    pages.assert_clean()


def test_each_vector_in_a_submission_comes_back_escaped_in_the_review_queue(
    django_capture_on_commit_callbacks,
):
    """One submittable plugin per vector (it sits in description_for_model, which the checks
    accept) with the vector as the note to the reviewer: the queue and each submission page."""
    reviewer = make_reviewer()
    owner = DeveloperFactory()
    submissions = []
    with django_capture_on_commit_callbacks(execute=True):
        for number, vector in enumerate(VECTORS):
            plugin = register(
                owner,
                domain=f"desc{number}.example.com",
                name_for_human="Weather",
                description_for_model=vector,
            )
            assert plugin.latest_version.is_submittable, vector
            submissions.append((submit(plugin, note_to_reviewer=vector), vector))
    pages = Pages(VECTORS)
    as_reviewer = _client(reviewer)
    pages.check(as_reviewer, reverse("admin:reviews_submission_changelist") + "?all=")
    for submission, vector in submissions:
        pages.check(
            as_reviewer,
            reverse("admin:reviews_submission_change", args=[submission.pk]),
            [vector],
            shows=vector,
        )
    pages.check(_client(owner), reverse("help:messages"))
    # Reflected: each vector as the queue's search and as a filter value.
    queue = reverse("admin:reviews_submission_changelist")
    for vector in VECTORS:
        pages.check(as_reviewer, f"{queue}?{urlencode({'q': vector})}", [vector])
        pages.check(as_reviewer, f"{queue}?{urlencode({'queue': vector})}", [vector])
    pages.assert_clean()


def _spec_fields_with(manifest: dict, spec: dict, vector: str) -> dict:
    """_approvable_with's spec, plus the vector as the operationId and in the path where the
    checks still pass: every string of the submission page's operations table."""
    url = f"https://{manifest['api']['url'].split('/')[2]}/.well-known/ai-plugin.json"

    def passes(candidate: dict) -> bool:
        report = check_plugin(
            json.dumps(manifest).encode(), json.dumps(candidate).encode(), manifest_url=url
        )
        return not any(f.severity == "error" for f in report.findings)

    candidate = json.loads(json.dumps(spec))
    candidate["paths"]["/forecast"]["get"]["operationId"] = vector
    spec = candidate if passes(candidate) else spec
    candidate = json.loads(json.dumps(spec))
    candidate["paths"] = {f"/{vector}": candidate["paths"].pop("/forecast")}
    return candidate if passes(candidate) else spec


def test_the_submission_page_shows_operations_and_diff_lines_escaped(
    monkeypatch, django_capture_on_commit_callbacks
):
    """Per vector, an approved plugin whose next version carries the vector in every manifest
    and spec field the checks let through (summary, description, operationId, path): the
    reviewer's submission page, with its operations table, diff lines and documents."""
    reviewer = make_reviewer()
    owner = DeveloperFactory()
    submissions = []
    for number, vector in enumerate(VECTORS):
        domain = f"ops{number}.example.com"
        plugin = make_live(register(owner, domain=domain), reviewer)
        manifest, spec = _approvable_with(domain, vector)
        spec = _spec_fields_with(manifest, spec, vector)
        fake_fetch(monkeypatch, lambda m=manifest, s=spec: (m, s))
        with django_capture_on_commit_callbacks(execute=True):
            plugin_services.plugin_refresh_start(user=owner, plugin_id=plugin.pk)
        submission = claim(submit(plugin), reviewer)
        submissions.append((submission, vector, spec))
    assert any("/forecast" not in spec["paths"] for _, _, spec in submissions)
    pages = Pages(VECTORS)
    as_reviewer = _client(reviewer)
    for submission, vector, _ in submissions:
        html = pages.check(
            as_reviewer,
            reverse("admin:reviews_submission_change", args=[submission.pk]),
            [vector],
            shows=vector,
        )
        assert 'id="wb-operations"' in html and 'class="wb-diff-add"' in html
    pages.assert_clean()


def test_the_submission_bot_shows_names_notes_and_findings_escaped(
    monkeypatch, django_capture_on_commit_callbacks
):
    """Walk the bot with a plugin whose manifest and spec carry vectors and a note made of all
    the vectors; its page at every step, then the developer's view of the filed submission."""
    from reviews import bot

    owner = DeveloperFactory(display_name=VECTORS[1])
    domain = "bot.example.com"
    short = '";alert(1);//'  # short enough for name_for_human, so the checks let it through
    manifest, spec = _approvable_with(domain, short)
    assert manifest["name_for_human"] == short
    plugin = register(owner, domain=domain)
    fake_fetch(monkeypatch, lambda: (manifest, spec))
    pages = Pages(VECTORS)
    client = _client(owner)
    url = reverse("help:submit")
    pages.check(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        bot.conversation_start(user=owner, plugin_id=plugin.pk)
    pages.check(client, url, shows=short)
    conversation, _ = bot.conversation_accept_check(user=owner)
    while (criterion := bot.next_criterion(conversation)) is not None:
        pages.check(client, url)
        conversation, _ = bot.conversation_confirm_criterion(user=owner, criterion=criterion)
    note = _chunks(VECTORS, limit=bot.NOTE_MAX_LENGTH)[0]
    bot.conversation_set_note(user=owner, note=note)
    pages.check(client, url, shows=note.split("\n", 1)[0])
    with django_capture_on_commit_callbacks(execute=True):
        bot.conversation_file(user=owner)
    pages.check(client, url)
    pages.check(client, reverse("developer:plugin", args=[plugin.pk]), shows=short)
    pages.assert_clean()


def test_a_request_for_changes_comes_back_escaped_on_every_page(
    django_capture_on_commit_callbacks,
):
    """Issue 11's texts: the request-changes note (all vectors, a few newline-joined notes),
    the developer's answer and the reviewers' notices of it, the reminder and the rejection at
    the deadline. Every page that shows them, and their emails."""
    from reviews.changes import changes_requested_deadlines

    reviewer = make_reviewer(display_name=VECTORS[1])
    pages = Pages(VECTORS)
    as_reviewer = _client(reviewer)
    mail.outbox = []
    texts = _chunks(VECTORS)
    for index, text in enumerate(texts):
        owner = DeveloperFactory(display_name=VECTORS[(index + 2) % len(VECTORS)])
        first_line = text.split("\n", 1)[0]
        with django_capture_on_commit_callbacks(execute=True):
            plugin = register(owner, domain=f"changes{index}.example.com")
            submission = submit(plugin)
            claim(submission, reviewer)
            review_services.submission_request_changes(
                submission_id=submission.pk, reviewer=reviewer, note=text
            )
        thread = Thread.objects.get(owner=owner, plugin=plugin)
        as_owner = _client(owner)
        pages.check(as_owner, reverse("developer:plugin", args=[plugin.pk]), shows=first_line)
        pages.check(as_owner, reverse("help:thread", args=[thread.pk]), shows=first_line)
        pages.check(as_owner, reverse("help:submit"))
        pages.check(
            as_reviewer,
            reverse("admin:reviews_submission_change", args=[submission.pk]),
            shows=first_line,
        )
        pages.check(as_reviewer, reverse("admin:reviews_submission_changelist") + "?queue=changes")
        # The answer (a reply made of the vectors) reaches the reviewer's Account notices;
        # then a second request runs out: a reminder, and a rejection with the note.
        with django_capture_on_commit_callbacks(execute=True):
            inbox_services.thread_reply_create(thread_id=thread.pk, author=owner, body=text)
            claim(submission, reviewer)
            asked = review_services.submission_request_changes(
                submission_id=submission.pk, reviewer=reviewer, note=text
            )
            changes_requested_deadlines(now=asked.changes_due_at - timezone.timedelta(days=1))
            changes_requested_deadlines(now=asked.changes_due_at)
        pages.check(as_owner, reverse("help:thread", args=[thread.pk]), shows=first_line)
        pages.check(as_owner, reverse("developer:plugin", args=[plugin.pk]), shows=first_line)
        pages.check(
            as_reviewer,
            reverse("admin:reviews_submission_change", args=[submission.pk]),
            shows=first_line,
        )
    notices = Thread.objects.get(owner=reviewer, plugin=None)
    pages.check(as_reviewer, reverse("help:thread", args=[notices.pk]), shows=first_line)
    pages.check(as_reviewer, reverse("help:messages"))
    html_parts = [
        body
        for message in mail.outbox
        for body, kind in message.alternatives
        if kind == "text/html"
    ]
    kinds_sent = {message.subject for message in mail.outbox}
    assert len(html_parts) >= 5 * len(texts), kinds_sent
    assert any(escape(first_line) in html for html in html_parts), "no email shows the texts"
    for number, html in enumerate(html_parts):
        pages.check_html(f"email {number} ({mail.outbox[number].subject!r})", html)
    pages.assert_clean()
