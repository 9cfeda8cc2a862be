"""Beat's re-checks (PRODUCT.md section 9): every 30 days; a lost proof tells the owner once, and
after 14 days lost blocks submissions (told once); finding it again clears it (told once)."""

import datetime

import pytest

from core.exceptions import ApplicationError
from domains import proof, services
from domains.choices import ClaimState, JobKind, JobOutcome
from domains.models import DomainClaim, VerificationJob
from domains.selectors import GRACE_DAYS, RECHECK_DAYS, domain_standing
from reviews.services import submission_create
from tests.domains.helpers import check_now, recheck_due, told
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import register

pytestmark = pytest.mark.django_db

DOMAIN = "weather.example.test"


@pytest.fixture
def verified(dns, django_capture_on_commit_callbacks):
    """(owner, plugin, claim): a plugin whose domain its owner proved by DNS today."""
    owner = DeveloperFactory()
    plugin = register(owner, domain=DOMAIN, verified_domain=False)
    claim = services.claim_ensure(developer=owner, domain=DOMAIN)
    dns.records[DOMAIN] = [proof.txt_value(claim.token)]
    check_now(owner, plugin, django_capture_on_commit_callbacks)
    claim.refresh_from_db()
    assert claim.state == ClaimState.VERIFIED
    return owner, plugin, claim


def test_a_verified_claim_is_rechecked_after_30_days_not_before(
    verified, clock, django_capture_on_commit_callbacks
):
    owner, plugin, claim = verified
    clock.travel(days=RECHECK_DAYS - 1)
    assert recheck_due(django_capture_on_commit_callbacks) == 0
    clock.travel(days=1, seconds=1)
    assert recheck_due(django_capture_on_commit_callbacks) == 1
    job = VerificationJob.objects.filter(kind=JobKind.RECHECK).get()
    assert job.outcome == JobOutcome.STILL_VERIFIED and job.requested_by is None
    claim.refresh_from_db()
    assert claim.next_check_at > clock.now() + (claim.next_check_at - claim.last_checked_at) / 2
    assert recheck_due(django_capture_on_commit_callbacks) == 0


def test_a_run_starts_a_bounded_batch_oldest_first(dns, clock, django_capture_on_commit_callbacks):
    claims = [
        services.claim_confirm(
            developer=DeveloperFactory(), domain=f"p{n}.example.test", by=None, reason="t"
        )
        for n in range(3)
    ]
    # Confirmed claims are never due; make them due as proved ones would be.
    for n, claim in enumerate(claims):
        DomainClaim.objects.filter(pk=claim.pk).update(
            next_check_at=clock.now() - datetime.timedelta(hours=3 - n)
        )
        dns.records[claim.domain] = [proof.txt_value(claim.token)]
    assert recheck_due(django_capture_on_commit_callbacks, limit=2) == 2
    checked = set(VerificationJob.objects.values_list("claim_id", flat=True))
    assert checked == {claims[0].pk, claims[1].pk}
    assert recheck_due(django_capture_on_commit_callbacks, limit=2) == 1


def test_a_lost_proof_tells_the_owner_once_and_blocks_submissions_after_14_days(
    verified, dns, clock, no_web_server, django_capture_on_commit_callbacks
):
    owner, plugin, claim = verified
    del dns.records[DOMAIN]
    clock.travel(days=RECHECK_DAYS, seconds=1)
    assert recheck_due(django_capture_on_commit_callbacks) == 1
    claim.refresh_from_db()
    assert claim.state == ClaimState.LOST
    assert claim.changes.first().to_state == ClaimState.LOST
    assert told(owner, "domain_proof_lost") == 1
    lost = owner.notifications.get(kind="domain_proof_lost")
    assert any("does not exist in DNS" in reason for reason in lost.context["reasons"])

    # Still lost the next day: looked for daily, not told again; submitting still works.
    clock.travel(days=1, seconds=1)
    assert recheck_due(django_capture_on_commit_callbacks) == 1
    assert told(owner, "domain_proof_lost") == 1
    assert domain_standing(developer_id=owner.pk, domain=DOMAIN).state == "lost"
    assert services.blocks_announce() == 0

    clock.travel(days=GRACE_DAYS - 1)
    assert domain_standing(developer_id=owner.pk, domain=DOMAIN).state == "blocked"
    assert services.blocks_announce() == 1
    assert services.blocks_announce() == 0
    assert told(owner, "domain_submissions_blocked") == 1
    with pytest.raises(ApplicationError, match="missing for over 14 days"):
        submission_create(plugin_id=plugin.pk, by=owner)


def test_restoring_the_proof_clears_the_block_and_tells_the_owner_once(
    verified, dns, clock, no_web_server, django_capture_on_commit_callbacks
):
    owner, plugin, claim = verified
    del dns.records[DOMAIN]
    clock.travel(days=RECHECK_DAYS, seconds=1)
    recheck_due(django_capture_on_commit_callbacks)
    clock.travel(days=GRACE_DAYS + 1)
    services.blocks_announce()

    dns.records[DOMAIN] = [proof.txt_value(claim.token)]
    job = check_now(owner, plugin, django_capture_on_commit_callbacks)
    assert job.outcome == JobOutcome.RESTORED
    claim.refresh_from_db()
    assert (claim.state, claim.lost_at, claim.blocked_at) == (ClaimState.VERIFIED, None, None)
    assert told(owner, "domain_proof_restored") == 1
    assert owner.notifications.get(kind="domain_proof_restored").context["was_blocked"] is True
    assert check_now(owner, plugin, django_capture_on_commit_callbacks).outcome == (
        JobOutcome.STILL_VERIFIED
    )
    assert told(owner, "domain_proof_restored") == 1
    assert submission_create(plugin_id=plugin.pk, by=owner).plugin_id == plugin.pk


def test_a_second_loss_is_a_new_event_told_again(
    verified, dns, clock, no_web_server, django_capture_on_commit_callbacks
):
    owner, plugin, claim = verified
    token_record = dns.records.pop(DOMAIN)
    clock.travel(days=RECHECK_DAYS, seconds=1)
    recheck_due(django_capture_on_commit_callbacks)
    dns.records[DOMAIN] = token_record
    check_now(owner, plugin, django_capture_on_commit_callbacks)
    del dns.records[DOMAIN]
    clock.travel(days=RECHECK_DAYS, seconds=1)
    recheck_due(django_capture_on_commit_callbacks)
    assert told(owner, "domain_proof_lost") == 2
    assert told(owner, "domain_proof_restored") == 1


def test_the_beat_task_runs_the_rechecks_and_the_blocks(
    verified, dns, clock, no_web_server, django_capture_on_commit_callbacks
):
    from domains.tasks import domain_rechecks_task

    owner, _plugin, claim = verified
    del dns.records[DOMAIN]
    clock.travel(days=RECHECK_DAYS, seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        domain_rechecks_task()
    claim.refresh_from_db()
    assert claim.state == ClaimState.LOST
    clock.travel(days=GRACE_DAYS, seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        domain_rechecks_task()
    assert told(owner, "domain_submissions_blocked") == 1
