"""Reads for the reviews section, the cards and the reviewers' admin; a page's query count
does not grow with the number of ratings."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.utils.functional import cached_property

from accounts.models import User
from pluginstore.models import Plugin
from ratings.choices import RatingState
from ratings.models import STARS, EverInstalled, Rating

REVIEWS_PAGE_SIZE = 10


def has_ever_installed(user: User, plugin_id: int) -> bool:
    """Whether the user installed this plugin at some point (one query)."""
    if not user.is_authenticated:
        return False
    return EverInstalled.objects.filter(user=user, plugin_id=plugin_id).exists()


def user_rating(user: User, plugin_id: int) -> Rating | None:
    """The user's own rating of the plugin, hidden or not."""
    if not user.is_authenticated:
        return None
    return Rating.objects.filter(user=user, plugin_id=plugin_id).first()


def visible_rating(plugin_id: int, rating_id: int) -> Rating | None:
    """A visible review of this plugin (another plugin's, or a hidden one, is None)."""
    return Rating.objects.filter(
        pk=rating_id, plugin_id=plugin_id, state=RatingState.VISIBLE
    ).first()


class _KnownCountPaginator(Paginator):
    """The count is the plugin's rating_count (its visible ratings): no COUNT query."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def plugin_reviews_page(plugin: Plugin, number: object) -> Page:
    """The plugin's visible ratings, newest first, one page (one query, none when unrated)."""
    reviews = (
        Rating.objects.filter(plugin=plugin, state=RatingState.VISIBLE)
        .select_related("user", "answered_by")
        .only(
            "id",
            "plugin_id",
            "stars",
            "review",
            "state",
            "created_at",
            "updated_at",
            "answer",
            "answered_at",
            "user__id",
            "user__email",
            "user__display_name",
            "answered_by__id",
            "answered_by__email",
            "answered_by__display_name",
        )
        .order_by("-created_at", "-id")
    )
    paginator = _KnownCountPaginator(reviews, REVIEWS_PAGE_SIZE, count=plugin.rating_count)
    return paginator.get_page(number)


@dataclass(frozen=True)
class StarCount:
    stars: int
    count: int
    percent: int


def rating_distribution(plugin: Plugin) -> list[StarCount]:
    """How many visible ratings give each number of stars, 5 down to 1 (one query)."""
    counts: dict[int, int] = {}
    if plugin.rating_count:
        counts = dict(
            Rating.objects.filter(plugin=plugin, state=RatingState.VISIBLE)
            .values_list("stars")
            .annotate(n=Count("id"))
            .order_by()
        )
    total = sum(counts.values()) or 1
    return [
        StarCount(stars, counts.get(stars, 0), round(100 * counts.get(stars, 0) / total))
        for stars in reversed(STARS)
    ]


def average(plugin: Plugin) -> float | None:
    """The plain average of the visible ratings, from the plugin's aggregates (no query)."""
    if not plugin.rating_count:
        return None
    return plugin.rating_sum / plugin.rating_count


def reported_ratings() -> QuerySet[Rating]:
    """Every rating with its report count, for the reviewers' admin."""
    return Rating.objects.select_related("plugin", "user").annotate(report_count=Count("reports"))
