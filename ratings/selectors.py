"""Reads for the reviews section, the cards and the reviewers' admin; a page's query count
does not grow with the number of ratings."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.utils.functional import cached_property

from accounts.models import User
from core import versions
from pluginstore.models import Plugin
from pluginstore.selectors import PLUGIN_SCOPE
from ratings.choices import RatingState
from ratings.models import STARS, EverInstalled, Rating

REVIEWS_PAGE_SIZE = 10


# A user's own ratings and installs as the reviews section reads them (core/versions.py):
# bumped by ratings.receivers on every change of their ratings or EverInstalled rows.
RATER_SCOPE = "rater"


def user_rating_state(user: User, plugin_id: int) -> tuple[Rating | None, bool]:
    """The user's own rating of the plugin (hidden or not) and whether they ever installed it:
    a copy kept until their ratings or installs change (RATER_SCOPE)."""
    if not user.is_authenticated:
        return None, False

    def query() -> tuple[Rating | None, bool]:
        return user_rating(user, plugin_id), has_ever_installed(user, plugin_id)

    return versions.copy(RATER_SCOPE, user.pk, f"plugin:{plugin_id}", query)


@dataclass(frozen=True)
class ReviewRef:
    """What the rules on a review's actions read (permissions.can_answer, can_report)."""

    pk: int
    plugin_id: int
    user_id: int
    state: str
    answered_at: object


@dataclass(frozen=True)
class ReviewsSection:
    html: str
    reviews: tuple[ReviewRef, ...]


def reviews_section(
    plugin: Plugin, number: object, render: Callable[[Plugin, Page], str]
) -> ReviewsSection:
    """The shared HTML of a page of the plugin's reviews (`render(plugin, page)`) and the
    reviews on it: a copy kept until the plugin or its ratings change (PLUGIN_SCOPE)."""
    # As Paginator.get_page: not a number is the first page, out of range the last.
    pages = max(1, -(-plugin.rating_count // REVIEWS_PAGE_SIZE))
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    if not 1 <= number <= pages:
        number = pages

    def build() -> ReviewsSection:
        page = plugin_reviews_page(plugin, number)
        html = str(render(plugin, page))
        refs = tuple(
            ReviewRef(r.pk, r.plugin_id, r.user_id, r.state, r.answered_at)
            for r in page.object_list
        )
        return ReviewsSection(html, refs)

    return versions.copy(PLUGIN_SCOPE, plugin.pk, f"reviews:{number}", build)


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
