"""Query budgets are measured cold: every copy and memory emptied first.

Signed-in pages read the session, the user, their installs, unread count and a plugin's page
from copies (core/versions.py) and keep rendered parts in per-process memories; a warm page
costs no query at all (tests/pluginstore/test_page_copies.py pins that). A budget pins the
most a page can cost, so it is measured with all of that forgotten, the same for each side
of a comparison whatever the requests before it left behind.
"""

from django.core.cache import cache


def forget_copies() -> None:
    from accounts.templatetags import site_header
    from pluginstore import selectors, store_cache, views_store
    from ratings.templatetags import ratings_tags
    from reports.templatetags import report_tags

    cache.clear()
    for memory in (
        store_cache.card_memory,
        store_cache.page_memory,
        site_header.memory,
        ratings_tags.action_memory,
        ratings_tags.your_rating_memory,
        report_tags.memory,
        views_store.install_box_memory,
        selectors._slug_ids,
    ):
        memory.clear()
