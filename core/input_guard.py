"""Characters the database cannot store never reach a view: NUL and lone surrogates.

PostgreSQL text cannot hold U+0000, and a lone surrogate (U+D800 to U+DFFF) cannot be encoded
to UTF-8 at all, so either one in anything a view, a form or a session lookup hands to a query
fails that query: a 500, even for a visitor (`/store/?q=%00`). Rather than every view guarding
every parameter it reads, two middlewares answer for every request, each where it must stand:

- `PoisonCookieMiddleware`, before the session middleware reads its cookie: a cookie holding
  one is dropped, as if it had not been sent. A browser sends back only what the site set, so
  such a cookie is forged or corrupt; refusing would lock the visitor out until they cleared
  their cookies, while ignoring it costs nothing (a new session, a new CSRF token).
- `PoisonInputMiddleware`, last, so that its page carries the site's headers and CSP:
  - the query string is cleaned: NULs dropped, lone surrogates made U+FFFD. A GET changes
    nothing, so answering the nearest meaningful request (the search for "tea" when "tea\\0"
    was sent, page 1 for a page number that is not one) is friendlier than an error page,
    and a link checker still gets the page it asked for;
  - a path or a form field holding one is refused with 400 and a page that says so and that
    nothing was changed. No page's address contains one, and a form changes things: quietly
    storing or acting on something other than what was sent (a reason, a password, a reply)
    would be worse than asking again. Browsers never send either from what a person types.

Forms add their own guard (Django's CharField refuses NUL); this one also covers the views that
read request.GET or request.POST directly, and allauth's pages.
"""

import re

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

# U+0000 and every UTF-16 surrogate code point: none is storable text.
_POISON = re.compile("[\x00\ud800-\udfff]")
POISON_REASON = (
    "It contains a character that no text here can hold (a NUL byte or a lone UTF-16 "
    "surrogate), so nothing was read from it and nothing was changed."
)


def is_poisoned(text: str) -> bool:
    """Whether text holds a NUL or a lone surrogate."""
    return _POISON.search(text) is not None


def cleaned(text: str) -> str:
    """text without NULs, each lone surrogate replaced by U+FFFD."""
    return _POISON.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def _poisoned_items(data: QueryDict) -> bool:
    return any(
        is_poisoned(key) or any(is_poisoned(value) for value in values)
        for key, values in data.lists()
    )


def cleaned_query(data: QueryDict) -> QueryDict:
    """An immutable copy of data with every key and value cleaned."""
    result = QueryDict(mutable=True)
    for key, values in data.lists():
        result.setlist(cleaned(key), [cleaned(value) for value in values])
    result._mutable = False
    return result


def bad_input_response(request: HttpRequest, where: str) -> HttpResponse:
    """The 400 page: what was wrong and that nothing changed."""
    context = {"where": where, "reason": POISON_REASON}
    return render(request, "400.html", context, status=400)


class PoisonCookieMiddleware:
    """Drop cookies holding a NUL or a lone surrogate before anything reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookies = request.COOKIES
        if any(is_poisoned(name) or is_poisoned(value) for name, value in cookies.items()):
            request.COOKIES = {
                name: value
                for name, value in cookies.items()
                if not (is_poisoned(name) or is_poisoned(value))
            }
        return self.get_response(request)


class PoisonInputMiddleware:
    """Clean the query string; refuse a path or form field the database could not store."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_poisoned(request.path_info) or is_poisoned(request.path):
            return bad_input_response(request, "The page address you asked for")
        if _poisoned_items(request.GET):
            request.GET = cleaned_query(request.GET)
            request.META["QUERY_STRING"] = request.GET.urlencode()
        # Only a form body is parsed here (request.POST is empty for anything else); a body
        # Django cannot parse raises its own 400 (MultiPartParserError, TooManyFieldsSent).
        if request.method == "POST" and _poisoned_items(request.POST):
            return bad_input_response(request, "The form you sent")
        return self.get_response(request)
