"""The API's reads: the developer's own plugins, jobs, submissions and tokens, each a fixed
number of queries however many rows there are."""

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest

from accounts.models import User
from api.errors import ApiError
from api.models import ApiToken
from pluginstore.models import FetchJob, Plugin, PluginMember
from pluginstore.permissions import can_manage
from pluginstore.selectors import VERSION_DOCUMENT_FIELDS
from reviews.models import Submission

PAGE_SIZE = 20


def _deferred_documents() -> list[str]:
    return [
        f"{relation}__{field}"
        for relation in ("latest_version", "live_version")
        for field in VERSION_DOCUMENT_FIELDS
    ]


def api_plugins(user: User) -> QuerySet[Plugin]:
    """The plugins the user develops (owner or co-developer), newest first; one query a page."""
    co_developed = PluginMember.objects.filter(plugin=OuterRef("pk"), developer=user)
    return (
        Plugin.objects.filter(Q(owner=user) | Q(Exists(co_developed)))
        .select_related("latest_version", "live_version")
        .defer(*_deferred_documents())
        .order_by("-created_at", "-id")
    )


def api_plugin(user: User, plugin_id: int) -> Plugin:
    """One plugin the user may work on, or not_found: another developer's plugin is a 404."""
    plugin = (
        Plugin.objects.select_related("latest_version", "live_version")
        .defer(*_deferred_documents())
        .prefetch_related("members")
        .filter(pk=plugin_id)
        .first()
    )
    if plugin is None or not can_manage(user, plugin):
        raise ApiError("not_found", "Not found.")
    return plugin


def api_job(user: User, job_id: int) -> FetchJob:
    """A fetch job the user asked for (as the web's job page), or not_found."""
    job = (
        FetchJob.objects.select_related("version")
        .defer(*(f"version__{field}" for field in VERSION_DOCUMENT_FIELDS))
        .filter(pk=job_id, requested_by=user)
        .first()
    )
    if job is None:
        raise ApiError("not_found", "Not found.")
    return job


def api_submission_plugin(user: User, submission_id: int) -> Plugin:
    """The plugin of a submission the user may see (one of their plugins), or not_found."""
    plugin_id = (
        Submission.objects.filter(pk=submission_id).values_list("plugin_id", flat=True).first()
    )
    if plugin_id is None:
        raise ApiError("not_found", "Not found.")
    return api_plugin(user, plugin_id)


def user_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def paginate(request: HttpRequest, items, page: int, serialize) -> dict:
    """A page of PAGE_SIZE items as {count, page, pages, next, previous, results}."""
    paginator = Paginator(items, PAGE_SIZE)
    try:
        current = paginator.page(page)
    except EmptyPage:
        raise ApiError(
            "page_out_of_range",
            f"There is no page {page}; the last page is {paginator.num_pages}.",
        ) from None

    def link(number: int | None) -> str | None:
        if number is None:
            return None
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "next": link(current.next_page_number() if current.has_next() else None),
        "previous": link(current.previous_page_number() if current.has_previous() else None),
        "results": [serialize(item) for item in current.object_list],
    }
