"""The admin looks finished (issue 11, item 6): every page names itself in the browser tab, one
distinct name per section, the reviewer's role and unread messages in the header, and the ban
appeal on the plugin's page where it is answered."""

import re
from html import unescape

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from accounts.services import developer_access_request_create
from inbox.models import Thread
from inbox.services import thread_reply_create
from tests.factories import DeveloperFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import ban, register
from tests.reviews.helpers import approve, claim, submit

pytestmark = pytest.mark.django_db

SITE_TITLE = "PluginStore review"


def _title(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1)).strip()


def _admin_pages(world_objects) -> list[str]:
    """The index, every registered model's list and first object's page, our transition
    forms, and the reviewers' own pages."""
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        info = model._meta.app_label, model._meta.model_name
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[first.pk]))
    plugin, access_request = world_objects
    for name, args in (
        ("admin:pluginstore_plugin_transition", [plugin.pk, "reinstate"]),
        ("admin:pluginstore_plugin_transition", [plugin.pk, "keep_ban"]),
        ("admin:accounts_developeraccessrequest_transition", [access_request.pk, "decline"]),
        ("admin:reviews_submission_health", []),
        ("admin:reviews_submission_ban_appeals", []),
    ):
        urls.append(reverse(name, args=args))
    return urls


@pytest.fixture
def world_objects():
    reviewer = make_reviewer()
    plugin = register(DeveloperFactory())
    approve(claim(submit(plugin), reviewer), reviewer)
    ban(plugin, reviewer)
    asker = UserFactory(account_type="plus")
    access_request = developer_access_request_create(user=asker, reason="I build tools.")
    return plugin, access_request


def test_every_admin_page_names_itself_in_the_browser_tab(client, world_objects):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    unnamed = []
    for url in _admin_pages(world_objects):
        response = client.get(url)
        assert response.status_code == 200, url
        title = _title(response.content.decode())
        page_name = title.removesuffix(f" | {SITE_TITLE}").strip(" |")
        if not page_name or page_name == SITE_TITLE:
            unnamed.append(f"{url}: {title!r}")
    assert not unnamed, unnamed


def test_a_transition_form_tab_names_the_transition_and_the_object(client, world_objects):
    plugin, _ = world_objects
    client.force_login(make_reviewer())
    url = reverse("admin:pluginstore_plugin_transition", args=[plugin.pk, "keep_ban"])
    html = client.get(url).content.decode()
    assert _title(html) == f"Keep the ban: {plugin.display_name} | {SITE_TITLE}"
    assert html.count("<h1>") == 1


def test_each_section_of_the_admin_index_has_its_own_name(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:index")).content.decode()
    sections = re.findall(r'<caption>\s*<a href="[^"]+" class="section"[^>]*>([^<]+)</a>', html)
    assert "Users and access" in sections and "Accounts" in sections
    assert len(sections) == len(set(sections)), sections


@pytest.mark.parametrize(
    "who, role",
    [("reviewer", "Reviewer"), ("superuser", "Admin"), ("staff", "Staff")],
)
def test_the_headers_show_a_staff_members_role_not_their_account_type(client, who, role):
    user = {
        "reviewer": make_reviewer,
        "superuser": lambda: UserFactory(is_staff=True, is_superuser=True),
        "staff": lambda: UserFactory(is_staff=True),
    }[who]()
    client.force_login(user)
    admin_page = client.get(reverse("admin:index")).content.decode()
    assert f'<span class="admin-role">{role}</span>' in admin_page
    site_page = client.get(reverse("store:list")).content.decode()
    assert f'<span class="pill pill-staff">{role}</span>' in site_page
    assert ">Normal</span>" not in site_page


def test_the_site_header_still_shows_the_account_type_of_everyone_else(client):
    client.force_login(DeveloperFactory())
    page = client.get(reverse("store:list")).content.decode()
    assert '<span class="pill pill-developer">Developer</span>' in page
    assert "pill-staff" not in page


def test_the_admin_header_shows_the_reviewers_unread_messages(
    client, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer(account_type="developer")
    with django_capture_on_commit_callbacks(execute=True):
        submit(register(reviewer))  # "submission received" lands in their Messages
    client.force_login(reviewer)
    html = client.get(reverse("admin:index")).content.decode()
    link = re.search(r'<a href="/help/messages/" class="admin-messages">(.*?)</a>', html, re.S)
    assert link, "no Messages link in the admin header"
    assert re.search(r'<span class="admin-unread">1<span class="visually-hidden"> unread', link[1])


def test_the_plugin_page_shows_the_ban_appeal_where_it_is_answered(
    client, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer()
    owner = DeveloperFactory()
    plugin = register(owner, name_for_human="Bookshelf")
    with django_capture_on_commit_callbacks(execute=True):  # the thread comes with its notices
        approve(claim(submit(plugin), reviewer), reviewer)
        ban(plugin, reviewer)
    thread = Thread.objects.get(owner=owner, plugin=plugin)
    thread_reply_create(thread_id=thread.pk, author=owner, body="We removed the <b>covers</b>.")
    client.force_login(reviewer)
    html = client.get(reverse("admin:pluginstore_plugin_change", args=[plugin.pk])).content.decode()
    appeal = html.index('id="ban-appeal"')
    assert "We removed the &lt;b&gt;covers&lt;/b&gt;." in html[appeal:]
    # Above the buttons that answer it.
    assert appeal < html.index('value="keep_ban"') and appeal < html.index('value="reinstate"')


def test_the_plugin_page_of_a_plugin_not_banned_shows_no_appeal(client):
    plugin = register(DeveloperFactory())
    client.force_login(make_reviewer())
    html = client.get(reverse("admin:pluginstore_plugin_change", args=[plugin.pk])).content.decode()
    assert 'id="ban-appeal"' not in html
