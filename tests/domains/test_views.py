"""The plugin's Domain page: who sees it, what it shows, "Check now", and its query budget."""

import pytest
from django.test import Client
from django.urls import reverse

from domains import proof, services
from domains.models import DomainClaim, VerificationJob
from tests.factories import DeveloperFactory, UserFactory
from tests.pluginstore.helpers import register

pytestmark = pytest.mark.django_db

DOMAIN = "weather.example.test"


@pytest.fixture
def owner():
    return DeveloperFactory()


@pytest.fixture
def plugin(owner):
    return register(owner, domain=DOMAIN, verified_domain=False, name_for_human="<b>Weather</b>")


def _page(plugin):
    return reverse("developer:domain", kwargs={"plugin_id": plugin.pk})


def _check(plugin):
    return reverse("developer:domain_check", kwargs={"plugin_id": plugin.pk})


def test_the_page_shows_the_token_both_methods_and_check_now(client, owner, plugin):
    client.force_login(owner)
    response = client.get(_page(plugin))
    assert response.status_code == 200
    claim = DomainClaim.objects.get(developer=owner, domain=DOMAIN)
    html = response.content.decode()
    assert f'value="{proof.txt_value(claim.token)}"' in html
    assert f'value="https://{DOMAIN}/.well-known/pluginstore-verification.txt"' in html
    assert f'value="{claim.token}"' in html
    assert '<label for="txt-value">' in html and '<label for="file-url">' in html
    assert f'action="{_check(plugin)}"' in html and "csrfmiddlewaretoken" in html
    assert "Not checked yet" in html
    assert "What a failed check means" in html
    assert "<b>Weather</b>" not in html and "&lt;b&gt;Weather&lt;/b&gt;" in html
    # Opening the page again keeps the same token.
    client.get(_page(plugin))
    assert DomainClaim.objects.get(pk=claim.pk).token == claim.token


def test_check_now_runs_the_check_and_the_page_shows_the_result(
    client, owner, plugin, dns, django_capture_on_commit_callbacks
):
    claim = services.claim_ensure(developer=owner, domain=DOMAIN)
    dns.records[DOMAIN] = [proof.txt_value(claim.token)]
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_check(plugin))
    assert response.status_code == 302
    assert response["Location"] == _page(plugin) + "#check"
    html = client.get(_page(plugin)).content.decode()
    assert "Proof found: the domain is verified" in html
    assert f"You own {DOMAIN}" in html


def test_an_unfinished_check_shows_its_progress_and_answers_the_poll(client, owner, plugin):
    client.force_login(owner)
    job = services.verification_start(user=owner, plugin=plugin)  # not run: no commit here
    html = client.get(_page(plugin)).content.decode()
    assert "data-job-polling" in html and "Check progress" in html
    assert 'http-equiv="refresh"' in html
    assert "Check now</button>" not in html
    polled = client.get(_page(plugin), HTTP_ACCEPT="application/json").json()
    assert polled == {"state": job.state, "finished": False, "standing": "pending"}


def test_check_now_needs_the_csrf_token(owner, plugin):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(owner)
    assert csrf_client.post(_check(plugin)).status_code == 403
    assert not VerificationJob.objects.exists()


def test_check_now_is_post_only(client, owner, plugin):
    client.force_login(owner)
    assert client.get(_check(plugin)).status_code == 405


def test_another_developers_plugin_is_a_404(client, plugin):
    client.force_login(DeveloperFactory())
    assert client.get(_page(plugin)).status_code == 404
    assert client.post(_check(plugin)).status_code == 404
    assert not DomainClaim.objects.exists()


def test_a_missing_plugin_is_a_404(client, owner):
    client.force_login(owner)
    assert client.get("/developer/plugins/999999/domain/").status_code == 404


def test_a_user_who_is_not_a_developer_is_refused(client, plugin):
    client.force_login(UserFactory())
    assert client.get(_page(plugin)).status_code == 403
    assert client.post(_check(plugin)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, plugin):
    response = client.get(_page(plugin))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_refused_check_is_a_message_not_an_error(client, owner, plugin, monkeypatch):
    monkeypatch.setattr(services, "CHECKS_PER_HOUR", 0)
    client.force_login(owner)
    response = client.post(_check(plugin), follow=True)
    assert response.status_code == 200
    assert "times in the last hour" in response.content.decode()
    assert not VerificationJob.objects.exists()


def test_a_local_development_plugin_needs_no_proof(client, settings, owner):
    import json

    from pluginstore.services import plugin_register_documents
    from tests.pluginstore.helpers import manifest_for, spec_for

    settings.PLUGINSTORE_ALLOW_LOCALHOST = True
    local = plugin_register_documents(
        owner=owner,
        manifest_url="http://localhost:8001/.well-known/ai-plugin.json",
        manifest=json.dumps(manifest_for("localhost:8001")).encode(),
        spec=json.dumps(spec_for()).encode(),
        spec_url="http://localhost:8001/openapi.json",
        category="retrieval",
    )
    client.force_login(owner)
    html = client.get(_page(local)).content.decode()
    assert "counts as verified here" in html
    assert "Check now" not in html
    assert not DomainClaim.objects.exists()


def test_the_plugin_page_links_to_the_domain_page(client, owner, plugin):
    client.force_login(owner)
    html = client.get(reverse("developer:plugin", args=[plugin.pk])).content.decode()
    assert f'href="{_page(plugin)}"' in html
    assert "Verify the domain" in html


@pytest.mark.parametrize("jobs", [1, 30])
def test_the_page_query_count_does_not_grow_with_the_checks(
    client, owner, plugin, django_assert_max_num_queries, jobs
):
    claim = services.claim_ensure(developer=owner, domain=DOMAIN)
    VerificationJob.objects.bulk_create(VerificationJob(claim=claim) for _ in range(jobs))
    client.force_login(owner)
    # Session, user, plugin, claims, newest job, unread messages.
    with django_assert_max_num_queries(8):
        assert client.get(_page(plugin)).status_code == 200
