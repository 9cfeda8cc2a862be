"""Issue 16, items 7-11 and 12a/12c: poison input, one host in many spellings, stranded
installs, developer access granted to the wrong account, HEAD, the worker's health and a
tester removal that removed nothing. Each test here failed before its fix."""

import importlib
import io

import pytest
from django.apps import apps
from django.http import HttpResponse, QueryDict
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.choices import AccessRequestState, AccountType
from accounts.models import DeveloperAccessRequest, User
from accounts.services import (
    developer_access_grant,
    developer_access_request_create,
    user_set_account_type,
)
from core.exceptions import ApplicationError
from core.hosts import canonical_authority, canonical_host
from core.input_guard import PoisonInputMiddleware
from inbox.models import Thread
from pluginstore import services as plugin_services
from pluginstore.models import Installation, Plugin
from pluginstore.models import TesterInvitation as Invitation
from reviews import moderation
from tests.factories import DeveloperFactory, PlusUserFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import approve, register
from tests.security import csp
from tests.security.matrix import ROWS
from tests.security.runner import data_for, request, url_for
from tests.security.test_csrf import _poster, database_snapshot
from tests.security.world import ROLES

NUL = "\x00"
LONE_SURROGATE = "\ud800"


def _first_role_with(row, method: str, status: str) -> str | None:
    expected = row.expected(method)
    return next((role for role in ROLES if expected[role] == {status}), None)


def _unique_urls(world) -> list[tuple[object, str]]:
    seen, rows = set(), []
    for row in ROWS:
        url = url_for(world, row)
        if url not in seen:
            seen.add(url)
            rows.append((row, url))
    return rows


# 7. NUL bytes and lone surrogates ---------------------------------------------------------


@pytest.mark.django_db
def test_a_nul_in_the_store_search_is_dropped_not_a_500(client):
    """`GET /store/?q=%00` was a 500 for anyone: PostgreSQL text cannot hold NUL."""
    plugin = approve(register(DeveloperFactory(), name_for_human="Tea Timer"))
    response = client.get("/store/?q=%00")
    assert response.status_code == 200
    assert client.get("/store/?q=tea%00").content == client.get("/store/?q=tea").content
    assert plugin.name in client.get("/store/?q=t%00ea").content.decode()


@pytest.mark.django_db
def test_every_page_answers_nul_in_its_query_string_without_a_500(world):
    """The same class, on every URL the resolver knows, for a visitor and a role that may see
    the page: the query parameters the views read (and some they do not)."""
    poison = "q=%00&page=%00&plugin=%00&next=%00&from=%00&worker=%00"
    problems = []
    for row, url in _unique_urls(world):
        for role in {"anon", _first_role_with(row, "GET", "200") or "anon"}:
            sep = "&" if "?" in url else "?"
            response = request(world.clients[role], "GET", f"{url}{sep}{poison}", {})
            if response.status_code >= 500:
                problems.append(f"GET {url}?{poison} as {role}: {response.status_code}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_every_post_with_nul_in_a_field_is_a_400_that_changes_nothing(world):
    """A form field the database cannot store is refused before any view runs (a reply with a
    NUL was a 500), with the 400 page and its CSP, and no row changes."""
    problems, checked = [], 0
    for row in ROWS:
        role = _poster(row)
        if role is None:
            continue
        data = {key: f"{value}{NUL}" for key, value in data_for(world, row).items()}
        data = data or {"comment": f"a{NUL}b"}
        url = url_for(world, row)
        before = database_snapshot()
        response = world.clients[role].post(url, data)
        checked += 1
        if response.status_code != 400:
            problems.append(f"POST {url} as {role}: {response.status_code}, not 400")
        elif "NUL byte" not in response.content.decode():
            problems.append(f"POST {url} as {role}: the 400 page does not say what was wrong")
        changed = sorted(k for k, v in database_snapshot().items() if before[k] != v)
        if changed:
            problems.append(f"POST {url} as {role} changed {changed}")
        problems += [f"POST {url}: {p}" for p in csp.problems(response)]
    assert checked >= 25
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_a_nul_in_the_path_is_a_400_page(client):
    response = client.get("/store/tea%00timer/")
    assert response.status_code == 400
    assert "We couldn’t read that request" in response.content.decode()
    assert response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_session_cookie_with_a_nul_is_ignored_not_a_500():
    """The session is looked up by its cookie: a NUL there was a 500 on every page."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = f"abcdefgh{NUL}ijklmnop"
    assert client.get("/store/").status_code == 200


def _through_the_guard(request) -> tuple[HttpResponse, list]:
    seen = []

    def view(req):
        seen.append(req)
        return HttpResponse("view ran")

    return PoisonInputMiddleware(view)(request), seen


@pytest.mark.django_db
def test_a_lone_surrogate_in_a_form_field_is_refused_before_the_view():
    """No browser sends one (UTF-8 cannot encode it, so Django's parser never makes one), but
    a request built in-process can; it never reaches a view or a query."""
    request = RequestFactory().post("/help/messages/1/reply/", {"body": "x"})
    request.user = UserFactory()
    request.POST = QueryDict(mutable=True)
    request.POST["body"] = f"tea {LONE_SURROGATE}"
    response, seen = _through_the_guard(request)
    assert response.status_code == 400 and not seen


def test_a_lone_surrogate_in_the_query_string_is_replaced():
    request = RequestFactory().get("/store/")
    request.GET = QueryDict(mutable=True)
    request.GET["q"] = f"tea{LONE_SURROGATE}{NUL}"
    response, seen = _through_the_guard(request)
    assert response.content == b"view ran"
    assert seen[0].GET["q"] == "tea\ufffd"
    assert not seen[0].GET._mutable


# 8. One host, many spellings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "authority"),
    [
        ("https://example.test/.well-known/ai-plugin.json", "example.test"),
        ("https://example.test:443/.well-known/ai-plugin.json", "example.test"),
        ("http://example.test:80/x.json", "example.test"),
        ("https://EXAMPLE.Test./x.json", "example.test"),
        ("https://bücher.example/x.json", "xn--bcher-kva.example"),
        ("https://example.test:8443/x.json", "example.test:8443"),
        ("http://localhost:8001/x.json", "localhost:8001"),
        ("http://127.0.0.1:8001/x.json", "localhost:8001"),
        ("http://LOCALHOST.:8001/x.json", "localhost:8001"),
        ("http://[::1]:8001/x.json", "localhost:8001"),
        ("http://127.0.0.1/x.json", "localhost"),
        ("https://[2001:DB8:0:0::1]:443/x.json", "[2001:db8::1]"),
        ("https://[::ffff:93.184.216.34]/x.json", "93.184.216.34"),
        ("https://example.test:99999/x.json", ""),
    ],
)
def test_a_server_has_one_canonical_spelling(url: str, authority: str) -> None:
    assert canonical_authority(url) == authority


def test_canonical_host_writes_an_ip_address_one_way() -> None:
    assert canonical_host("[2001:DB8::0:1]") == "2001:db8::1"
    assert canonical_host("::ffff:1.2.3.4") == "1.2.3.4"
    assert canonical_host("127.0.0.1") == "127.0.0.1"  # the fetcher's dev spelling is kept


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spelling",
    [
        "https://example.test:443",
        "EXAMPLE.TEST.",
        "https://Example.Test:443/.well-known/ai-plugin.json",
    ],
)
def test_another_spelling_of_an_owned_domain_is_refused(spelling: str) -> None:
    register(DeveloperFactory(), domain="example.test")  # its owner proved the domain
    with pytest.raises(ApplicationError, match="example.test is verified by another developer"):
        plugin_services.plugin_registration_start(
            user=DeveloperFactory(), target=spelling, category="retrieval"
        )


@pytest.mark.django_db
def test_a_unicode_name_and_its_idna_form_are_one_domain() -> None:
    assert register(DeveloperFactory(), domain="bücher.example").domain == "xn--bcher-kva.example"
    with pytest.raises(ApplicationError, match="xn--bcher-kva.example is verified by another"):
        register(DeveloperFactory(), domain="xn--bcher-kva.example")


@pytest.mark.django_db
def test_a_loopback_alias_of_an_owned_local_plugin_is_refused(settings) -> None:
    # Several developers may register a domain nobody proved (PRODUCT.md section 9), so the
    # alias is the same developer's second registration of the one local server.
    settings.PLUGINSTORE_ALLOW_LOCALHOST = True
    developer = DeveloperFactory()
    plugin_services.plugin_register_documents(
        owner=developer,
        manifest_url="http://localhost:8001/.well-known/ai-plugin.json",
        manifest=b"{}",
        spec=None,
        spec_url=None,
        category="retrieval",
    )
    with pytest.raises(ApplicationError, match="You already registered localhost:8001"):
        plugin_services.plugin_registration_start(
            user=developer, target="http://127.0.0.1:8001", category="retrieval"
        )


def _old_plugin(domain: str, manifest_url: str) -> Plugin:
    """A plugin stored as the code before the fix stored it (a domain as typed)."""
    plugin = register(DeveloperFactory())
    Plugin.objects.filter(pk=plugin.pk).update(domain=domain, manifest_url=manifest_url)
    return plugin


@pytest.mark.django_db
def test_the_migration_canonicalizes_domains_and_reports_collisions() -> None:
    migration = importlib.import_module("pluginstore.migrations.0003_canonical_plugin_domains")
    owned = _old_plugin("example.test", "https://example.test/.well-known/ai-plugin.json")
    dup = _old_plugin("example.test:443", "https://example.test:443/.well-known/ai-plugin.json")
    # Neither spelling is canonical: the older plugin takes it.
    first = _old_plugin("bücher.example:443", "https://bücher.example:443/ai-plugin.json")
    second = _old_plugin(
        "xn--bcher-kva.example:443", "https://xn--bcher-kva.example:443/ai-plugin.json"
    )
    local = _old_plugin("127.0.0.1:8001", "http://127.0.0.1:8001/.well-known/ai-plugin.json")
    out = io.StringIO()

    left = migration.canonical_domains(apps, None, out=out)

    domains = dict(Plugin.objects.values_list("pk", "domain"))
    assert domains[owned.pk] == "example.test"
    assert domains[dup.pk] == "example.test:443"  # kept, and reported
    assert domains[first.pk] == "xn--bcher-kva.example"
    assert domains[second.pk] == "xn--bcher-kva.example:443"
    assert domains[local.pk] == "localhost:8001"
    assert {p.pk for p in left} == {dup.pk, second.pk}
    report = out.getvalue()
    assert f"Plugin #{dup.pk} keeps the domain 'example.test:443'" in report
    assert f"plugin #{owned.pk} ('example.test')" in report
    assert f"plugin #{first.pk} ('xn--bcher-kva.example')" in report


# 9. Stranded installs ---------------------------------------------------------------------


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _install_count(plugin) -> int:
    return Plugin.objects.values_list("install_count", flat=True).get(pk=plugin.pk)


@pytest.mark.django_db
def test_a_removed_tester_can_still_uninstall_and_the_count_comes_down() -> None:
    owner, tester = DeveloperFactory(), DeveloperFactory()
    plugin = register(owner)
    invitation = plugin_services.tester_invite(plugin_id=plugin.pk, by=owner, email=tester.email)
    plugin_services.installation_create(user=tester, plugin_id=plugin.pk)
    assert plugin_services.tester_remove(plugin_id=plugin.pk, by=owner, invitation_id=invitation.pk)
    client = _signed_in(tester)

    listed = client.get(reverse("store:installed")).content.decode()
    assert "Only developers invited to test this plugin can install it." in listed
    detail = reverse("store:detail", args=[plugin.slug])
    assert f'href="{detail}"' not in listed  # that page is a 404 for them now
    response = client.post(reverse("store:uninstall", args=[plugin.slug]))

    assert response.status_code == 302 and response["Location"] == reverse("store:installed")
    assert not Installation.objects.filter(user=tester).exists()
    assert _install_count(plugin) == 0


@pytest.mark.django_db
def test_an_install_of_a_banned_then_reinstated_plugin_can_be_removed() -> None:
    plus, reviewer = PlusUserFactory(), make_reviewer()
    plugin = approve(register(DeveloperFactory()), reviewer)
    plugin_services.installation_create(user=plus, plugin_id=plugin.pk)
    moderation.plugin_ban(plugin_id=plugin.pk, by=reviewer, reason="Breaks the policy.")
    moderation.plugin_reinstate(plugin_id=plugin.pk, by=reviewer, reason="Appeal accepted.")
    client = _signed_in(plus)

    # The ban ended the install; the reinstatement does not bring it back (issue 13 item 3).
    listed = client.get(reverse("store:installed")).content.decode()
    assert "Removed" in listed and "Breaks the policy." in listed and "Working" not in listed
    response = client.post(reverse("store:uninstall", args=[plugin.slug]), {"from": "installed"})

    assert response.status_code == 302
    assert not Installation.objects.filter(user=plus).exists()
    assert _install_count(plugin) == 0


@pytest.mark.django_db
def test_uninstalling_without_an_install_of_a_hidden_plugin_stays_a_404() -> None:
    plugin = register(DeveloperFactory())
    response = _signed_in(PlusUserFactory()).post(reverse("store:uninstall", args=[plugin.slug]))
    assert response.status_code == 404


# 10. Developer access re-checks the account ---------------------------------------------------


def _staff() -> User:
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_a_downgrade_closes_the_pending_request_and_says_so() -> None:
    plus, staff = PlusUserFactory(), _staff()
    access = developer_access_request_create(user=plus, reason="Weather tools.")

    user_set_account_type(user_id=plus.pk, account_type=AccountType.NORMAL, changed_by=staff)

    access.refresh_from_db()
    assert access.state == AccessRequestState.DECLINED
    assert "developer access is for Plus accounts" in access.decision_note
    assert access.decided_by == staff
    notice = plus.notifications.get(kind="account_type_changed")
    assert "developer access is for Plus accounts" in notice.context["reason"]
    with pytest.raises(ApplicationError, match="already declined"):
        developer_access_grant(request_id=access.pk, decided_by=staff)
    plus.refresh_from_db()
    assert plus.account_type == AccountType.NORMAL


@pytest.mark.django_db
def test_granting_a_request_of_an_account_that_is_no_longer_plus_is_refused() -> None:
    """A pending request of a Normal account (left by the code before the fix, or any raw
    change): the grant re-checks the account, refuses, and changes nothing."""
    plus, staff = PlusUserFactory(), _staff()
    access = developer_access_request_create(user=plus, reason="Weather tools.")
    User.objects.filter(pk=plus.pk).update(account_type=AccountType.NORMAL)

    with pytest.raises(ApplicationError, match="only a Plus account can be granted"):
        developer_access_grant(request_id=access.pk, decided_by=staff)

    plus.refresh_from_db()
    access.refresh_from_db()
    assert plus.account_type == AccountType.NORMAL
    assert access.state == AccessRequestState.PENDING
    assert not plus.account_type_changes.exists()
    # The admin offers no Grant button for it (the transition's condition), only Decline.
    names = {t.name for t in access.get_available_user_state_transitions(staff)}
    assert names == {"decline"}


@pytest.mark.django_db
def test_a_deactivated_account_is_not_granted_developer_access() -> None:
    plus, staff = PlusUserFactory(), _staff()
    access = developer_access_request_create(user=plus, reason="Weather tools.")
    User.objects.filter(pk=plus.pk).update(is_active=False)
    with pytest.raises(ApplicationError, match="deactivated"):
        developer_access_grant(request_id=access.pk, decided_by=staff)
    assert DeveloperAccessRequest.objects.get(pk=access.pk).state == AccessRequestState.PENDING


@pytest.mark.django_db
def test_making_an_asker_a_developer_by_hand_grants_the_pending_request() -> None:
    plus, staff = PlusUserFactory(), _staff()
    access = developer_access_request_create(user=plus, reason="Weather tools.")
    user_set_account_type(user_id=plus.pk, account_type=AccountType.DEVELOPER, changed_by=staff)
    access.refresh_from_db()
    assert access.state == AccessRequestState.GRANTED and access.decided_by == staff


# 11. HEAD ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_page_a_role_may_get_answers_head_too(world):
    """`require_GET` refused HEAD (405) on /healthz, the store and detail pages; load balancers
    and link checkers use it. One role per page, the first that may GET it."""
    problems, checked = [], 0
    for row, url in _unique_urls(world):
        role = _first_role_with(row, "GET", "200")
        if role is None:
            continue
        savepoint_response = request(world.clients[role], "GET", url, {})
        head = world.clients[role].head(url)
        checked += 1
        if head.status_code != 200:
            problems.append(f"HEAD {url} as {role}: {head.status_code}")
        elif head.content or head["Content-Type"] != savepoint_response["Content-Type"]:
            problems.append(f"HEAD {url} as {role}: a body, or not the GET's Content-Type")
    assert checked >= 40
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_head_on_healthz_and_the_store_answers_like_get(client):
    for url in ("/healthz", "/store/"):
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code == 200
        assert head.content == b"" and head["Content-Type"] == get["Content-Type"]


@pytest.mark.django_db
def test_head_on_a_thread_marks_nothing_read(world):
    """Reading a thread marks it read; a HEAD (a link checker, a prefetch) reads nothing."""
    Thread.objects.filter(pk=world.thread.pk).update(last_read_at=None)
    url = reverse("help:thread", args=[world.thread.pk])
    assert world.clients["owner"].head(url).status_code == 200
    assert Thread.objects.get(pk=world.thread.pk).last_read_at is None
    world.clients["owner"].get(url)
    assert Thread.objects.get(pk=world.thread.pk).last_read_at is not None


@pytest.mark.django_db
def test_head_on_the_bot_leaves_its_notice_for_the_get(world):
    client = world.clients["owner"]
    client.post(reverse("help:submit"), {"step": "nonsense", "action": "nonsense"})
    assert client.head(reverse("help:submit")).status_code == 200
    assert (
        "I didn&#x27;t understand that answer"
        in client.get(reverse("help:submit")).content.decode()
    )


# 12a. The worker's health is not public ----------------------------------------------------


@pytest.mark.django_db
def test_the_worker_heartbeat_is_for_staff_or_the_token(client, settings):
    settings.PLUGINSTORE_HEALTHZ_TOKEN = "s3cret-token"
    assert client.get("/healthz").json() == {"ok": True}
    refused = client.get("/healthz?worker=1")
    assert refused.status_code == 403 and "age_seconds" not in refused.content.decode()
    wrong = client.get("/healthz?worker=1", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    token = client.get("/healthz?worker=1", headers={"Authorization": "Bearer s3cret-token"})
    assert "age_seconds" in token.json()["worker"]
    plus = _signed_in(PlusUserFactory())
    assert plus.get("/healthz?worker=1").status_code == 403
    assert "age_seconds" in _signed_in(make_reviewer()).get("/healthz?worker=1").json()["worker"]


@pytest.mark.django_db
def test_without_a_token_setting_no_header_opens_it(client, settings):
    settings.PLUGINSTORE_HEALTHZ_TOKEN = ""
    response = client.get("/healthz?worker=1", headers={"Authorization": "Bearer "})
    assert response.status_code == 403


# 12c. Removing a tester says what happened --------------------------------------------------


@pytest.mark.django_db
def test_removing_another_plugins_tester_says_nothing_was_removed() -> None:
    owner, other_owner, tester = DeveloperFactory(), DeveloperFactory(), DeveloperFactory()
    mine, theirs = register(owner), register(other_owner)
    invitation = plugin_services.tester_invite(
        plugin_id=theirs.pk, by=other_owner, email=tester.email
    )
    client = _signed_in(owner)

    response = client.post(
        reverse("developer:tester_remove", args=[mine.pk, invitation.pk]), follow=True
    )

    page = response.content.decode()
    assert "Tester removed." not in page
    assert "is not a tester of this plugin, so nothing was removed" in page
    assert Invitation.objects.filter(pk=invitation.pk).exists()
