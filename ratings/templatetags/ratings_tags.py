"""The reviews section of the store's detail page, and the stars on the cards.

pluginstore's templates include ratings' partials (templates/ratings/) and these tags draw
them, so the store's pages show ratings without pluginstore importing this app.
"""

from django import template

from ratings import permissions, selectors
from ratings.forms import AnswerForm, RatingForm, ReportForm

register = template.Library()


@register.filter
def rating_average(plugin) -> str:
    """The plain average of the visible ratings, to one decimal ("4.3"), from the plugin's
    aggregates; "" when unrated."""
    value = selectors.average(plugin)
    return "" if value is None else f"{value:.1f}"


@register.inclusion_tag("ratings/_section.html", takes_context=True)
def plugin_reviews(context) -> dict:
    """The detail page's reviews: the average, the distribution, the user's own rating and
    form, and a page of reviews with the developer's answers (4 queries at most)."""
    request, plugin = context["request"], context["plugin"]
    user = request.user
    rating = selectors.user_rating(user, plugin.pk)
    # Installed now, or rated (so installed before): no need to ask.
    ever_installed = (
        bool(context.get("has_installed"))
        or rating is not None
        or selectors.has_ever_installed(user, plugin.pk)
    )
    verdict = permissions.rate_verdict(user, plugin, ever_installed=ever_installed)
    page = selectors.plugin_reviews_page(plugin, request.GET.get("page"))
    is_owner = bool(context.get("is_owner"))
    reviews = []
    for review in page.object_list:
        review.may_answer = is_owner and permissions.can_answer(user, plugin, review)
        review.may_report = permissions.can_report(user, review)
        reviews.append(review)
    initial = {"stars": rating.stars, "review": rating.review} if rating else None
    return {
        "request": request,
        "user": user,
        "plugin": plugin,
        "average": rating_average(plugin),
        "distribution": selectors.rating_distribution(plugin),
        "page": page,
        "reviews": reviews,
        "own_rating": rating,
        "verdict": verdict,
        "rating_form": RatingForm(initial=initial) if verdict.allowed else None,
        "answer_form": AnswerForm(),
        "report_form": ReportForm(),
        "csrf_token": context.get("csrf_token"),
    }
