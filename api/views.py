"""The API token page (/accounts/tokens/): list, create (the secret shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api import selectors, tokens
from api.forms import TokenCreateForm
from core.exceptions import ApplicationError
from pluginstore.permissions import can_register_plugins


def _developer(request) -> None:
    if not can_register_plugins(request.user):
        raise PermissionDenied(
            "API tokens are for developer accounts. Request developer access on your profile."
        )


@login_required
@never_cache  # the page that shows a new secret must never be kept by a cache or the browser
@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request):
    _developer(request)
    form = TokenCreateForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = tokens.api_token_create(user=request.user, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
        if form.errors:
            status = 400
        else:
            # Shown on this response only: nothing keeps the secret, not even the session.
            # 201, not 200: a 200 answer to a form's POST is a refusal shown again.
            form = TokenCreateForm()
            status = 201
    context = {
        "form": form,
        "created": created,
        "tokens": selectors.user_tokens(request.user),
        "now": timezone.now(),
        "max_active": tokens.MAX_ACTIVE_TOKENS,
        "active_count": tokens.active_tokens(request.user).count(),
    }
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke(request, token_id: int):
    # Anyone may revoke a token of their own, developer still or not.
    try:
        token = tokens.api_token_revoke(user=request.user, token_id=token_id)
    except ApplicationError:
        raise Http404 from None  # another user's token does not exist for this one
    messages.success(request, f"Token “{token.name}” ({token.prefix}…) is revoked.")
    return redirect("api_tokens")
