"""Stored XSS in ratings: every vector as a review, a developer's answer, a report's reason and
a reviewer's hide reason comes back as text on the store's detail pages, the rating form, the
reviewers' admin, Help > Messages and the emails (tests/security/xss_vectors.py)."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from inbox.models import Thread
from pluginstore import services as plugin_services
from ratings import services
from ratings.models import Rating
from ratings.selectors import REVIEWS_PAGE_SIZE
from tests.factories import DeveloperFactory, PlusUserFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import approve as make_live
from tests.pluginstore.helpers import register
from tests.security.test_xss import Pages
from tests.security.xss_vectors import VECTORS

pytestmark = pytest.mark.django_db


def _shown(vector: str, *, linked: bool = False) -> str:
    """The part of the vector a page shows as it was typed: services strip the ends, line
    breaks become <br>, and Help > Messages turns URLs into links (checked, not required)."""
    if linked and "://" in vector:
        return ""
    return vector.strip().split("\n")[0]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_text_of_a_review_comes_back_escaped_on_every_page(
    django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "REPORTS_PER_DAY", len(VECTORS))
    owner, reviewer, reporter = DeveloperFactory(), make_reviewer(), UserFactory()
    shown = register(owner, name_for_human="Reviewed Weather")
    hidden = register(owner, name_for_human="Hidden Weather")
    make_live(shown, reviewer)
    make_live(hidden, reviewer)
    authors = []
    with django_capture_on_commit_callbacks(execute=True):
        for vector in VECTORS:
            author = PlusUserFactory()
            for plugin in (shown, hidden):
                plugin_services.installation_create(user=author, plugin_id=plugin.pk)
            rating = services.rating_save(user=author, plugin_id=shown.pk, stars=3, review=vector)
            services.rating_answer(
                user=owner, plugin_id=shown.pk, rating_id=rating.pk, answer=vector
            )
            services.rating_report(
                user=reporter, plugin_id=shown.pk, rating_id=rating.pk, reason=vector
            )
            gone = services.rating_save(user=author, plugin_id=hidden.pk, stars=1, review=vector)
            services.rating_hide(rating_id=gone.pk, by=reviewer, reason=vector)
            authors.append((author, vector))
    pages = Pages(VECTORS)
    as_owner, as_reviewer = _client(owner), _client(reviewer)
    detail = reverse("store:detail", args=[shown.slug])

    # The store's detail page, every page of reviews, to a visitor and to the developer.
    last_page = -(-len(VECTORS) // REVIEWS_PAGE_SIZE)
    for number in range(1, last_page + 1):
        pages.check(Client(), f"{detail}?page={number}")
    pages.check(as_owner, detail, shows=VECTORS[-1])
    for author, vector in authors:
        as_author = _client(author)
        # The author's own form (the review in its textarea) and their hidden review's reason.
        url = reverse("ratings:edit", args=[shown.slug])
        pages.check(as_author, url, shows=_shown(vector))
        pages.check(as_author, reverse("store:detail", args=[hidden.slug]), shows=_shown(vector))
        notices = Thread.objects.get(owner=author, plugin=None)
        url = reverse("help:thread", args=[notices.pk])
        pages.check(as_author, url, shows=_shown(vector, linked=True))
    # The reviewers' admin: the list and each review with its reports, answer and reason.
    pages.check(as_reviewer, reverse("admin:ratings_rating_changelist"))
    pages.check(as_reviewer, reverse("admin:ratings_rating_changelist") + "?reported=yes")
    for rating in Rating.objects.all():
        pages.check(
            as_reviewer,
            reverse("admin:ratings_rating_change", args=[rating.pk]),
            shows=_shown(rating.review),
        )
    # The store's cards (the average and count sit next to the names).
    pages.check(Client(), reverse("store:list") + "?sort=rating")

    html_parts = [
        body
        for message in mail.outbox
        for body, kind in message.alternatives
        if kind == "text/html"
    ]
    assert len(html_parts) >= 2 * len(VECTORS)
    assert any(escape(VECTORS[0]) in html for html in html_parts), "no email shows the texts"
    for number, html in enumerate(html_parts):
        pages.check_html(f"email {number} ({mail.outbox[number].subject!r})", html)
    assert pages.count > 4 * len(VECTORS)
    pages.assert_clean()
