"""Every API error is JSON {"code": "...", "message": "..."} with a stable code.

The message is the web's (an ApplicationError's message, the submission rule's wording); the
code is what a script tests. The codes are listed in ERROR_CODES, which the README and the
OpenAPI document's description show.
"""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from api.tokens import TokenRefused
from core.exceptions import ApplicationError

ERROR_CODES = {
    "token_missing": (401, "no Authorization: Bearer header"),
    "token_invalid": (401, "no such token"),
    "token_revoked": (401, "the token was revoked"),
    "token_expired": (401, "the token expired"),
    "account_inactive": (403, "the token's account is deactivated"),
    "not_developer": (403, "the token's account is not a developer account now"),
    "scope_insufficient": (403, "a write with a read-only token"),
    "not_found": (404, "no such object among yours (another developer's is a 404 too)"),
    "page_out_of_range": (404, "a page past the last one"),
    "invalid_request": (400, "a parameter or the JSON body is malformed; see `errors`"),
    "rate_limited": (429, "too many requests; see Retry-After"),
    "registration_refused": (400, "register: the web form's refusal"),
    "refresh_refused": (400, "refresh: the web page's refusal"),
    "withdraw_refused": (409, "withdraw: the submission is closed"),
    "criteria_unconfirmed": (400, "submit: not every human criterion was confirmed"),
    "domain_refused": (400, "verify: the domain page's refusal (not the owner, a local domain...)"),
    # Why a version can't be submitted: reviews.permissions.submission_blocker's reasons.
    "not_manager": (403, "submit: the token's account can't submit this plugin"),
    "banned": (409, "submit: the plugin is banned"),
    "no_version": (409, "submit: nothing fetched yet"),
    "check_errors": (409, "submit: the latest version has check errors"),
    "live": (409, "submit: the latest version is already live"),
    "open": (409, "submit: an open submission exists"),
    "unchanged": (409, "submit: the same content as the last rejected version"),
    "domain_unverified": (409, "submit: the plugin's domain is not verified yet"),
    "domain_proof_lost_blocked": (409, "submit: the domain's proof was lost over 14 days ago"),
    "refused": (409, "another refusal of the services"),
}


class ApiError(Exception):
    """An error with a code from ERROR_CODES (its HTTP status) and a message for people."""

    def __init__(self, code: str, message: str, *, extra: dict | None = None) -> None:
        super().__init__(message)
        # A refusal reason added to the services later is a 409 until it is listed here.
        self.status = ERROR_CODES.get(code, ERROR_CODES["refused"])[0]
        self.code = code
        self.message = message
        self.extra = extra or {}


def refused(code: str, error: ApplicationError) -> ApiError:
    """A service's refusal, with the web's message and this operation's code."""
    return ApiError(code, error.message)


def error_response(api: NinjaAPI, request: HttpRequest, error: ApiError) -> HttpResponse:
    request.api_error_code = error.code
    body = {"code": error.code, "message": error.message, **error.extra}
    response = api.create_response(request, body, status=error.status)
    if error.code == "rate_limited":
        response["Retry-After"] = "60"
    return response


def _validation_errors(exc: ValidationError) -> list[dict]:
    return [
        {
            "field": ".".join(str(part) for part in error.get("loc", ()) if part != "body"),
            "message": str(error.get("msg", "")),
        }
        for error in exc.errors[:20]
    ]


def install_handlers(api: NinjaAPI) -> None:
    """Replace django-ninja's {"detail": ...} answers with ours."""

    def on_api_error(request, exc: ApiError):
        return error_response(api, request, exc)

    def on_token_refused(request, exc: TokenRefused):
        return error_response(api, request, ApiError(exc.code, exc.message))

    def on_missing(request, exc):
        return error_response(
            api,
            request,
            ApiError(
                "token_missing",
                "Send your API token in the header 'Authorization: Bearer <token>'. "
                "Create one on your profile page.",
            ),
        )

    def on_not_found(request, exc):
        return error_response(api, request, ApiError("not_found", "Not found."))

    def on_invalid(request, exc: ValidationError):
        error = ApiError(
            "invalid_request",
            "The request is not valid; see errors.",
            extra={"errors": _validation_errors(exc)},
        )
        return error_response(api, request, error)

    def on_http_error(request, exc: HttpError):
        # django-ninja's own refusals; the one a client can cause: a body that is not JSON.
        message = "The request body is not valid JSON." if exc.status_code == 400 else str(exc)
        request.api_error_code = "invalid_request"
        body = {"code": "invalid_request", "message": message}
        return api.create_response(request, body, status=exc.status_code)

    def on_application_error(request, exc: ApplicationError):
        return error_response(api, request, ApiError("refused", exc.message))

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(TokenRefused, on_token_refused)
    api.add_exception_handler(AuthenticationError, on_missing)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ValidationError, on_invalid)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(ApplicationError, on_application_error)
