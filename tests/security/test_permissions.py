"""Every URL of the site × every role × GET and POST: the expected status, and no other
account's data in the response (tests/security/matrix.py is the table)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.security import csp
from tests.security.matrix import ROWS
from tests.security.patterns import site_url_names
from tests.security.runner import run
from tests.security.world import MARKERS, ROLES


def test_every_url_pattern_has_a_row_in_the_matrix():
    patterns = site_url_names()
    rows = {row.name for row in ROWS}
    missing = sorted(patterns - rows)
    stale = sorted(rows - patterns)
    assert not missing, f"URL patterns without a row in tests/security/matrix.py: {missing}"
    assert not stale, f"rows in tests/security/matrix.py for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_and_only_its_own_data(world, role):
    problems = []
    forbidden = [marker for marker, allowed in MARKERS.items() if role not in allowed]
    for outcome in run(world, role, ROWS):
        where = f"{outcome.method} {outcome.url}"
        expected = outcome.row.expected(outcome.method)[role]
        if outcome.token not in expected:
            problems.append(
                f"{where}: {outcome.token}, expected {'|'.join(sorted(expected))} {outcome.error}"
            )
        body = outcome.body
        leaked = [marker for marker in forbidden if marker in body]
        if leaked:
            problems.append(f"{where}: shows {leaked}, which {role} may not see")
        problems += [f"{where}: {p}" for p in csp.problems(outcome.response)]
    assert not problems, f"{role}:\n" + "\n".join(problems)


def test_every_marker_is_shown_to_a_role_allowed_to_see_it(world):
    """Else the leak check above would prove nothing for that marker."""
    unseen = set(MARKERS)
    for role in sorted({role for allowed in MARKERS.values() for role in allowed}):
        for outcome in run(world, role, ROWS, methods=("GET",)):
            unseen -= {m for m in unseen if role in MARKERS[m] and m in outcome.body}
    assert not unseen, f"markers no allowed role ever sees: {sorted(unseen)}"


def test_emails_carry_only_what_their_recipient_may_see(world):
    roles = {user.email: role for role, user in world.users.items()}
    problems = []
    assert world.emails, "the world sent no email"
    for email in world.emails:
        (address,) = email.to
        role = roles.get(address)
        if role is None:
            continue  # a bystander of the world, none of whose data is a marker
        text = " ".join([email.subject, email.body, *(body for body, _ in email.alternatives)])
        leaked = [m for m, allowed in MARKERS.items() if role not in allowed and m in text]
        if leaked:
            problems.append(f"email {email.subject!r} to {role} shows {leaked}")
    assert not problems, "\n".join(problems)


def _bot_pick(world, role: str, plugin) -> bool:
    """Post the bot's "pick this plugin" answer as the role; did a conversation start?"""
    from reviews.models import SubmissionConversation

    world.clients[role].post(
        reverse("help:submit"), {"step": "pick", "action": "continue", "plugin": plugin.pk}
    )
    return SubmissionConversation.objects.filter(plugin=plugin).exists()


@pytest.mark.parametrize("role", ["tester", "other_dev"])
def test_the_submission_bot_refuses_someone_elses_plugin(world, role):
    """Picking a plugin by id in the bot's form: a tester or another developer posting the
    owner's plugin id starts nothing (the control below shows the same post works for it)."""
    from tests.pluginstore.helpers import register

    plugin = register(world.users["owner"])

    assert not _bot_pick(world, role, plugin)


def test_the_submission_bot_starts_on_the_owners_own_plugin(world):
    from tests.pluginstore.helpers import register

    plugin = register(world.users["owner"])

    assert _bot_pick(world, "owner", plugin)


def test_the_admin_buttons_act_for_reviewers_and_refuse_staff_without_the_group(world):
    """The matrix pins the statuses; here, that the refusal changes nothing and the
    reviewer's press really acts."""
    # Fresh copies: the world's own objects are shared by the module's other tests.
    submission = type(world.submission).objects.get(pk=world.submission.pk)
    access = type(world.access_request).objects.get(pk=world.access_request.pk)
    release = {"_fsm_transition_to": "release"}
    grant = {"_fsm_transition_to": "grant"}
    submission_url = reverse("admin:reviews_submission_change", args=[submission.pk])
    access_url = reverse("admin:accounts_developeraccessrequest_change", args=[access.pk])

    assert world.clients["staff"].post(submission_url, release).status_code == 403
    assert world.clients["staff"].post(access_url, grant).status_code == 403
    submission.refresh_from_db()
    access.refresh_from_db()
    assert (submission.state, access.state) == ("in_review", "pending")

    world.clients["reviewer"].post(submission_url, release)
    world.clients["reviewer"].post(access_url, grant)
    submission.refresh_from_db()
    access.refresh_from_db()
    assert submission.state == "submitted"
    assert access.state == "granted"
    assert type(access.user).objects.get(pk=access.user_id).account_type == "developer"


@pytest.mark.parametrize("role", ["normal", "plus"])
def test_the_submission_bot_explains_its_refusal_to_non_developers(world, role):
    response = world.clients[role].get(reverse("help:submit"))

    assert response.status_code == 403
    assert "developer access" in response.content.decode()


def test_a_reviewer_cannot_review_a_submission_of_their_own_plugin(world):
    from reviews.models import Submission
    from tests.factories import make_reviewer
    from tests.pluginstore.helpers import register
    from tests.reviews.helpers import submit

    reviewer = make_reviewer(account_type="developer")
    submission = submit(register(reviewer))
    client = Client()
    client.force_login(reviewer)
    change = reverse("admin:reviews_submission_change", args=[submission.pk])

    claim = client.post(change, {"_fsm_transition_to": "claim"})
    reply = client.post(
        reverse("admin:reviews_submission_reply", args=[submission.pk]), {"body": "LGTM"}
    )

    assert claim.status_code == 403
    assert reply.status_code == 403
    assert Submission.objects.get(pk=submission.pk).state == "submitted"
