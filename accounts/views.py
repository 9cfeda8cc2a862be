from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import selectors
from accounts.billing import get_billing
from accounts.forms import DeveloperAccessRequestForm, ProfileForm
from accounts.permissions import can_request_developer_access, can_upgrade_to_plus
from accounts.services import (
    developer_access_request_create,
    user_update_profile,
    user_upgrade_to_plus,
)
from core.exceptions import ApplicationError


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, initial={"display_name": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=request.user, display_name=form.cleaned_data["display_name"])
        messages.success(request, "Your profile was saved.")
        return redirect("profile")
    context = {
        "form": form,
        "access_form": DeveloperAccessRequestForm(),
        "can_upgrade": can_upgrade_to_plus(request.user),
        "can_request_access": can_request_developer_access(request.user),
        "access_requests": selectors.developer_requests_for(request.user),
        "account_type_history": selectors.account_type_history_for(request.user),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def upgrade_to_plus(request):
    if not can_upgrade_to_plus(request.user):
        messages.info(request, "Your account already has Plus.")
        return redirect("profile")
    if request.method == "POST":
        try:
            user_upgrade_to_plus(user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("upgrade")
        messages.success(request, "Welcome to Plus: you can now install approved plugins.")
        return redirect(request.POST["next"] if _safe_next(request) else "profile")
    return render(request, "accounts/upgrade.html", {"billing": get_billing()})


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    next_url = request.POST.get("next")
    return bool(next_url) and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
@require_http_methods(["POST"])
def developer_access_request(request):
    form = DeveloperAccessRequestForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Tell the reviewers briefly what you plan to build (at most 2,000 characters)."
        )
        return redirect("profile")
    try:
        developer_access_request_create(user=request.user, reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Your request was sent. Staff usually decide within two working days."
        )
    return redirect("profile")
