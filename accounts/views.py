from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
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
@require_http_methods(["GET", "HEAD", "POST"])
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
@require_http_methods(["GET", "HEAD", "POST"])
def upgrade_to_plus(request):
    if not can_upgrade_to_plus(request.user):
        if request.method != "HEAD":  # a HEAD leaves no message behind for the next page
            messages.info(request, "Your account already has Plus.")
        return redirect("profile")
    if request.method == "POST":
        try:
            user_upgrade_to_plus(user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("upgrade")
        messages.success(request, "Welcome to Plus: you can now install approved plugins.")
        return HttpResponseRedirect(_safe_next(request) or reverse("profile"))
    return render(request, "accounts/upgrade.html", {"billing": get_billing()})


def _safe_next(request) -> str | None:
    """The posted `next` when it is a path on this site, else None.

    Only a path: redirect() reads any other text ("foo") as a view name to reverse, and an
    unknown one was a 500 after the upgrade had already happened.
    """
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return None


def developer_access_page(request, *, form=None, status: int = 200):
    """How to get developer access, with the request form when the user may send one: shown
    by a developer page to someone without access (403) and after a refused request (400)."""
    context = {
        "access_form": form or DeveloperAccessRequestForm(),
        "can_request_access": can_request_developer_access(request.user),
        "latest_request": selectors.developer_requests_for(request.user).first(),
    }
    return render(request, "accounts/developer_access.html", context, status=status)


@login_required
@require_http_methods(["POST"])
def developer_access_request(request):
    form = DeveloperAccessRequestForm(request.POST)
    if not form.is_valid():
        # The error goes by the field it is about (aria-describedby), not in a banner.
        return developer_access_page(request, form=form, status=400)
    try:
        developer_access_request_create(user=request.user, reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Your request was sent. Staff usually decide within two working days."
        )
    return redirect("profile")
