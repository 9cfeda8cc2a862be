"""Every write to ratings, reviews and their reports.

Each service locks the plugin's row first (select_for_update), then changes its ratings and
recounts the plugin's aggregates from the visible ratings in the same transaction, so two
ratings at once are counted one after the other and the aggregates never drift.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from accounts.models import User
from core.exceptions import ApplicationError
from inbox.services import notification_intent_create
from pluginstore.models import Plugin
from pluginstore.services import plugin_rating_set
from ratings import notices, permissions, selectors
from ratings.choices import RatingState
from ratings.models import (
    ANSWER_MAX_LENGTH,
    HIDE_REASON_MAX_LENGTH,
    REPORT_REASON_MAX_LENGTH,
    REVIEW_MAX_LENGTH,
    STARS,
    EverInstalled,
    Rating,
    ReviewReport,
)

# How many reviews one user may report in a day: reports are for reviewers' eyes, not a flood.
REPORTS_PER_DAY = 20


def _lock_plugin(plugin_id: int) -> Plugin:
    return Plugin.objects.select_for_update().get(pk=plugin_id)


def _recount(plugin: Plugin, *, without_user: User | None = None) -> None:
    """Count the plugin's visible ratings again (the caller holds its lock) and store the
    aggregates if they changed."""
    ratings = Rating.objects.filter(plugin=plugin, state=RatingState.VISIBLE)
    if without_user is not None:
        ratings = ratings.exclude(user=without_user)
    found = ratings.aggregate(count=Count("id"), total=Coalesce(Sum("stars"), 0))
    if (found["count"], found["total"]) != (plugin.rating_count, plugin.rating_sum):
        plugin_rating_set(plugin=plugin, count=found["count"], total=found["total"])


def _text(value: str | None, *, limit: int, what: str, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ApplicationError(f"Write {what}.")
    if len(text) > limit:
        raise ApplicationError(
            f"{what[0].upper()}{what[1:]} can be at most {limit} characters ({len(text)} now)."
        )
    return text


def record_install(*, user: User, plugin: Plugin) -> None:
    """Remember that the user installed the plugin (idempotent)."""
    EverInstalled.objects.get_or_create(user=user, plugin=plugin)


@transaction.atomic
def rating_save(*, user: User, plugin_id: int, stars: int, review: str = "") -> Rating:
    """Rate a plugin, or change one's rating of it (stars and review)."""
    plugin = _lock_plugin(plugin_id)
    verdict = permissions.rate_verdict(
        user, plugin, ever_installed=selectors.has_ever_installed(user, plugin.pk)
    )
    if not verdict.allowed:
        raise ApplicationError(verdict.message)
    if stars not in STARS:
        raise ApplicationError("Choose from 1 to 5 stars.")
    review = _text(review, limit=REVIEW_MAX_LENGTH, what="a review")
    rating = Rating.objects.select_for_update().filter(plugin=plugin, user=user).first()
    if rating is None:
        rating = Rating.objects.create(plugin=plugin, user=user, stars=stars, review=review)
    elif rating.is_hidden:
        raise ApplicationError(
            "A reviewer hid your review, so it can't be changed. You can delete it."
        )
    else:
        rating.stars, rating.review = stars, review
        rating.save(update_fields=["stars", "review", "updated_at"])
    _recount(plugin)
    return rating


@transaction.atomic
def rating_delete(*, user: User, plugin_id: int) -> bool:
    """Delete one's own rating of a plugin, whatever became of the plugin; whether there was one."""
    plugin = _lock_plugin(plugin_id)
    deleted, _ = Rating.objects.filter(plugin=plugin, user=user).delete()
    if deleted:
        _recount(plugin)
    return bool(deleted)


def _lock_rating(plugin: Plugin, rating_id: int) -> Rating:
    rating = Rating.objects.select_for_update().filter(pk=rating_id, plugin=plugin).first()
    if rating is None:
        raise ApplicationError("That review no longer exists.")
    return rating


def _plugin_of(rating_id: int) -> int:
    plugin_id = Rating.objects.filter(pk=rating_id).values_list("plugin_id", flat=True).first()
    if plugin_id is None:
        raise ApplicationError("That review no longer exists.")
    return plugin_id


@transaction.atomic
def rating_answer(*, user: User, plugin_id: int, rating_id: int, answer: str) -> Rating:
    """The plugin's developer answers a review, once and publicly; the author is told once."""
    plugin = _lock_plugin(plugin_id)
    rating = _lock_rating(plugin, rating_id)
    if rating.answered_at is not None:
        raise ApplicationError("You have already answered this review; an answer is final.")
    if not permissions.can_answer(user, plugin, rating):
        raise ApplicationError("You can't answer this review.")
    rating.answer = _text(answer, limit=ANSWER_MAX_LENGTH, what="an answer", required=True)
    rating.answered_at = timezone.now()
    rating.answered_by = user
    rating.save(update_fields=["answer", "answered_at", "answered_by", "updated_at"])
    notification_intent_create(
        recipient=rating.user,
        notice=notices.ReviewAnswered(
            rating_id=rating.pk,
            plugin_id=plugin.pk,
            plugin_name=plugin.display_name,
            plugin_slug=plugin.slug,
            developer=user.public_name,
            answer=rating.answer,
        ),
        thread_plugin_id=None,
    )
    return rating


@transaction.atomic
def rating_report(*, user: User, plugin_id: int, rating_id: int, reason: str) -> ReviewReport:
    """Flag a review for the reviewers: once per user and review, REPORTS_PER_DAY a day."""
    plugin = _lock_plugin(plugin_id)
    rating = _lock_rating(plugin, rating_id)
    if not permissions.can_report(user, rating):
        raise ApplicationError("You can't report this review.")
    reason = _text(reason, limit=REPORT_REASON_MAX_LENGTH, what="what is wrong", required=True)
    if ReviewReport.objects.filter(rating=rating, reporter=user).exists():
        raise ApplicationError("You have already reported this review; reviewers will look.")
    since = timezone.now() - datetime.timedelta(days=1)
    if ReviewReport.objects.filter(reporter=user, created_at__gte=since).count() >= REPORTS_PER_DAY:
        raise ApplicationError(
            f"You can report at most {REPORTS_PER_DAY} reviews a day. Try again tomorrow."
        )
    try:
        with transaction.atomic():
            return ReviewReport.objects.create(rating=rating, reporter=user, reason=reason)
    except IntegrityError:
        raise ApplicationError(
            "You have already reported this review; reviewers will look."
        ) from None


@transaction.atomic
def rating_hide(*, rating_id: int, by: User, reason: str) -> Rating:
    """A reviewer hides a review with a reason: it leaves the page and the average, and its
    author is told why (once per hide)."""
    plugin = _lock_plugin(_plugin_of(rating_id))
    rating = _lock_rating(plugin, rating_id)
    if not permissions.can_moderate(by, plugin):
        raise ApplicationError("You can't hide reviews of this plugin.")
    reason = _text(reason, limit=HIDE_REASON_MAX_LENGTH, what="a reason", required=True)
    try:
        rating.hide()
    except TransitionNotAllowed:
        raise ApplicationError("This review is already hidden.") from None
    rating.hidden_reason, rating.hidden_at, rating.hidden_by = reason, timezone.now(), by
    rating.save(update_fields=["state", "hidden_reason", "hidden_at", "hidden_by", "updated_at"])
    _recount(plugin)
    notification_intent_create(
        recipient=rating.user,
        notice=notices.ReviewHidden(
            rating_id=rating.pk,
            plugin_id=plugin.pk,
            plugin_name=plugin.display_name,
            plugin_slug=plugin.slug,
            reason=reason,
            hidden_at=rating.hidden_at.isoformat(),
        ),
        thread_plugin_id=None,
    )
    return rating


@transaction.atomic
def rating_restore(*, rating_id: int, by: User) -> Rating:
    """A reviewer shows a hidden review again (its stars count again)."""
    plugin = _lock_plugin(_plugin_of(rating_id))
    rating = _lock_rating(plugin, rating_id)
    if not permissions.can_moderate(by, plugin):
        raise ApplicationError("You can't show reviews of this plugin.")
    try:
        rating.restore()
    except TransitionNotAllowed:
        raise ApplicationError("This review is not hidden.") from None
    rating.save(update_fields=["state", "updated_at"])
    _recount(plugin)
    return rating


def ratings_release_user(user: User) -> None:
    """Before an account is deleted (its ratings go with it by CASCADE): count each plugin it
    rated again without it, in the deletion's transaction."""
    plugin_ids = Rating.objects.filter(user=user).values_list("plugin_id", flat=True)
    for plugin_id in sorted(plugin_ids):
        _recount(_lock_plugin(plugin_id), without_user=user)
