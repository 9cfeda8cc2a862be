"""Links in Help > Messages (issue 14 item 5): a web address in a message is a link, and the
body stays escaped user text (only http/https links, rel="nofollow noopener")."""

import re

import pytest
from django.urls import reverse

from inbox.models import Message
from inbox.templatetags.inbox_text import link_addresses, message_body
from tests.factories import DeveloperFactory
from tests.inbox.test_replies import plugin_thread
from tests.inbox.test_views import thread_url
from tests.security.xss_vectors import VECTORS

OUR_LINK = re.compile(r'<a href="(https?://[^"<>]*)" rel="nofollow noopener">[^<]*</a>')


def test_an_address_becomes_a_link_and_the_sentence_keeps_its_punctuation():
    html = link_addresses("Read https://docs.example.com/manifest#name_for_human. Thanks!")
    assert html == (
        'Read <a href="https://docs.example.com/manifest#name_for_human" rel="nofollow noopener">'
        "https://docs.example.com/manifest#name_for_human</a>. Thanks!"
    )
    assert link_addresses("(see http://a.example/x_(y))") == (
        '(see <a href="http://a.example/x_(y)" rel="nofollow noopener">http://a.example/x_(y)</a>)'
    )
    assert link_addresses("a & b?x=1&y=2 https://a.example/?x=1&y=2") == (
        'a &amp; b?x=1&amp;y=2 <a href="https://a.example/?x=1&amp;y=2" rel="nofollow noopener">'
        "https://a.example/?x=1&amp;y=2</a>"
    )


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "ftp://files.example.com/x",
        "www.example.com",
        "mailto:a@example.com",
        "https://",
        "https:///nohost",
    ],
)
def test_only_http_and_https_addresses_become_links(text):
    assert "<a " not in link_addresses(text)


@pytest.mark.parametrize("vector", VECTORS)
def test_hostile_text_stays_escaped_around_the_links(vector):
    for text in (vector, f"https://x.example/{vector}", f"{vector} https://x.example/ok {vector}"):
        html = str(message_body(text))
        rest = OUR_LINK.sub("", html)
        rest = re.sub(r"</?p>|<br>", "", rest)
        assert "<" not in rest and ">" not in rest, (vector, html)
        for href in OUR_LINK.findall(html):
            assert '"' not in href and "'" not in href and " " not in href


@pytest.mark.django_db
def test_a_link_in_a_reply_is_clickable_on_the_thread_page(client, django_assert_max_num_queries):
    owner = DeveloperFactory()
    thread = plugin_thread(owner)
    client.force_login(owner)
    client.post(
        reverse("help:reply", args=[thread.pk]),
        {"body": "Fixed, see https://book.example.com/changelog.\n<script>alert(1)</script>"},
    )
    assert Message.objects.filter(author=owner).exists()
    with django_assert_max_num_queries(12):
        page = client.get(thread_url(thread)).content.decode()
    assert (
        '<a href="https://book.example.com/changelog" rel="nofollow noopener">'
        "https://book.example.com/changelog</a>." in page
    )
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
