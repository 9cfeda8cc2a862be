import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pluginstore.models import PluginStatus
from reviews.models import CannedReason, Criterion, Submission, SubmissionState
from tests.budget import forget_copies
from tests.factories import DeveloperFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import register
from tests.reviews.helpers import claim, reject, submit

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("admin:reviews_submission_changelist")


def _change_url(submission):
    return reverse("admin:reviews_submission_change", args=[submission.pk])


def _transition_url(submission, name):
    return reverse("admin:reviews_submission_transition", args=[submission.pk, name])


def _decision(**failed) -> dict:
    data = {"developer_note": "", "private_note": ""}
    for criterion in Criterion.values:
        data[f"result_{criterion}"] = "fail" if criterion in failed else "pass"
        data[f"note_{criterion}"] = failed.get(criterion, "")
    return data


def _state(submission) -> str:
    return Submission.objects.values_list("state", flat=True).get(pk=submission.pk)


def test_the_queue_lists_open_submissions_oldest_first_with_due_and_claim(client):
    reviewer = make_reviewer(email="rev@example.com")
    first = submit(register(DeveloperFactory(), name_for_human="Alpha Weather"))
    second = submit(register(DeveloperFactory(), name_for_human="Beta Weather"))
    closed = claim(submit(register(DeveloperFactory(), name_for_human="Gamma Weather")), reviewer)
    reject(closed, reviewer)
    claim(first, reviewer)
    client.force_login(reviewer)
    page = client.get(QUEUE_URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Alpha Weather") < text.index("Beta Weather")
    assert "Gamma Weather" not in text
    assert "rev@example.com" in text
    assert "Gamma Weather" in client.get(QUEUE_URL, {"queue": "all"}).content.decode()
    assert page.context["cl"].result_list[1] == second


def test_the_queue_filters_by_overdue_and_searches(client):
    reviewer = make_reviewer()
    submit(register(DeveloperFactory(), name_for_human="Alpha Weather"))
    client.force_login(reviewer)
    assert "Alpha Weather" not in client.get(QUEUE_URL, {"overdue": "yes"}).content.decode()
    assert "Alpha Weather" in client.get(QUEUE_URL, {"overdue": "no"}).content.decode()
    assert "Alpha Weather" in client.get(QUEUE_URL, {"q": "alpha"}).content.decode()
    assert "Alpha Weather" not in client.get(QUEUE_URL, {"q": "zebra"}).content.decode()


def test_the_submission_page_shows_only_the_buttons_this_reviewer_may_use(client):
    reviewer, other = make_reviewer(), make_reviewer()
    submission = submit(register(DeveloperFactory()))
    client.force_login(reviewer)
    page = client.get(_change_url(submission)).content.decode()
    assert 'value="claim"' in page
    assert 'value="approve"' not in page

    claim(submission, reviewer)
    page = client.get(_change_url(submission)).content.decode()
    assert 'value="claim"' not in page
    assert all(f'value="{t}"' in page for t in ("release", "approve", "reject"))
    assert 'value="reject_for_ban"' not in page and 'value="withdraw"' not in page

    client.force_login(other)
    page = client.get(_change_url(submission)).content.decode()
    assert not any(f'value="{t}"' in page for t in ("claim", "release", "approve", "reject"))


def test_a_reviewer_claims_and_approves_through_the_admin(client):
    reviewer = make_reviewer()
    submission = submit(register(DeveloperFactory()))
    client.force_login(reviewer)
    response = client.post(_change_url(submission), {"_fsm_transition_to": "claim"})
    assert response.status_code == 302
    assert _state(submission) == SubmissionState.IN_REVIEW

    # The decision form is on the submission page itself.
    page = client.get(_change_url(submission))
    assert page.status_code == 200
    assert 'name="result_C9"' in page.content.decode()
    data = _decision() | {"developer_note": "Welcome!", "private_note": "Clean."}
    response = client.post(_change_url(submission), data | {"_confirm": "approve"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == SubmissionState.APPROVED
    assert submission.reviewer_private_note == "Clean."
    assert submission.plugin.status == PluginStatus.APPROVED


def test_rejecting_through_the_admin_adds_the_canned_reason_to_the_note(client):
    reviewer = make_reviewer()
    canned = CannedReason.objects.create(
        criterion="C9", title="Reserved word", text='Remove "GPT" from the name.'
    )
    submission = claim(submit(register(DeveloperFactory())), reviewer)
    client.force_login(reviewer)
    url = _change_url(submission)
    # Nothing failed: refused on the page, nothing changes.
    page = client.post(url, _decision() | {"_confirm": "reject"})
    assert "at least one failed criterion" in page.content.decode()
    assert _state(submission) == SubmissionState.IN_REVIEW

    data = _decision(C9="GPT in the name") | {"canned_reasons": [canned.pk], "_confirm": "reject"}
    client.post(url, data)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.REJECTED
    assert submission.developer_note == 'Remove "GPT" from the name.'
    assert submission.criterion_results.get(criterion="C9").note == "GPT in the name"


def test_the_old_transition_pages_still_decide_for_hand_made_urls(client):
    reviewer = make_reviewer()
    submission = claim(submit(register(DeveloperFactory())), reviewer)
    client.force_login(reviewer)
    assert client.get(_transition_url(submission, "approve")).status_code == 200
    page = client.post(_transition_url(submission, "reject"), _decision())
    assert "at least one failed criterion" in page.content.decode()
    assert _state(submission) == SubmissionState.IN_REVIEW
    client.post(_transition_url(submission, "approve"), _decision())
    assert _state(submission) == SubmissionState.APPROVED


def test_staff_outside_reviewers_get_403_and_no_change(client):
    staff = UserFactory(is_staff=True)
    # Staff who may even open submissions, but hold no review permission.
    staff.user_permissions.add(*Permission.objects.filter(codename="view_submission"))
    submission = submit(register(DeveloperFactory()))
    client.force_login(staff)
    assert client.get(_change_url(submission)).status_code == 200
    assert 'value="claim"' not in client.get(_change_url(submission)).content.decode()
    assert client.post(_change_url(submission), {"_fsm_transition_to": "claim"}).status_code == 403
    assert client.post(_transition_url(submission, "approve"), _decision()).status_code == 403
    for param in ("_decision", "_confirm"):
        response = client.post(_change_url(submission), _decision() | {param: "approve"})
        assert response.status_code == 403
    assert _state(submission) == SubmissionState.SUBMITTED


def test_hand_made_posts_for_transitions_the_reviewer_may_not_take_get_403(client):
    reviewer, claimer = make_reviewer(), make_reviewer()
    submission = submit(register(DeveloperFactory()))
    client.force_login(reviewer)
    # Not claimed yet, and never through the admin: ban-rejections and withdrawals.
    for name in ("approve", "reject", "reject_for_ban", "withdraw", "delete"):
        response = client.post(_change_url(submission), {"_fsm_transition_to": name})
        assert response.status_code == 403, name
    assert client.post(_transition_url(submission, "approve"), _decision()).status_code == 403
    assert (
        client.post(_change_url(submission), _decision() | {"_confirm": "approve"}).status_code
        == 403
    )
    claim(submission, claimer)
    assert client.post(_transition_url(submission, "reject"), _decision(C1="x")).status_code == 403
    response = client.post(_change_url(submission), _decision(C1="x") | {"_confirm": "reject"})
    assert response.status_code == 403
    assert _state(submission) == SubmissionState.IN_REVIEW


def test_a_reviewer_gets_403_on_their_own_plugins_submission(client):
    reviewer = make_reviewer(account_type="developer")
    submission = submit(register(reviewer))
    client.force_login(reviewer)
    assert client.post(_change_url(submission), {"_fsm_transition_to": "claim"}).status_code == 403
    assert _state(submission) == SubmissionState.SUBMITTED


def _bulk_history(plugin, count):
    """Closed submissions written in bulk: only for query-count tests of read pages."""
    now = timezone.now()
    Submission.objects.bulk_create(
        Submission(
            plugin=plugin,
            version=plugin.latest_version,
            submitted_by=plugin.owner,
            submitted_at=now,
            due_at=now,
            state=SubmissionState.REJECTED,
        )
        for _ in range(count)
    )


@pytest.mark.parametrize("admin_page", ["queue", "submission"])
def test_the_reviewer_pages_keep_a_fixed_query_count(client, admin_page):
    reviewer = make_reviewer()
    plugin = register(DeveloperFactory())
    submission = submit(plugin)
    client.force_login(reviewer)
    url = _change_url(submission) if admin_page == "submission" else QUEUE_URL + "?queue=all"
    counts = []
    for extra in (10, 1000):
        _bulk_history(plugin, extra - Submission.objects.filter(plugin=plugin).count())
        forget_copies()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_submission_page_shows_the_check_findings_by_criterion(client):
    reviewer = make_reviewer()
    plugin = register(DeveloperFactory(), contact_email="help@weather-help.org")
    assert plugin.latest_version.warning_count
    submission = submit(plugin, note_to_reviewer="Please test with Paris.")
    client.force_login(reviewer)
    page = client.get(_change_url(submission)).content.decode()
    c3 = page[page.index('id="findings-C3"') :]
    assert "C3" in c3[:200] and "manifest.contact_domain" in c3[: c3.index("</ul>")]
    assert "Warning" in c3[: c3.index("</ul>")]
    assert "Please test with Paris." in page
    assert "No version of this plugin was approved before." in page
    assert "→ unverified" in page and "Registered" in page  # the plugin's status history


def test_the_submission_page_shows_the_developers_replies_but_not_system_messages(client):
    from inbox.models import Message, Thread, ThreadKind

    reviewer, developer = make_reviewer(), DeveloperFactory()
    plugin = register(developer)
    submission = submit(plugin)
    # Written directly: the reply form and its service come with the Help > Messages pages.
    thread = Thread.objects.create(owner=developer, kind=ThreadKind.PLUGIN, plugin=plugin)
    Message.objects.create(thread=thread, kind="submission_received", subject="Got it", body="x")
    Message.objects.create(
        thread=thread, author=developer, kind="reply", subject="Re: review", body="Try Paris."
    )
    client.force_login(reviewer)
    page = client.get(_change_url(submission)).content.decode()
    assert "Try Paris." in page
    assert "Got it" not in page
