"""/api/v1/: every endpoint × every role, errors, scopes, pagination, limits, audit, budgets."""

import datetime

import pytest
from django.utils import timezone

from accounts.services import user_set_account_type
from api import tokens
from api.models import ApiToken, ApiTokenUse
from inbox.models import Thread
from pluginstore.models import FetchJob
from reviews.models import Submission, SubmissionConversation
from tests.api.helpers import ALL_CRITERIA, call, token_for
from tests.factories import DeveloperFactory, make_reviewer
from tests.pluginstore.helpers import fake_fetch, manifest_for, register, spec_for
from tests.reviews.helpers import claim, reject, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return DeveloperFactory()


@pytest.fixture
def plugin(owner):
    return register(owner)


@pytest.fixture
def objects(owner, plugin, django_capture_on_commit_callbacks):
    """The owner's plugin with a submission, a job and a thread: one of each for the URLs."""
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(plugin)
    job = FetchJob.objects.create(
        kind="refresh", requested_by=owner, plugin=plugin, target=plugin.manifest_url
    )
    thread = Thread.objects.get(owner=owner, plugin=plugin)
    return {"plugin": plugin, "submission": submission, "job": job, "thread": thread}


def endpoints(o) -> list[tuple[str, str, dict | None]]:
    """(method, path, body) of every operation, on the owner's objects."""
    p, s = o["plugin"].pk, o["submission"].pk
    return [
        ("GET", "plugins", None),
        ("POST", "plugins", {"target": "fresh.example.com", "category": "retrieval"}),
        ("GET", f"plugins/{p}", None),
        ("POST", f"plugins/{p}/refresh", None),
        ("GET", f"plugins/{p}/domain", None),
        ("POST", f"plugins/{p}/verify-domain", None),
        ("GET", f"plugins/{p}/submissions", None),
        ("POST", f"plugins/{p}/submissions", {"confirmed_criteria": ALL_CRITERIA}),
        ("GET", f"jobs/{o['job'].pk}", None),
        ("GET", f"submissions/{s}", None),
        ("POST", f"submissions/{s}/withdraw", None),
        ("GET", "messages", None),
        ("GET", f"messages/{o['thread'].pk}", None),
    ]


OWN_OBJECT = ("plugins/", "jobs/", "submissions/", "messages/")


def _writes() -> tuple[int, int, int]:
    return FetchJob.objects.count(), Submission.objects.count(), ApiToken.objects.count()


def test_without_a_token_every_endpoint_is_401_token_missing(client, objects, owner):
    client.force_login(owner)  # a session cookie opens nothing
    for method, path, body in endpoints(objects):
        response = call(client, method, path, None, body)
        assert response.status_code == 401, path
        assert response.json()["code"] == "token_missing", path


@pytest.mark.parametrize("spoil", ["revoked", "expired"])
def test_a_revoked_or_expired_token_is_refused_everywhere_and_audited(
    client, objects, owner, spoil
):
    secret = token_for(owner)
    token = ApiToken.objects.get()
    if spoil == "revoked":
        tokens.api_token_revoke(user=owner, token_id=token.pk)
    else:
        ApiToken.objects.update(
            created_at=timezone.now() - datetime.timedelta(days=31),
            expires_at=timezone.now() - datetime.timedelta(minutes=1),
        )
    before = _writes()
    for method, path, body in endpoints(objects):
        response = call(client, method, path, secret, body)
        assert response.status_code == 401, path
        assert response.json()["code"] == f"token_{spoil}", path
    assert _writes() == before
    uses = ApiTokenUse.objects.filter(token=token)
    assert uses.count() == len(endpoints(objects))
    assert set(uses.values_list("code", flat=True)) == {f"token_{spoil}"}


def test_a_read_token_reads_and_every_write_is_403(client, objects, owner):
    secret = token_for(owner, scope="read")
    before = _writes()
    for method, path, body in endpoints(objects):
        response = call(client, method, path, secret, body)
        if method == "GET":
            assert response.status_code == 200, path
        else:
            assert response.status_code == 403, path
            assert response.json()["code"] == "scope_insufficient", path
    assert _writes() == before
    assert Submission.objects.get().state == "submitted"


def test_another_developers_token_gets_404_on_the_owners_objects(client, objects):
    other = DeveloperFactory()
    secret = token_for(other)
    before = _writes()
    for method, path, body in endpoints(objects):
        response = call(client, method, path, secret, body)
        if path.startswith(OWN_OBJECT):
            assert response.status_code == 404, path
            assert response.json() == {"code": "not_found", "message": "Not found."}
        elif method == "GET":
            assert response.status_code == 200, path
            assert response.json()["count"] == 0, path
    assert Submission.objects.get().state == "submitted"
    assert FetchJob.objects.filter(requested_by=objects["plugin"].owner).count() == before[0]


@pytest.mark.parametrize("account_type", ["normal", "plus"])
def test_a_token_of_an_account_no_longer_a_developer_is_403(client, objects, owner, account_type):
    secret = token_for(owner)
    user_set_account_type(
        user_id=owner.pk, account_type=account_type, changed_by=make_reviewer(is_superuser=True)
    )
    for method, path, body in endpoints(objects):
        response = call(client, method, path, secret, body)
        assert response.status_code == 403, path
        assert response.json()["code"] == "not_developer", path
    assert Submission.objects.get().state == "submitted"


def test_a_co_developer_works_on_the_plugin_through_the_api(client, objects, owner):
    team = pytest.importorskip("pluginstore.services.team")
    co_developer = DeveloperFactory()
    invitation = team.co_developer_invite(
        plugin_id=objects["plugin"].pk, by=owner, email=co_developer.email
    )
    team.invitation_accept(invitation_id=invitation.pk, user=co_developer)
    secret = token_for(co_developer)
    p, s = objects["plugin"].pk, objects["submission"].pk

    assert call(client, "GET", f"plugins/{p}", secret).status_code == 200
    assert call(client, "GET", "plugins", secret).json()["count"] == 1
    assert call(client, "GET", f"submissions/{s}", secret).status_code == 200
    assert call(client, "POST", f"plugins/{p}/refresh", secret).status_code == 202
    assert call(client, "POST", f"submissions/{s}/withdraw", secret).status_code == 200


# What the owner gets --------------------------------------------------------------------------


def test_register_starts_a_job_and_refuses_as_the_web_does(client, owner, plugin):
    secret = token_for(owner)
    response = call(
        client, "POST", "plugins", secret, {"target": "new.example.com", "category": "computation"}
    )
    assert response.status_code == 202
    job = FetchJob.objects.get(pk=response.json()["id"])
    assert (job.kind, job.state, job.requested_by) == ("register", "queued", owner)

    again = call(
        client, "POST", "plugins", secret, {"target": plugin.domain, "category": "computation"}
    )
    assert again.status_code == 400
    assert again.json() == {
        "code": "registration_refused",
        "message": f"You already registered {plugin.domain}. Refresh it from its page to fetch "
        "a new version.",
    }


@pytest.mark.parametrize(
    "body",
    [
        {"target": "x.example.com", "category": "games"},
        {"target": "x.example.com"},
        {"target": "x" * 2001, "category": "retrieval"},
        {"target": "bad\x00.example.com", "category": "retrieval"},
        {"target": ["x"], "category": "retrieval"},
    ],
)
def test_a_malformed_body_is_400_invalid_request_and_changes_nothing(client, owner, body):
    response = call(client, "POST", "plugins", token_for(owner), body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"
    assert response.json()["errors"]
    assert not FetchJob.objects.exists()


def test_a_body_that_is_not_json_is_400(client, owner):
    response = client.post(
        "/api/v1/plugins",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(owner)}"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"


def test_refresh_runs_the_check_and_the_job_shows_its_findings(
    client, owner, plugin, monkeypatch, django_capture_on_commit_callbacks
):
    fake_fetch(
        monkeypatch,
        lambda: (manifest_for(plugin.domain, description_for_human="No full stop"), spec_for()),
    )
    secret = token_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = call(client, "POST", f"plugins/{plugin.pk}/refresh", secret)
    assert response.status_code == 202

    job = call(client, "GET", f"jobs/{response.json()['id']}", secret).json()
    assert job["state"] == "done" and job["finished"] is True
    assert job["version_number"] == 2 and job["error_count"] == 1
    assert [f["code"] for f in job["findings"]] == ["manifest.punctuation"]
    refused = call(
        client,
        "POST",
        f"plugins/{plugin.pk}/submissions",
        secret,
        {"confirmed_criteria": ALL_CRITERIA},
    )
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "check_errors",
        "message": "Version 2 has 1 check error(s). Fix them, refresh the plugin and submit the "
        "new version.",
    }


def test_the_open_jobs_limit_of_the_web_holds_for_the_api(client, owner, plugin):
    secret = token_for(owner)
    statuses = [
        call(client, "POST", f"plugins/{plugin.pk}/refresh", secret).status_code for _ in range(4)
    ]
    assert statuses == [202, 202, 202, 400]
    last = call(client, "POST", f"plugins/{plugin.pk}/refresh", secret).json()
    assert last == {
        "code": "refresh_refused",
        "message": "You have several checks running already. Wait for them to finish.",
    }


def test_submit_files_the_version_with_the_confirmed_criteria_for_the_reviewer(
    client, owner, plugin
):
    secret = token_for(owner)
    response = call(
        client,
        "POST",
        f"plugins/{plugin.pk}/submissions",
        secret,
        {"confirmed_criteria": ALL_CRITERIA, "note_to_reviewer": "From CI."},
    )
    assert response.status_code == 201
    body = response.json()
    submission = Submission.objects.get()
    assert body["id"] == submission.pk and body["state"] == "submitted"
    assert body["queue_position"] == 1 and body["expected_at"]
    assert submission.note_to_reviewer == "From CI."
    record = SubmissionConversation.objects.get(submission=submission)
    assert record.confirmed_criteria == ALL_CRITERIA and not record.is_active
    # The workbench reads the confirmations as the bot's.
    from reviews.workbench_selectors import bot_confirmations

    assert all(c.confirmed for c in bot_confirmations(submission.pk))

    again = call(
        client,
        "POST",
        f"plugins/{plugin.pk}/submissions",
        secret,
        {"confirmed_criteria": ALL_CRITERIA},
    )
    assert again.status_code == 409 and again.json()["code"] == "open"


def test_submitting_needs_every_human_criterion(client, owner, plugin):
    secret = token_for(owner)
    for criteria in ([], ALL_CRITERIA[:-1], [*ALL_CRITERIA, "C3"]):
        response = call(
            client,
            "POST",
            f"plugins/{plugin.pk}/submissions",
            secret,
            {"confirmed_criteria": criteria},
        )
        assert response.status_code == 400
        assert response.json()["code"] == "criteria_unconfirmed"
    assert not Submission.objects.exists()


def test_submission_state_after_a_rejection_shows_the_failed_criteria(client, owner, plugin):
    reviewer = make_reviewer()
    submission = submit(plugin)
    claim(submission, reviewer)
    reject(submission, reviewer, developer_note="Rename it.")
    body = call(client, "GET", f"submissions/{submission.pk}", token_for(owner)).json()

    assert body["state"] == "rejected" and body["queue_position"] is None
    assert body["developer_note"] == "Rename it."
    assert [f["criterion"] for f in body["failed_criteria"]] == ["C9"]
    assert "private" not in str(body)


def test_withdraw_then_withdraw_again_is_refused(client, owner, plugin):
    secret = token_for(owner)
    submission = submit(plugin)
    first = call(client, "POST", f"submissions/{submission.pk}/withdraw", secret)
    second = call(client, "POST", f"submissions/{submission.pk}/withdraw", secret)

    assert first.status_code == 200 and first.json()["state"] == "withdrawn"
    assert second.status_code == 409 and second.json()["code"] == "withdraw_refused"


def test_messages_list_threads_and_a_thread_lists_messages(
    client, owner, plugin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(plugin)
    secret = token_for(owner)
    threads = call(client, "GET", "messages", secret).json()
    assert threads["count"] == 1
    thread = threads["results"][0]
    assert thread["plugin_id"] == plugin.pk and thread["unread"] is True

    messages = call(client, "GET", f"messages/{thread['id']}", secret).json()
    assert messages["count"] == 1
    assert messages["results"][0]["author"] == "PluginStore"
    # Reading through the API marks nothing read.
    assert Thread.objects.get(pk=thread["id"]).last_read_at is None


def test_verify_domain_starts_a_check_and_shows_the_proof_to_publish(client, owner):
    from domains.models import VerificationJob

    plugin = register(owner, verified_domain=False)
    secret = token_for(owner)
    before = call(client, "GET", f"plugins/{plugin.pk}/domain", secret).json()
    assert before["state"] == "unclaimed" and before["txt_record"] is None
    assert before["check"] is None and not VerificationJob.objects.exists()

    response = call(client, "POST", f"plugins/{plugin.pk}/verify-domain", secret)

    assert response.status_code == 202
    body = response.json()
    assert body["domain"] == plugin.domain and body["state"] == "pending"
    assert body["txt_record"].startswith("pluginstore-verification=")
    assert body["file_url"].startswith(f"https://{plugin.domain}/")
    assert body["check"]["state"] == "queued"
    assert VerificationJob.objects.get().requested_by == owner
    assert call(client, "GET", f"plugins/{plugin.pk}/domain", secret).json() == body


def test_a_plugin_whose_domain_is_unproved_cannot_be_submitted(client, owner):
    plugin = register(owner, verified_domain=False)
    response = call(
        client,
        "POST",
        f"plugins/{plugin.pk}/submissions",
        token_for(owner),
        {"confirmed_criteria": ALL_CRITERIA},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "domain_unverified"
    assert plugin.domain in response.json()["message"]
    assert not Submission.objects.exists()


def test_an_error_code_the_services_add_later_is_still_json():
    from api.errors import ApiError

    assert ApiError("some_new_reason", "Refused.").status == 409


def test_verify_domain_refuses_as_the_domain_page_does(client, owner, settings):
    settings.PLUGINSTORE_ALLOW_LOCALHOST = True
    plugin = register(owner, domain="localhost:8123")
    response = call(client, "POST", f"plugins/{plugin.pk}/verify-domain", token_for(owner))
    assert response.status_code == 400
    assert response.json()["code"] == "domain_refused"
    assert "counts as verified" in response.json()["message"]


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# Pagination ---------------------------------------------------------------------------------


def test_plugins_are_paginated_20_a_page_with_links(client, owner):
    for n in range(45):
        register(owner, domain=f"p{n}.example.com")
    secret = token_for(owner)
    first = call(client, "GET", "plugins", secret).json()
    third = call(client, "GET", "plugins?page=3", secret).json()

    assert (first["count"], first["pages"], len(first["results"])) == (45, 3, 20)
    assert first["previous"] is None and first["next"].endswith("/api/v1/plugins?page=2")
    assert len(third["results"]) == 5 and third["next"] is None
    ids = {
        p["id"]
        for page in (1, 2, 3)
        for p in call(client, "GET", f"plugins?page={page}", secret).json()["results"]
    }
    assert len(ids) == 45


@pytest.mark.parametrize(
    ("page", "status", "code"),
    [
        ("4", 404, "page_out_of_range"),
        ("0", 400, "invalid_request"),
        ("abc", 400, "invalid_request"),
        ("99999999999", 400, "invalid_request"),
    ],
)
def test_a_bad_page_is_a_json_error(client, owner, page, status, code):
    register(owner)
    response = call(client, "GET", f"plugins?page={page}", token_for(owner))
    assert response.status_code == status
    assert response.json()["code"] == code


# Rate limits and audit ----------------------------------------------------------------------


@pytest.fixture
def one_minute(monkeypatch):
    """Every request in the same minute of the clock, however long the test takes."""
    monkeypatch.setattr(tokens, "rate_window", lambda: 1)


def test_a_token_is_limited_per_minute(client, owner, one_minute, monkeypatch):
    secret = token_for(owner)
    statuses = [
        call(client, "GET", "plugins", secret).status_code
        for _ in range(tokens.RATE_LIMIT_PER_MINUTE + 1)
    ]
    assert statuses[:-1] == [200] * tokens.RATE_LIMIT_PER_MINUTE
    limited = call(client, "GET", "plugins", secret)
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited" and limited["Retry-After"] == "60"
    monkeypatch.setattr(tokens, "rate_window", lambda: 2)  # the next minute
    assert call(client, "GET", "plugins", secret).status_code == 200


def test_guessing_tokens_is_limited_per_address(client, owner, one_minute):
    secret = token_for(owner)
    for n in range(tokens.BAD_TOKEN_LIMIT_PER_MINUTE):
        assert call(client, "GET", "plugins", f"psk_guess{n}").status_code == 401
    assert call(client, "GET", "plugins", "psk_guess-more").status_code == 429
    assert call(client, "GET", "plugins", secret).status_code == 429


def test_every_write_is_audited_and_reads_only_move_last_use(client, owner, plugin):
    secret = token_for(owner)
    call(client, "GET", "plugins", secret)
    call(client, "GET", f"plugins/{plugin.pk}", secret)
    assert not ApiTokenUse.objects.exists()
    assert ApiToken.objects.get().last_used_at is not None

    call(client, "POST", f"plugins/{plugin.pk}/refresh", secret)
    call(client, "POST", f"plugins/{plugin.pk}/submissions", secret, {"confirmed_criteria": []})
    rows = list(
        ApiTokenUse.objects.order_by("id").values_list("method", "path", "status_code", "code")
    )
    assert rows == [
        ("POST", f"/api/v1/plugins/{plugin.pk}/refresh", 202, ""),
        ("POST", f"/api/v1/plugins/{plugin.pk}/submissions", 400, "criteria_unconfirmed"),
    ]


# Query budgets ------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 25])
def test_each_read_has_a_fixed_query_budget(client, owner, count, django_assert_max_num_queries):
    plugins = [register(owner, domain=f"b{count}-{n}.example.com") for n in range(count)]
    for plugin in plugins[:count]:
        submit(plugin)
    secret = token_for(owner)
    call(client, "GET", "plugins", secret)  # last_used_at is written once, outside the budget
    thread = Thread.objects.filter(owner=owner).first()
    job = FetchJob.objects.create(
        kind="refresh", requested_by=owner, plugin=plugins[0], target=plugins[0].manifest_url
    )
    submission = Submission.objects.filter(plugin=plugins[0]).get()
    budgets = {
        "plugins": 4,
        f"plugins/{plugins[0].pk}": 4,
        f"plugins/{plugins[0].pk}/submissions": 9,
        f"submissions/{submission.pk}": 10,
        f"jobs/{job.pk}": 3,
        f"plugins/{plugins[0].pk}/domain": 6,
        "messages": 4,
    }
    if thread is not None:
        budgets[f"messages/{thread.pk}"] = 5
    for path, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert call(client, "GET", path, secret).status_code == 200, path
