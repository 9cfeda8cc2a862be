import json

import pytest
from django.urls import reverse

from pluginstore import services
from pluginstore.models import FetchJob, Plugin
from tests.factories import DeveloperFactory, PlusUserFactory
from tests.pluginstore.helpers import approve, fake_fetch, manifest_for, register, spec_for


@pytest.mark.django_db
def test_non_developers_are_refused_the_developer_pages(client):
    client.force_login(PlusUserFactory())
    assert client.get(reverse("developer:plugins")).status_code == 403


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(reverse("developer:plugins"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_dashboard_shows_only_my_plugins_and_those_i_test(client):
    me, other = DeveloperFactory(), DeveloperFactory()
    register(me, name_for_human="Mine")
    register(other, name_for_human="Theirs")
    invited = register(other, name_for_human="Invited")
    services.tester_invite(plugin_id=invited.pk, by=other, email=me.email)
    client.force_login(me)
    response = client.get(reverse("developer:plugins"))
    assert list(response.context["plugins"].values_list("name", flat=True)) == ["Mine"]
    assert [p.name for p in response.context["testing"]] == ["Invited"]
    assert b"Theirs" not in response.content


@pytest.mark.django_db
def test_someone_elses_plugin_pages_are_not_found(client):
    plugin = register(DeveloperFactory())
    client.force_login(DeveloperFactory())
    for url in (
        reverse("developer:plugin", args=[plugin.pk]),
        reverse("developer:version", args=[plugin.pk, 1]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("developer:refresh", args=[plugin.pk])).status_code == 404
    assert (
        client.post(
            reverse("developer:tester_invite", args=[plugin.pk]), {"email": "x@example.com"}
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_registering_from_the_dashboard_shows_progress_then_findings(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    developer = DeveloperFactory()
    client.force_login(developer)
    bad = manifest_for("shop.example.com", description_for_human="Find deals on shoes")
    fake_fetch(monkeypatch, lambda: (bad, spec_for()))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("developer:plugins"), {"target": "shop.example.com", "category": "retrieval"}
        )
    job = FetchJob.objects.get()
    assert response["Location"] == reverse("developer:job", args=[job.pk])
    # Before the worker runs, the page shows the job waiting and updates itself.
    page = client.get(response["Location"])
    assert b"Waiting for a worker" in page.content
    assert b'http-equiv="refresh"' in page.content
    assert (
        client.get(response["Location"], HTTP_ACCEPT="application/json").json()["state"] == "queued"
    )
    for callback in callbacks:
        callback()
    page = client.get(response["Location"])
    # The check found an error: a failed check, not "Stored as version 1" in green.
    assert b"Version 1 stored with 1 error: fix it and refresh." in page.content
    assert b"Stored as version" not in page.content
    assert b"manifest.punctuation" in page.content
    assert b"description_for_human" in page.content
    plugin = Plugin.objects.get()
    detail = client.get(reverse("developer:plugin", args=[plugin.pk]))
    assert b"manifest.punctuation" in detail.content


@pytest.mark.django_db
def test_bad_register_input_gets_a_clear_message_and_changes_nothing(client):
    client.force_login(DeveloperFactory())
    for target in ("", "not a domain", "ftp://x.example.com", "x" * 400, "http://10.0.0.1/"):
        response = client.post(
            reverse("developer:plugins"), {"target": target, "category": "retrieval"}
        )
        assert response.status_code == 400, target
        assert b"errorlist" in response.content
    response = client.post(
        reverse("developer:plugins"), {"target": "a.example.com", "category": "nope"}
    )
    assert response.status_code == 400
    assert not FetchJob.objects.exists()


@pytest.mark.django_db
def test_inviting_a_tester_from_the_plugin_page(client):
    owner, tester = DeveloperFactory(), DeveloperFactory()
    plugin = register(owner)
    client.force_login(owner)
    response = client.post(
        reverse("developer:tester_invite", args=[plugin.pk]), {"email": tester.email}, follow=True
    )
    assert f"{tester.email} can now install".encode() in response.content
    assert plugin.testers.filter(developer=tester).exists()
    # The limit counts the owner: 100 developers in all, not 100 testers besides the owner.
    assert b"2 of 100 developers in all (you and 1 tester)" in response.content
    response = client.post(
        reverse("developer:tester_invite", args=[plugin.pk]),
        {"email": "nobody@example.com"},
        follow=True,
    )
    assert b"no developer account with that email" in response.content


@pytest.mark.django_db
def test_the_version_page_shows_the_manifest_as_fetched_escaped(client):
    owner = DeveloperFactory()
    plugin = register(owner, name_for_human="<img src=x onerror=alert(1)>")
    client.force_login(owner)
    response = client.get(reverse("developer:version", args=[plugin.pk, 1]))
    assert response.status_code == 200
    assert b"<img src=x" not in response.content
    assert b"&lt;img src=x onerror=alert(1)&gt;" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
def test_the_dashboard_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    owner = DeveloperFactory()
    for i in range(count):
        plugin = register(owner, name_for_human=f"Tool {i}")
        if i % 2:
            approve(plugin)
    client.force_login(owner)
    # Two of them fill the review column, for the whole list (reviews.developer_list).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("developer:plugins"))
    assert response.status_code == 200
    from reviews.services import submission_create

    submitted = register(owner, name_for_human="Submitted")
    submission_create(plugin_id=submitted.pk, by=owner)
    for shown in (plugin, submitted):
        # Three of these since PRODUCT.md section 13 (its co-developers, its pending invitations
        # and, while unverified, whether it may be deleted), one since section 9 (the owner's
        # standing with its domain).
        with django_assert_max_num_queries(17):
            assert client.get(reverse("developer:plugin", args=[shown.pk])).status_code == 200


@pytest.mark.django_db
def test_job_json_is_only_for_its_owner(client):
    owner = DeveloperFactory()
    job = FetchJob.objects.create(
        kind="register", requested_by=owner, target="https://a.example.com/"
    )
    client.force_login(DeveloperFactory())
    assert client.get(reverse("developer:job", args=[job.pk])).status_code == 404
    client.force_login(owner)
    data = json.loads(
        client.get(reverse("developer:job", args=[job.pk]), HTTP_ACCEPT="application/json").content
    )
    assert data == {
        "state": "queued",
        "label": "Waiting for a worker",
        "finished": False,
        "url": f"/developer/plugins/jobs/{job.pk}/",
    }
