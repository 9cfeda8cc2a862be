"""Ratings and reviews of plugins (PRODUCT.md section 11); every write is in ratings.services."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from core.fsm import RefreshableProtectedFSMMixin
from core.models import TimeStampedModel
from ratings.choices import RatingState
from ratings.permissions import can_moderate

# Limits, defined once: the forms, the services and the columns read them from here.
REVIEW_MAX_LENGTH = 3000
ANSWER_MAX_LENGTH = 3000
REPORT_REASON_MAX_LENGTH = 500
HIDE_REASON_MAX_LENGTH = 1000
STARS = (1, 2, 3, 4, 5)


def _may_moderate(instance: "Rating", user) -> bool:
    return can_moderate(user, instance.plugin)


class Rating(RefreshableProtectedFSMMixin, TimeStampedModel):
    """One user's stars (1 to 5) and optional review of one plugin; the plugin's aggregates
    (Plugin.rating_count / rating_sum / rating_score) count the visible ones."""

    plugin = models.ForeignKey(
        "pluginstore.Plugin", on_delete=models.CASCADE, related_name="ratings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings"
    )
    stars = models.PositiveSmallIntegerField()
    review = models.TextField(blank=True, max_length=REVIEW_MAX_LENGTH)
    state = FSMField(
        default=RatingState.VISIBLE, choices=RatingState.choices, protected=True, db_index=True
    )
    hidden_reason = models.TextField(blank=True, max_length=HIDE_REASON_MAX_LENGTH)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The developer's public answer: once per review.
    answer = models.TextField(blank=True, max_length=ANSWER_MAX_LENGTH)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("moderate_rating", "Can hide and restore reviews")]
        indexes = [
            models.Index(fields=["plugin", "state", "-created_at"], name="rating_plugin_newest"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["plugin", "user"], name="rating_one_per_user"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="rating_stars"),
            models.CheckConstraint(
                condition=Q(state__in=RatingState.values), name="rating_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="rating_answer_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ for {self.plugin} by {self.user}"

    @property
    def is_hidden(self) -> bool:
        return self.state == RatingState.HIDDEN

    @transition(
        field=state,
        source=RatingState.VISIBLE,
        target=RatingState.HIDDEN,
        permission=_may_moderate,
        custom={
            "label": "Hide",
            "form": "ratings.forms.HideForm",
            "help_text": (
                "The review leaves the plugin's page and its stars leave the average; the "
                "author reads this reason in Messages."
            ),
        },
    )
    def hide(self) -> None:
        """A reviewer takes the review off the page."""

    @transition(
        field=state,
        source=RatingState.HIDDEN,
        target=RatingState.VISIBLE,
        permission=_may_moderate,
        custom={
            "label": "Show again",
            "help_text": "The review and its stars come back; the author is not told.",
        },
    )
    def restore(self) -> None:
        """A hide was a mistake."""


class ReviewReport(models.Model):
    """Someone signed in flagged a review for the reviewers: one per user per review."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_reports"
    )
    reason = models.TextField(max_length=REPORT_REASON_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["rating", "reporter"], name="review_report_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reporter} reported review {self.rating_id}"


class EverInstalled(models.Model):
    """A user installed this plugin at some point: the right to rate it outlives the install
    (written by ratings.receivers on pluginstore's plugin_installed signal)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    plugin = models.ForeignKey("pluginstore.Plugin", on_delete=models.CASCADE, related_name="+")
    first_installed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "plugin"], name="ever_installed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} installed {self.plugin}"
