"""The reviews section of the store's detail page, and the stars on the cards.

pluginstore's templates include ratings' partials (templates/ratings/) and these tags draw
them, so the store's pages show ratings without pluginstore importing this app.
"""

import re

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core import fragments
from ratings import permissions, selectors
from ratings.forms import AnswerForm, RatingForm, ReportForm

register = template.Library()


@register.filter
def rating_average(plugin) -> str:
    """The plain average of the visible ratings, to one decimal ("4.3"), from the plugin's
    aggregates; "" when unrated."""
    value = selectors.average(plugin)
    return "" if value is None else f"{value:.1f}"


# Where the visitor's own rating and each review's actions go in the shared section.
YOUR_RATING_SLOT = mark_safe("<!--your-rating-->")  # noqa: S308
_ACTION_SLOTS = re.compile(r"<!--review-actions:(\d+)-->")
# Rendered review actions (answer and report forms) each process keeps; keyed by what they
# show, so never stale.
action_memory = fragments.Memory(5000)
# "Your rating" blocks, keyed by everything one shows (most visitors share a few states).
your_rating_memory = fragments.Memory(5000)


@register.simple_tag(takes_context=True)
def plugin_reviews(context) -> str:
    """The detail page's reviews: the average, the distribution and a page of reviews with the
    developer's answers, shared by every visitor (selectors.reviews_section, a copy kept until
    the plugin's ratings change), with this visitor's own rating and form, and what they may
    do about each review, filled into its slots."""
    request, plugin = context["request"], context["plugin"]
    user = request.user
    section = selectors.reviews_section(plugin, request.GET.get("page"), _render_section)
    html = section.html.replace(YOUR_RATING_SLOT, _your_rating(context, user, plugin), 1)
    is_owner = bool(context.get("is_owner"))
    reviews = {review.pk: review for review in section.reviews}

    def actions(match: re.Match) -> str:
        review = reviews.get(int(match[1]))
        if review is None:
            return ""
        may_answer = is_owner and permissions.can_answer(user, plugin, review)
        may_report = permissions.can_report(user, review)
        return _review_actions(plugin.slug, review.pk, may_answer, may_report)

    # The CSRF slots are the page's to fill (core.fragments.framed).
    return mark_safe(_ACTION_SLOTS.sub(actions, html))  # noqa: S308


def _render_section(plugin, page) -> str:
    """The shared part: nobody's own rating, no forms (rendered without the request)."""
    reviews = []
    for review in page.object_list:
        review.actions_slot = mark_safe(f"<!--review-actions:{int(review.pk)}-->")  # noqa: S308
        reviews.append(review)
    context = {
        "plugin": plugin,
        "average": rating_average(plugin),
        "distribution": selectors.rating_distribution(plugin),
        "page": page,
        "reviews": reviews,
        "your_rating_slot": YOUR_RATING_SLOT,
    }
    return render_to_string("ratings/_section.html", context)


def _your_rating(context, user, plugin) -> str:
    """The visitor's own rating and form, or why they can't rate (one copy's read)."""
    rating, ever_installed = selectors.user_rating_state(user, plugin.pk)
    # Installed now, or rated (so installed before): no need to ask.
    ever_installed = bool(context.get("has_installed")) or rating is not None or ever_installed
    verdict = permissions.rate_verdict(user, plugin, ever_installed=ever_installed)
    path = context["request"].path
    own = (rating.stars, rating.review, rating.is_hidden, rating.hidden_reason) if rating else None
    key = repr((plugin.slug, plugin.display_name, path, own, verdict))
    html = your_rating_memory.get(key)
    if html is None:
        initial = {"stars": rating.stars, "review": rating.review} if rating else None
        html = render_to_string(
            "ratings/_your_rating.html",
            {
                "plugin": plugin,
                "path": path,
                "own_rating": rating,
                "verdict": verdict,
                "rating_form": RatingForm(initial=initial) if verdict.allowed else None,
                **fragments.csrf_context(),
            },
        )
        your_rating_memory.set(key, html)
    return html


def _review_actions(slug: str, review_id: int, may_answer: bool, may_report: bool) -> str:
    if not (may_answer or may_report):
        return ""
    key = repr((slug, review_id, may_answer, may_report))
    html = action_memory.get(key)
    if html is None:
        review = {"pk": review_id, "may_answer": may_answer, "may_report": may_report}
        html = render_to_string(
            "ratings/_review_actions.html",
            {
                "plugin": {"slug": slug},
                "review": review,
                "answer_form": AnswerForm(),
                "report_form": ReportForm(),
                **fragments.csrf_context(),
            },
        )
        action_memory.set(key, html)
    return html
