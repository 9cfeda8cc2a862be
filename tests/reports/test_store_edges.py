"""The store's rough edges (issue 13 item 4): search ranks an exact or prefix match on the
name first, card footers keep to one line, /favicon.ico is not a 404."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.urls import reverse

from pluginstore import selectors, store_cache
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import make_plugin

pytestmark = pytest.mark.django_db


def _names(client, **params) -> list[str]:
    store_cache.page_memory.clear()  # rendered, so its context can be read
    response = client.get(reverse("store:list"), params)
    assert response.status_code == 200
    return [plugin.display_name for plugin in response.context["page"].object_list]


@pytest.fixture
def bookish():
    """Plugins whose descriptions say "book" more often than Book Finder's does."""
    owner = DeveloperFactory()
    for name, description in (
        ("Reading Log Book", "Log every book you read: book notes, book quotes, book lists."),
        ("Library Hours", "Opening hours of libraries, to borrow a book or book a room."),
        ("Book Finder", "Find where to buy it."),
        ("Audiobook Shelf", "Your audiobook shelf and book club, book by book."),
        ("Bookkeeping Helper", "Ledgers and books for small firms."),
        ("Recipe Box", "Cooking, nothing to read."),
    ):
        make_plugin(
            owner, status="approved", name_for_human=name, description_for_human=description
        )


def _by_rank_alone(q: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM pluginstore_plugin, websearch_to_tsquery('english', %s) q "
            "WHERE search_vector @@ q ORDER BY ts_rank(search_vector, q) DESC, id",
            [q],
        )
        return [row[0] for row in cursor.fetchall()]


def test_a_search_lists_the_name_that_starts_with_the_query_first(client, bookish):
    # The full-text rank alone puts the wordier descriptions first: that was the bug.
    assert _by_rank_alone("book")[0] == "Reading Log Book"
    names = _names(client, q="book")
    assert names[0] in ("Book Finder", "Bookkeeping Helper")
    assert set(names[:2]) == {"Book Finder", "Bookkeeping Helper"}
    assert "Recipe Box" not in names


def test_an_exact_name_comes_before_a_prefix_match(client, bookish):
    assert _names(client, q="book finder")[0] == "Book Finder"
    assert _names(client, q="Reading Log Book")[0] == "Reading Log Book"


def test_a_search_sorted_otherwise_keeps_that_order(client, bookish):
    assert _names(client, q="book", sort="name") == sorted(_names(client, q="book", sort="name"))


def test_the_substring_fallback_ranks_the_name_first_too(bookish):
    query = selectors.StoreQuery(q="book", sort="relevance")
    from pluginstore.models import Plugin, PluginStatus

    names = [
        p.name
        for p in selectors._search_fallback(
            Plugin.objects.filter(status=PluginStatus.APPROVED), query
        )
    ]
    assert set(names[:2]) == {"Book Finder", "Bookkeeping Helper"}


def test_favicon_ico_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.url.endswith(".ico")
    icon = client.get(response.url)
    assert icon.status_code == 200
    body = b"".join(icon.streaming_content) if icon.streaming else icon.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert finders.find("img/favicon.svg")
    page = client.get(reverse("store:list")).content.decode()
    assert 'rel="icon"' in page and "favicon" in page


def test_card_footers_sit_on_the_store_grids_rows(client):
    make_plugin(DeveloperFactory(), status="approved", category="works-with-other-plugins")
    page = client.get(reverse("store:list")).content.decode()
    assert 'title="Works with other plugins"' in page
    css = Path(finders.find("css/store.css")).read_text()
    # The browser journey measures it (tests/browser/test_report_journey.py).
    assert "grid-template-rows: subgrid" in css
