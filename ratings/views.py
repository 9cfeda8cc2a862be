"""The reviews section's actions; the section itself is drawn on the store's detail page by
the plugin_reviews tag (ratings/templatetags/ratings_tags.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import ApplicationError
from pluginstore import install_selectors
from pluginstore import permissions as plugin_permissions
from pluginstore import selectors as plugin_selectors
from pluginstore.models import Plugin, PluginStatus
from ratings import permissions, selectors, services
from ratings.forms import AnswerForm, RatingForm, ReportForm


def _viewable_plugin(request: HttpRequest, slug: str) -> Plugin:
    """The plugin if this user may open its store page; else a 404, as the page is."""
    plugin = plugin_selectors.store_plugin_detail(slug)
    if plugin is None:
        raise Http404
    has_installed = bool(install_selectors.installed_plugin_ids(request.user, [plugin.pk]))
    if not plugin_permissions.can_view(
        request.user,
        plugin,
        tester_ids=plugin_selectors.tester_ids(plugin),
        has_installed=has_installed,
    ):
        raise Http404
    return plugin


def _back(plugin: Plugin, anchor: str = "reviews") -> HttpResponse:
    return redirect(f"{reverse('store:detail', args=[plugin.slug])}#{anchor}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Rate the plugin or change one's rating (also the form's page when it has errors)."""
    plugin = _viewable_plugin(request, slug)
    rating = selectors.user_rating(request.user, plugin.pk)
    verdict = permissions.rate_verdict(
        request.user, plugin, ever_installed=selectors.has_ever_installed(request.user, plugin.pk)
    )
    if request.method == "POST" and not verdict.allowed:
        messages.error(request, verdict.message)
        return _back(plugin)
    initial = {"stars": rating.stars, "review": rating.review} if rating else None
    form = RatingForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                services.rating_save(user=request.user, plugin_id=plugin.pk, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Thank you: your rating is saved.")
                return _back(plugin, "your-rating")
        status = 400
    context = {"plugin": plugin, "form": form, "rating": rating, "verdict": verdict}
    return render(request, "ratings/edit.html", context, status=status)


@login_required
@require_POST
def delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Delete one's own rating: always allowed, whatever became of the plugin."""
    plugin = plugin_selectors.store_plugin_detail(slug)
    if plugin is None:
        raise Http404
    if services.rating_delete(user=request.user, plugin_id=plugin.pk):
        messages.success(request, "Your rating was deleted.")
        if plugin.status != PluginStatus.APPROVED:
            return redirect("store:installed")
        return _back(plugin)
    _viewable_plugin(request, slug)
    messages.info(request, "You have not rated this plugin.")
    return _back(plugin)


@login_required
@require_POST
def answer(request: HttpRequest, slug: str, rating_id: int) -> HttpResponse:
    """The developer answers a review once; anyone else's answer URL is a 404."""
    plugin = _viewable_plugin(request, slug)
    rating = selectors.visible_rating(plugin.pk, rating_id)
    if rating is None or not plugin_permissions.can_manage(request.user, plugin):
        raise Http404
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _back(plugin, f"review-{rating.pk}")
    try:
        services.rating_answer(
            user=request.user, plugin_id=plugin.pk, rating_id=rating.pk, **form.cleaned_data
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your answer is published under the review.")
    return _back(plugin, f"review-{rating.pk}")


@login_required
@require_POST
def report(request: HttpRequest, slug: str, rating_id: int) -> HttpResponse:
    """Anyone signed in reports a review to the reviewers (once)."""
    plugin = _viewable_plugin(request, slug)
    rating = selectors.visible_rating(plugin.pk, rating_id)
    if rating is None:
        raise Http404
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _back(plugin, f"review-{rating.pk}")
    try:
        services.rating_report(
            user=request.user, plugin_id=plugin.pk, rating_id=rating.pk, **form.cleaned_data
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Thank you: reviewers will look at this review.")
    return _back(plugin, f"review-{rating.pk}")


def _first_error(form) -> str:
    return next(iter(error for errors in form.errors.values() for error in errors))
