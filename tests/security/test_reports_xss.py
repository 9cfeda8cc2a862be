"""Stored XSS in user reports (issue 13 item 5): every vector as a report's text and as a
reviewer's dismiss note comes back as text on the reporter's pages, the report form, the
reviewers' reports list and report page, Help > Messages (the reviewers' notice, the reporter's
outcome) and the emails (tests/security/xss_vectors.py). The ban reason an installer reads
(Installation.removed_reason) is covered by test_xss.py's installed list and notices."""

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape

from inbox.models import Thread
from reports import services
from reports.models import Report
from reviews import moderation
from tests.factories import DeveloperFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import make_plugin
from tests.security.test_xss import Pages, _chunks
from tests.security.xss_vectors import VECTORS

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@override_settings(REPORTS_PER_HOUR=1000)
def test_report_texts_and_dismiss_notes_come_back_escaped_on_every_page(
    django_capture_on_commit_callbacks,
):
    owner, reviewer = DeveloperFactory(), make_reviewer()
    reporter = UserFactory(display_name=VECTORS[1])
    dismissed_plugin = make_plugin(owner, status="approved", name_for_human="Dismissed Weather")
    banned_plugin = make_plugin(owner, status="approved", name_for_human="Banned Weather")
    open_plugin = make_plugin(owner, status="approved", name_for_human="Open Weather")
    texts = _chunks(VECTORS)
    with django_capture_on_commit_callbacks(execute=True):
        for text in texts:
            # One open report per user and plugin: a reporter per text, the named one last.
            for plugin in (dismissed_plugin, banned_plugin, open_plugin):
                services.report_create(
                    user=UserFactory(), plugin_id=plugin.pk, reason="other", text=text
                )
            services.reports_dismiss(
                by=reviewer,
                plugin_id=dismissed_plugin.pk,
                report_ids=list(
                    Report.objects.filter(plugin=dismissed_plugin, state="open").values_list(
                        "pk", flat=True
                    )
                ),
                note=text,
            )
        mine = services.report_create(
            user=reporter, plugin_id=dismissed_plugin.pk, reason="harmful", text=texts[0]
        )
        services.reports_dismiss(
            by=reviewer, plugin_id=dismissed_plugin.pk, report_ids=[mine.pk], note=texts[0]
        )
        services.report_create(
            user=reporter, plugin_id=banned_plugin.pk, reason="privacy", text=texts[0]
        )
        moderation.plugin_ban(plugin_id=banned_plugin.pk, by=reviewer, reason=texts[0])

    first_line = texts[0].split("\n", 1)[0]
    pages = Pages(VECTORS)
    as_reporter, as_reviewer = _client(reporter), _client(reviewer)
    pages.check(as_reporter, reverse("reports:mine"), shows=first_line)
    pages.check(as_reporter, reverse("store:detail", args=[dismissed_plugin.slug]))
    # The form shows what was typed back when it is refused.
    response = as_reporter.post(
        reverse("reports:create", args=[open_plugin.slug]), {"reason": "bad", "text": texts[1]}
    )
    assert response.status_code == 200
    pages.check_html("the refused report form", response.content.decode())
    assert escape(texts[1].split("\n", 1)[0]) in response.content.decode()

    admin_list = reverse("admin:reports_report_changelist")
    for state in ("open", "dismissed", "led_to_ban"):
        pages.check(as_reviewer, f"{admin_list}?state={state}", shows=first_line)
    report = Report.objects.filter(plugin=open_plugin).first()
    pages.check(
        as_reviewer, reverse("admin:reports_report_change", args=[report.pk]), shows=first_line
    )
    pages.check(as_reviewer, reverse("admin:reviews_submission_changelist") + "?queue=all")
    for user, client in ((reviewer, as_reviewer), (reporter, as_reporter)):
        notices = Thread.objects.get(owner=user, plugin=None)
        pages.check(client, reverse("help:thread", args=[notices.pk]), shows=first_line)
        pages.check(client, reverse("help:messages"))

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
