from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, transition

from core.fsm import RefreshableProtectedFSMMixin
from reviews.choices import (
    AUTO_CRITERIA,
    OPEN_STATES,
    QUEUE_STATES,
    BotStep,
    Criterion,
    CriterionOutcome,
    SubmissionState,
)
from reviews.permissions import can_decide, can_review, can_withdraw

# The longest note a developer or reviewer may write (to the reviewer, to the developer, private,
# an audit reason); forms, services and the bot all read it from here.
NOTE_MAX_LENGTH = 5000

# How an audit row names the actor when no person acted (a beat task: a deadline passed).
SYSTEM_ACTOR = "PluginStore (automatic)"


# Transition permissions ask the named rules, which take the submission and know no models.
def _may_review(instance: "Submission", user) -> bool:
    return can_review(user, instance)


def _may_decide(instance: "Submission", user) -> bool:
    return can_decide(user, instance)


def _may_withdraw(instance: "Submission", user) -> bool:
    return can_withdraw(user, instance)


class Submission(RefreshableProtectedFSMMixin, models.Model):
    """A request to review one version of one plugin; its state changes only in services."""

    plugin = models.ForeignKey(
        "pluginstore.Plugin", on_delete=models.PROTECT, related_name="submissions"
    )
    version = models.ForeignKey(
        "pluginstore.PluginVersion", on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions"
    )
    state = FSMField(
        default=SubmissionState.SUBMITTED,
        choices=SubmissionState.choices,
        protected=True,
        db_index=True,
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claimed_submissions",
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Written by the developer when submitting, for the reviewer.
    note_to_reviewer = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    # Sent to the developer with the decision.
    developer_note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    # Reviewers only; never shown to the developer.
    reviewer_private_note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    # Codes from reviews.risk, computed once when the version is filed; the queue shows them.
    risk_flags = models.JSONField(default=list, blank=True, editable=False)
    # The last request for changes (in_review -> changes_requested): what the developer is
    # asked, who asked, and by when they must answer. Kept after the answer, as its record;
    # every request is also in the audit (SubmissionEvent).
    changes_note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    changes_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changes_requested_at = models.DateTimeField(null=True, blank=True)
    changes_due_at = models.DateTimeField(null=True, blank=True)
    changes_reminded_at = models.DateTimeField(null=True, blank=True)
    # How many times changes were requested: numbers each request, whose notices are keyed by it.
    changes_requests = models.PositiveSmallIntegerField(default=0)
    # A ban rejected it (reject_for_ban): the verdict was on the plugin, not on this version, so
    # it does not ask for an updated version (reviews.permissions.submission_blocker).
    rejected_for_ban = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["submitted_at", "id"]
        permissions = [
            ("review_submission", "Can claim, release, approve and reject submissions"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plugin"],
                condition=Q(state__in=OPEN_STATES),
                name="submission_one_open_per_plugin",
            ),
            models.CheckConstraint(
                condition=Q(state__in=SubmissionState.values), name="submission_state_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(state__in=OPEN_STATES),
                name="submission_queue",
            ),
            # The beat tasks' reminders and deadlines (reviews.changes).
            models.Index(
                fields=["changes_due_at"],
                condition=Q(state=SubmissionState.CHANGES_REQUESTED),
                name="submission_changes_due",
            ),
        ]

    def __str__(self) -> str:
        # Callers load plugin and version with the submission (the admin's queryset does).
        label = SubmissionState(self.state).label.lower()
        return f"{self.plugin.name} version {self.version.number} ({label})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_with_reviewers(self) -> bool:
        """In the queue or in review; not while the developer is asked for changes."""
        return self.state in QUEUE_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_with_reviewers and self.due_at < timezone.now()

    # Transitions are called only by reviews.services, which lock the row, audit and notify.
    @transition(
        field=state,
        source=SubmissionState.SUBMITTED,
        target=SubmissionState.IN_REVIEW,
        permission=_may_review,
        custom={
            "label": "Claim",
            "help_text": "Take it: only you can decide it until you release it.",
        },
    )
    def claim(self, by) -> None:
        """A reviewer takes the submission so no one else works on it."""
        self.claimed_by = by

    @transition(
        field=state,
        source=SubmissionState.IN_REVIEW,
        target=SubmissionState.SUBMITTED,
        permission=_may_decide,
        custom={"label": "Release", "help_text": "Put it back in the queue, in its old place."},
    )
    def release(self) -> None:
        """Back to the queue, in its original place."""
        self.claimed_by = None

    @transition(
        field=state,
        source=SubmissionState.IN_REVIEW,
        target=SubmissionState.APPROVED,
        permission=_may_decide,
        custom={
            "label": "Approve",
            "help_text": "The plugin is approved and this version goes live.",
        },
    )
    def approve(self, by, developer_note: str = "", private_note: str = "") -> None:
        """The plugin becomes Approved and this version goes live (in the service)."""
        self._decide(by, developer_note, private_note)

    @transition(
        field=state,
        source=SubmissionState.IN_REVIEW,
        target=SubmissionState.REJECTED,
        permission=_may_decide,
        custom={
            "label": "Reject",
            "help_text": "Cite the failed criteria; the plugin stays as it is.",
        },
    )
    def reject(self, by, developer_note: str = "", private_note: str = "") -> None:
        """The plugin stays as it was; the developer sees the failed criteria and the note."""
        self._decide(by, developer_note, private_note)

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=SubmissionState.REJECTED,
        custom={"admin": False},  # reviews.moderation.plugin_ban, which checks the ban rule
    )
    def reject_for_ban(self, by, reason: str) -> None:
        """Banning the plugin rejects its open submission with the ban reason."""
        self._decide(by, reason, "")
        self.rejected_for_ban = True

    @transition(
        field=state,
        source=SubmissionState.IN_REVIEW,
        target=SubmissionState.CHANGES_REQUESTED,
        permission=_may_decide,
        custom={
            "label": "Request changes",
            "help_text": (
                "Ask the developer a question or for a small change. Their reply or a new "
                "version puts it back in the queue, in its old place."
            ),
        },
    )
    def request_changes(self, by, note: str, due_at) -> None:
        """The developer is asked to answer by `due_at`; the asking reviewer keeps the claim."""
        self.changes_note = note
        self.changes_requested_by = by
        self.changes_requested_at = timezone.now()
        self.changes_due_at = due_at
        self.changes_reminded_at = None
        self.changes_requests += 1

    @transition(
        field=state,
        source=SubmissionState.CHANGES_REQUESTED,
        target=SubmissionState.SUBMITTED,
        custom={"admin": False},  # the developer's answer: reviews.changes.submission_answer
    )
    def answer(self, version=None) -> None:
        """Back to the queue in its old place (submitted_at is kept), for any reviewer; a new
        version replaces the one under review."""
        self.claimed_by = None
        if version is not None:
            self.version = version

    @transition(
        field=state,
        source=SubmissionState.CHANGES_REQUESTED,
        target=SubmissionState.REJECTED,
        custom={"admin": False},  # beat: reviews.changes.changes_requested_expire
    )
    def expire(self) -> None:
        """No answer by the deadline: rejected with the request's note, by nobody."""
        self._decide(None, self.changes_note, "")

    @transition(
        field=state,
        source=list(OPEN_STATES),
        target=SubmissionState.WITHDRAWN,
        permission=_may_withdraw,
        custom={"admin": False},  # the developer withdraws on their own pages
    )
    def withdraw(self) -> None:
        """The developer takes the submission back."""

    def _decide(self, by, developer_note: str, private_note: str) -> None:
        self.decided_by = by
        self.decided_at = timezone.now()
        self.developer_note = developer_note
        self.reviewer_private_note = private_note


class CriterionResult(models.Model):
    """A reviewer's verdict on one criterion for one decision."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="criterion_results"
    )
    criterion = models.CharField(max_length=3, choices=Criterion.choices)
    result = models.CharField(max_length=4, choices=CriterionOutcome.choices)
    note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["submission", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "criterion"], name="criterion_result_unique"
            ),
            models.CheckConstraint(
                condition=Q(criterion__in=Criterion.values), name="criterion_result_criterion"
            ),
            models.CheckConstraint(
                condition=Q(result__in=CriterionOutcome.values), name="criterion_result_result"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.result}"

    @property
    def auto(self) -> bool:
        return self.criterion in AUTO_CRITERIA


class SubmissionEvent(models.Model):
    """Audit: every change of a submission's state (who, when, from, to, why)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # No person acted: a beat task did (actor is null then). A null actor without it is a
    # deleted account.
    by_system = models.BooleanField(default=False)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32)
    reason = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(by_system=False) | Q(actor__isnull=True),
                name="submission_event_system_has_no_actor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.from_state or '—'} → {self.to_state}"

    @property
    def actor_label(self) -> str:
        """Who acted, as the audit shows it: the person, the system, or "—" (account gone)."""
        if self.by_system:
            return SYSTEM_ACTOR
        return str(self.actor) if self.actor_id else "—"


class CannedReason(models.Model):
    """A reusable note for a failed criterion; reviewers edit these in the admin."""

    criterion = models.CharField(max_length=3, choices=Criterion.choices)
    title = models.CharField(max_length=120)
    text = models.TextField(max_length=2000)

    class Meta:
        ordering = ["criterion", "title"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "title"], name="canned_reason_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.title}"


class SubmissionConversation(models.Model):
    """A developer's conversation with the submission bot at /help/submit/, kept server-side
    so leaving half-way and coming back resumes it. The transcript is derived from these
    fields. One active conversation per user; ended ones stay as a record.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submission_conversations"
    )
    plugin = models.ForeignKey(
        "pluginstore.Plugin", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    step = models.CharField(max_length=16, choices=BotStep.choices, default=BotStep.PICK)
    # The latest refresh-and-check run for this conversation; None when a new check is due.
    fetch_job = models.ForeignKey(
        "pluginstore.FetchJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The version the check accepted: the one to be filed.
    version = models.ForeignKey(
        "pluginstore.PluginVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checks_run = models.PositiveSmallIntegerField(default=0)
    confirmed_criteria = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    submission = models.ForeignKey(
        Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_active=True),
                name="submission_conversation_one_active_per_user",
            ),
            models.CheckConstraint(
                condition=Q(step__in=BotStep.values), name="submission_conversation_step_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Submission bot conversation {self.pk} of {self.user_id} ({self.step})"
