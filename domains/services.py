"""Every write of domain ownership (PRODUCT.md section 9): claims, verification jobs, re-checks.

The first developer to verify a domain owns it. Verifying runs in one transaction: the claim
is locked, the database's one-holder constraint has the last word between two developers
verifying at once, the domain_verified signal lets pluginstore close other developers'
unapproved registrations, and everyone concerned is told (notification intents written in the
same transaction). The proof itself is looked for outside any transaction (domains.proof).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from core.exceptions import ApplicationError
from core.queue import enqueue_on_commit, task_named
from domains import notices, proof
from domains.choices import HOLDING_STATES, ClaimState, JobKind, JobOutcome, JobState, ProofMethod
from domains.models import DomainClaim, DomainClaimChange, VerificationJob
from domains.permissions import can_verify_domain
from domains.plugins import ClosedRegistration, PluginLike
from domains.selectors import GRACE_DAYS, LOST_RECHECK_DAYS, RECHECK_DAYS, local_exempt
from domains.signals import domain_verified
from inbox.services import notification_intent_create

VERIFY_TASK = "domains.tasks.domain_verification_task"
# A developer may ask this many checks of one domain per hour (each is up to three lookups).
CHECKS_PER_HOUR = 20
# Beat starts at most this many re-checks per run (domains.tasks.domain_rechecks_task).
RECHECK_BATCH = 200
JOB_FAILED_ON_OUR_SIDE = (
    "Something went wrong on our side while looking for your proof; this says nothing about "
    "your domain. Please try again in a few minutes."
)
JOB_LOST = "The check stopped before it finished, on our side. Please try again."
STALE_JOB_AFTER = datetime.timedelta(minutes=2)
STUCK_JOB_AFTER = datetime.timedelta(minutes=5)


# Claims -------------------------------------------------------------------------------------


def claim_ensure(*, developer: User, domain: str) -> DomainClaim:
    """The developer's claim to the domain, made with a fresh token the first time."""
    claim, _created = DomainClaim.objects.get_or_create(developer=developer, domain=domain)
    return claim


def _record(
    claim: DomainClaim,
    *,
    to_state: str,
    by: User | None,
    method: str = "",
    reason: str = "",
    from_state: str | None = None,
) -> DomainClaimChange:
    """Audit the claim's state change (from its current state unless from_state is given)."""
    return DomainClaimChange.objects.create(
        claim=claim,
        changed_by=by,
        from_state=claim.state if from_state is None else from_state,
        to_state=to_state,
        method=method,
        reason=reason[:2000],
    )


def _closed_by_receivers(claim: DomainClaim) -> list[ClosedRegistration]:
    closed: list[ClosedRegistration] = []
    for _receiver, answer in domain_verified.send(sender=DomainClaim, claim=claim):
        closed.extend(answer or [])
    return closed


def _verify(
    claim: DomainClaim, *, method: str, by: User | None, reason: str, notify: bool = True
) -> bool:
    """Make the locked pending claim verified and close the rest; False if another developer
    holds the domain (then nothing changed)."""
    if (
        DomainClaim.objects.select_for_update()
        .filter(domain=claim.domain, state__in=HOLDING_STATES)
        .exclude(pk=claim.pk)
        .exists()
    ):
        return False
    now = timezone.now()
    from_state = claim.state
    claim.state = ClaimState.VERIFIED
    claim.method = method
    claim.verified_at = claim.last_checked_at = now
    claim.lost_at = claim.blocked_at = None
    claim.next_check_at = (
        None if method == ProofMethod.CONFIRMED else now + datetime.timedelta(days=RECHECK_DAYS)
    )
    try:
        with transaction.atomic():  # the one-holder constraint decides a race
            claim.save()
    except IntegrityError:
        claim.refresh_from_db()
        return False
    _record(
        claim,
        to_state=ClaimState.VERIFIED,
        by=by,
        method=method,
        reason=reason,
        from_state=from_state,
    )
    closed = _closed_by_receivers(claim)
    for registration in closed:
        notification_intent_create(
            recipient=registration.owner,
            notice=notices.DomainRegistrationClosed(
                claim_id=claim.pk,
                domain=claim.domain,
                plugin_id=registration.plugin_id,
                plugin_name=registration.plugin_name,
            ),
            thread_plugin_id=None,
        )
    if not notify:
        return True
    notification_intent_create(
        recipient=claim.developer,
        notice=notices.DomainVerified(
            claim_id=claim.pk,
            domain=claim.domain,
            method_label=str(ProofMethod(method).label),
            closed_count=len(closed),
        ),
        thread_plugin_id=None,
    )
    return True


def _lose(claim: DomainClaim, attempts: list[proof.Attempt]) -> None:
    now = timezone.now()
    reasons = tuple(attempt.detail for attempt in attempts)
    change = _record(
        claim, to_state=ClaimState.LOST, by=None, reason="Proof not found: " + " ".join(reasons)
    )
    claim.state = ClaimState.LOST
    claim.lost_at = claim.last_checked_at = now
    claim.blocked_at = None
    claim.next_check_at = now + datetime.timedelta(days=LOST_RECHECK_DAYS)
    claim.save()
    notification_intent_create(
        recipient=claim.developer,
        notice=notices.DomainProofLost(
            claim_id=claim.pk,
            change_id=change.pk,
            domain=claim.domain,
            reasons=reasons,
            grace_days=GRACE_DAYS,
        ),
        thread_plugin_id=None,
    )


def _restore(claim: DomainClaim, *, method: str, by: User | None) -> None:
    now = timezone.now()
    was_blocked = claim.lost_at is not None and now >= claim.lost_at + datetime.timedelta(
        days=GRACE_DAYS
    )
    change = _record(
        claim, to_state=ClaimState.VERIFIED, by=by, method=method, reason="Proof found again"
    )
    claim.state = ClaimState.VERIFIED
    claim.method = method
    claim.last_checked_at = now
    claim.lost_at = claim.blocked_at = None
    claim.next_check_at = now + datetime.timedelta(days=RECHECK_DAYS)
    claim.save()
    notification_intent_create(
        recipient=claim.developer,
        notice=notices.DomainProofRestored(
            claim_id=claim.pk, change_id=change.pk, domain=claim.domain, was_blocked=was_blocked
        ),
        thread_plugin_id=None,
    )


def _apply(claim: DomainClaim, attempts: list[proof.Attempt], by: User | None) -> str:
    """What the attempts mean for the locked claim; returns the job's outcome."""
    found = next((attempt for attempt in attempts if attempt.found), None)
    now = timezone.now()
    if found is not None:
        if claim.state == ClaimState.PENDING:
            verified = _verify(claim, method=found.method, by=by, reason=found.detail)
            return JobOutcome.VERIFIED if verified else JobOutcome.TAKEN
        if claim.state == ClaimState.LOST:
            _restore(claim, method=found.method, by=by)
            return JobOutcome.RESTORED
        claim.method = found.method
        claim.last_checked_at = now
        claim.next_check_at = now + datetime.timedelta(days=RECHECK_DAYS)
        claim.save(update_fields=["method", "last_checked_at", "next_check_at", "updated_at"])
        return JobOutcome.STILL_VERIFIED
    if claim.state == ClaimState.VERIFIED:
        _lose(claim, attempts)
        return JobOutcome.LOST
    claim.last_checked_at = now
    if claim.state == ClaimState.LOST:
        claim.next_check_at = now + datetime.timedelta(days=LOST_RECHECK_DAYS)
    claim.save(update_fields=["last_checked_at", "next_check_at", "updated_at"])
    if claim.state == ClaimState.PENDING and (
        DomainClaim.objects.filter(domain=claim.domain, state__in=HOLDING_STATES)
        .exclude(pk=claim.pk)
        .exists()
    ):
        return JobOutcome.TAKEN
    return JobOutcome.NOT_FOUND


@transaction.atomic
def claim_confirm(
    *, developer: User, domain: str, by: User | None, reason: str, notify: bool = True
) -> DomainClaim:
    """Verify the developer's claim without looking for a proof (staff in a support case, the
    demo data, tests of other features): it owns the domain as a proved claim does, closing
    other registrations (whose owners are told), and is not re-checked. notify=False leaves
    the developer's own notice out (seeded data). Refused when another developer holds it."""
    claim = claim_ensure(developer=developer, domain=domain)
    claim = DomainClaim.objects.select_for_update().select_related("developer").get(pk=claim.pk)
    if claim.state in HOLDING_STATES:
        return claim
    if not _verify(claim, method=ProofMethod.CONFIRMED, by=by, reason=reason, notify=notify):
        raise ApplicationError(f"{domain} is already verified by another developer.")
    return claim


@transaction.atomic
def claim_transfer(*, domain: str, from_developer: User, to_developer: User) -> DomainClaim | None:
    """A plugin changed hands (pluginstore's transfer): the previous owner's hold on its domain
    goes with it, token and all, so the published proof stays valid; the new owner's own claim
    to the domain, if any, gives way. Audited. None when the previous owner held nothing."""
    claim = (
        DomainClaim.objects.select_for_update()
        .filter(developer=from_developer, domain=domain, state__in=HOLDING_STATES)
        .first()
    )
    if claim is None:
        return None
    DomainClaim.objects.filter(developer=to_developer, domain=domain).delete()
    _record(
        claim,
        to_state=claim.state,
        by=to_developer,
        method=claim.method,
        reason=f"Went with the plugin from developer {from_developer.pk} to {to_developer.pk}",
    )
    claim.developer = to_developer
    claim.save(update_fields=["developer", "updated_at"])
    return claim


# Verification jobs --------------------------------------------------------------------------


@transaction.atomic
def verification_start(*, user: User, plugin: PluginLike) -> VerificationJob:
    """Queue a look for the proof of the plugin's domain; the domain page shows the progress.

    The API calls this too. An unfinished job of the same claim is returned instead of a new one.
    """
    if not can_verify_domain(user, plugin):
        raise ApplicationError("Only the plugin's developer can verify its domain.")
    if local_exempt(plugin.domain):
        raise ApplicationError(
            f"{plugin.domain} is a local development address: it counts as verified, and "
            "there is nothing to check."
        )
    claim = claim_ensure(developer=user, domain=plugin.domain)
    claim = DomainClaim.objects.select_for_update().get(pk=claim.pk)
    now = timezone.now()
    open_job = claim.jobs.filter(
        finished_at__isnull=True, created_at__gte=now - STUCK_JOB_AFTER
    ).first()
    if open_job is not None:
        return open_job
    recent = claim.jobs.filter(
        kind=JobKind.CHECK, created_at__gte=now - datetime.timedelta(hours=1)
    ).count()
    if recent >= CHECKS_PER_HOUR:
        raise ApplicationError(
            f"You checked {claim.domain} {recent} times in the last hour. DNS changes can take "
            "a while to show; wait a little and try again."
        )
    job = VerificationJob.objects.create(claim=claim, kind=JobKind.CHECK, requested_by=user)
    enqueue_on_commit(VERIFY_TASK, job.pk)
    return job


def verification_run(*, job_id: int, retry: bool = False) -> VerificationJob:
    """Run one verification job: look for the proof, then record what it means. Safe to run
    twice; a job found already started (its worker died) fails rather than run again."""
    with transaction.atomic():
        job = VerificationJob.objects.select_for_update().select_related("claim").get(pk=job_id)
        if job.is_finished:
            return job
        if job.state != JobState.QUEUED and not retry:
            return _fail(job, JOB_LOST)
        job.state = JobState.CHECKING
        job.save(update_fields=["state", "updated_at"])
        domain, token = job.claim.domain, job.claim.token

    attempts = proof.look_for_proof(domain, token)

    with transaction.atomic():
        job = VerificationJob.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return job
        claim = (
            DomainClaim.objects.select_for_update().select_related("developer").get(pk=job.claim_id)
        )
        job.outcome = _apply(claim, attempts, job.requested_by)
        job.attempts = [attempt.as_dict() for attempt in attempts]
        job.state = JobState.DONE
        job.finished_at = timezone.now()
        job.save()
    return job


@transaction.atomic
def verification_fail(*, job_id: int, error: str) -> VerificationJob:
    """End an unfinished job as failed with `error` (the task's last word when the run broke)."""
    job = VerificationJob.objects.select_for_update().get(pk=job_id)
    return job if job.is_finished else _fail(job, error)


def _fail(job: VerificationJob, error: str) -> VerificationJob:
    job.state = JobState.FAILED
    job.error = error
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "error", "finished_at", "updated_at"])
    return job


def verification_jobs_resume_stale() -> tuple[int, int]:
    """Re-send queued jobs whose task never ran (broker down); fail started ones that died."""
    now = timezone.now()
    unfinished = VerificationJob.objects.filter(finished_at__isnull=True)
    failed = (
        unfinished.exclude(state=JobState.QUEUED)
        .filter(updated_at__lt=now - STUCK_JOB_AFTER)
        .update(state=JobState.FAILED, finished_at=now, error=JOB_LOST)
    )
    stale = list(
        unfinished.filter(state=JobState.QUEUED, updated_at__lt=now - STALE_JOB_AFTER)
        .order_by("pk")
        .values_list("pk", flat=True)[:RECHECK_BATCH]
    )
    for job_id in stale:
        task_named(VERIFY_TASK).delay(job_id)
    return len(stale), failed


# Re-checks (beat) ---------------------------------------------------------------------------


@transaction.atomic
def rechecks_enqueue(*, limit: int = RECHECK_BATCH) -> int:
    """Queue a re-check for up to `limit` held claims that are due (oldest first), skipping
    those with a job under way; locked rows are left to the next run."""
    now = timezone.now()
    due = list(
        DomainClaim.objects.select_for_update(skip_locked=True)
        .filter(state__in=HOLDING_STATES, next_check_at__lte=now)
        .exclude(
            Exists(VerificationJob.objects.filter(claim=OuterRef("pk"), finished_at__isnull=True))
        )
        .order_by("next_check_at", "pk")[:limit]
    )
    for claim in due:
        job = VerificationJob.objects.create(claim=claim, kind=JobKind.RECHECK)
        # Not due again while this job runs; its result sets the real next date.
        claim.next_check_at = now + datetime.timedelta(days=LOST_RECHECK_DAYS)
        claim.save(update_fields=["next_check_at", "updated_at"])
        enqueue_on_commit(VERIFY_TASK, job.pk)
    return len(due)


@transaction.atomic
def blocks_announce(*, limit: int = RECHECK_BATCH) -> int:
    """Tell each owner whose proof has been lost for GRACE_DAYS that submissions are now
    blocked; once per loss (blocked_at marks it told)."""
    now = timezone.now()
    claims = list(
        DomainClaim.objects.select_for_update(skip_locked=True)
        .select_related("developer")
        .filter(
            state=ClaimState.LOST,
            blocked_at__isnull=True,
            lost_at__lte=now - datetime.timedelta(days=GRACE_DAYS),
        )
        .order_by("lost_at", "pk")[:limit]
    )
    for claim in claims:
        lost_change = claim.changes.filter(to_state=ClaimState.LOST).order_by("-id").first()
        claim.blocked_at = now
        claim.save(update_fields=["blocked_at", "updated_at"])
        notification_intent_create(
            recipient=claim.developer,
            notice=notices.DomainSubmissionsBlocked(
                claim_id=claim.pk,
                change_id=lost_change.pk if lost_change else 0,
                domain=claim.domain,
                grace_days=GRACE_DAYS,
            ),
            thread_plugin_id=None,
        )
    return len(claims)
