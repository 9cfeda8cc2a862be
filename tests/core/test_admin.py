"""core.admin.ServiceFSMAdminMixin: transition buttons and forms on django-fsm-2's public API.

The apps' admin tests drive each real transition; these pin the mixin itself, on the
developer-access requests (the smallest FSM): the permission re-check on every POST, the
refusals that change nothing, and that no private django-fsm-2 name is relied on.
"""

import ast
import inspect
from pathlib import Path

import django_fsm
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.test import Client
from django.urls import reverse

import core.admin
from accounts.admin import DeveloperAccessRequestAdmin
from accounts.models import AccessRequestState, AccountType, DeveloperAccessRequest
from accounts.services import (
    developer_access_decline,
    developer_access_grant,
    developer_access_request_create,
)
from core.admin import ActionSelectionMixin, ServiceFSMAdminMixin
from reviews.models import CannedReason
from tests.factories import PlusUserFactory, UserFactory, make_reviewer


def _pending_request(email="applicant@example.com"):
    return developer_access_request_create(user=PlusUserFactory(email=email), reason="Tides.")


def _change_url(access_request):
    return reverse("admin:accounts_developeraccessrequest_change", args=[access_request.pk])


def _transition_url(access_request, name):
    return reverse(
        "admin:accounts_developeraccessrequest_transition", args=[access_request.pk, name]
    )


def _press(client, access_request, name, **extra):
    return client.post(_change_url(access_request), {"_fsm_transition_to": name, **extra})


def _reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def _assert_untouched(access_request):
    access_request = _reload(access_request)
    assert access_request.state == AccessRequestState.PENDING
    assert access_request.decided_by is None
    assert _reload(access_request.user).account_type == AccountType.PLUS


def _staff_with(*codenames):
    staff = UserFactory(is_staff=True, email="staff@example.com")
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
    )
    return _reload(staff)


# No private django-fsm-2 name


def _private_django_fsm_names() -> set[str]:
    """Every _name django-fsm-2 defines (functions, methods, classes, attributes it sets),
    minus those Django's Model and ModelAdmin define too (overriding those is Django's API)."""
    names = {"_django_fsm"}  # set with setattr(): the transition metadata on each method
    for path in Path(django_fsm.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
    private = {n for n in names if len(n) > 1 and n.startswith("_") and not n.startswith("__")}
    return private - set(dir(models.Model)) - set(dir(ModelAdmin))


def _first_party_modules():
    """Every module of our apps (the project's own, not those installed in the venv)."""
    root = Path(settings.BASE_DIR)
    folders = [root / "config"] + [
        Path(app.path)
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(root) and "site-packages" not in Path(app.path).parts
    ]
    assert {"core", "accounts", "reviews", "config"} <= {folder.name for folder in folders}
    for folder in folders:
        for path in folder.rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _transition_admins():
    for model in apps.get_models():
        if admin.site.is_registered(model):
            model_admin = admin.site.get_model_admin(model)
            if isinstance(model_admin, ServiceFSMAdminMixin):
                yield model, model_admin


def test_the_private_name_list_knows_what_the_old_admin_used():
    """The control: the scan below would have caught the mixin as it was at 4.2.4."""
    names = _private_django_fsm_names()
    assert {"_get_fsm_transition_by_name", "_apply_fsm_transition", "_django_fsm"} <= names


def test_no_first_party_code_uses_a_private_django_fsm_name():
    private = _private_django_fsm_names()
    uses = []
    for path in _first_party_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in private:
                uses.append(f"{path}:{node.lineno} .{node.attr}")
            elif isinstance(node, ast.FunctionDef) and node.name in private:
                uses.append(f"{path}:{node.lineno} def {node.name}")  # overrides a private hook
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django_fsm"):
                uses += [
                    f"{path}:{node.lineno} import {a.name}"
                    for a in node.names
                    if a.name.startswith("_")
                ]
            elif isinstance(node, ast.Constant) and node.value in private:
                uses.append(f"{path}:{node.lineno} {node.value!r}")  # getattr(obj, "_...")
    assert not uses, "\n".join(uses)


def test_the_admin_mixin_stands_on_django_admin_not_on_django_fsm_admin():
    source = inspect.getsource(core.admin)
    assert "django_fsm.admin" not in source
    assert not [
        cls for cls in ServiceFSMAdminMixin.__mro__ if cls.__module__.startswith("django_fsm")
    ]
    for _, model_admin in _transition_admins():
        assert not any(c.__module__.startswith("django_fsm") for c in type(model_admin).__mro__)


def test_every_declared_service_runs_a_transition_the_admin_offers():
    """A typo in fsm_services, or a service for a transition kept out of the admin, fails
    here rather than as a button that is never shown."""
    checked = 0
    for model, model_admin in _transition_admins():
        offered = {
            transition.name
            for field in model_admin.fsm_fields
            for transition in getattr(model(), f"get_all_{field}_transitions")()
            if transition.custom.get("admin", True)
        }
        assert set(model_admin.fsm_services) <= offered, model
        checked += 1
    assert checked >= 3


def test_fsm_fields_must_name_fsm_fields():
    class Broken(ServiceFSMAdminMixin, admin.ModelAdmin):
        fsm_fields = ["reason"]

    with pytest.raises(ImproperlyConfigured):
        Broken(DeveloperAccessRequest, admin.site)


# Every POST re-checks the transition's permission: 403 and nothing changes


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["grant", "decline"])
def test_the_named_permission_without_view_access_is_a_403(client, name):
    access_request = _pending_request()
    client.force_login(_staff_with("decide_developeraccessrequest"))

    assert _press(client, access_request, name).status_code == 403
    assert client.get(_transition_url(access_request, "decline")).status_code == 403
    response = client.post(_transition_url(access_request, "decline"), {"decision_note": "No."})
    assert response.status_code == 403
    _assert_untouched(access_request)


@pytest.mark.django_db
def test_view_and_change_permissions_without_the_named_one_are_a_403(client):
    access_request = _pending_request()
    client.force_login(_staff_with("view_developeraccessrequest", "change_developeraccessrequest"))
    assert _press(client, access_request, "grant").status_code == 403
    assert client.get(_transition_url(access_request, "decline")).status_code == 403
    _assert_untouched(access_request)


@pytest.mark.django_db
def test_the_named_permission_and_view_access_are_enough_without_change(client):
    access_request = _pending_request()
    client.force_login(_staff_with("decide_developeraccessrequest", "view_developeraccessrequest"))
    assert _press(client, access_request, "grant").status_code == 302
    assert _reload(access_request).state == AccessRequestState.GRANTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["save", "delete", "refresh_from_db", "state", "get_all_state_transitions", "nope"]
)
def test_a_name_that_is_no_admin_transition_is_a_403(client, name):
    access_request = _pending_request()
    client.force_login(make_reviewer())
    assert _press(client, access_request, name).status_code == 403
    assert client.get(_transition_url(access_request, name)).status_code == 403
    assert client.post(_transition_url(access_request, name), {}).status_code == 403
    _assert_untouched(access_request)


@pytest.mark.django_db
def test_a_transition_without_a_service_is_refused_even_when_the_user_may_take_it(rf):
    class GrantOnly(DeveloperAccessRequestAdmin):
        fsm_services = {"grant": DeveloperAccessRequestAdmin.fsm_services["grant"]}

    model_admin = GrantOnly(DeveloperAccessRequest, admin.site)
    access_request = _pending_request()
    reviewer = make_reviewer()
    request = rf.post("/", {"_fsm_transition_to": "decline"})
    request.user = reviewer

    blocks = model_admin.get_transition_blocks(request, access_request)
    assert [t.name for block in blocks for t in block.transitions] == ["grant"]
    with pytest.raises(PermissionDenied):
        model_admin.transition_button_view(request, str(access_request.pk))
    with pytest.raises(PermissionDenied):
        model_admin.transition_view(request, str(access_request.pk), "decline")
    _assert_untouched(access_request)


@pytest.mark.django_db
def test_a_press_without_a_csrf_token_is_refused(client):
    access_request = _pending_request()
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(make_reviewer())
    assert _press(csrf_client, access_request, "grant").status_code == 403
    response = csrf_client.post(_transition_url(access_request, "decline"), {"decision_note": "x"})
    assert response.status_code == 403
    _assert_untouched(access_request)


# Running the service, and what the reviewer sees afterwards


@pytest.mark.django_db
def test_a_press_runs_the_service_and_keeps_the_changelist_filters(client):
    access_request = _pending_request()
    reviewer = make_reviewer()
    client.force_login(reviewer)
    filters = "_changelist_filters=state__exact%3Dpending"

    response = client.post(
        f"{_change_url(access_request)}?{filters}", {"_fsm_transition_to": "grant"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{_change_url(access_request)}?{filters}"
    assert _reload(access_request).decided_by == reviewer
    assert "Grant developer access: done." in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_a_press_on_a_request_decided_meanwhile_tells_why_and_changes_nothing(client):
    """Allowed to decide, but another reviewer was first: the service refuses and says so,
    on the change page rather than a 403 page, as before the rewrite."""
    access_request = _pending_request()
    first = make_reviewer(email="first@example.com")
    developer_access_decline(request_id=access_request.pk, decided_by=first, note="No.")
    client.force_login(make_reviewer(email="second@example.com"))

    response = _press(client, access_request, "grant")

    assert response.status_code == 302
    assert response["Location"] == _change_url(access_request)
    page = client.get(response["Location"]).content.decode()
    assert "Grant developer access: This request was already declined." in page
    assert 'name="_fsm_transition_to"' not in page
    access_request = _reload(access_request)
    assert (access_request.state, access_request.decided_by) == ("declined", first)


@pytest.mark.django_db
def test_a_form_posted_after_the_request_was_decided_shows_the_form_and_the_reason(client):
    access_request = _pending_request()
    first = make_reviewer(email="first@example.com")
    developer_access_grant(request_id=access_request.pk, decided_by=first)
    client.force_login(make_reviewer(email="second@example.com"))

    response = client.post(_transition_url(access_request, "decline"), {"decision_note": "No."})

    assert response.status_code == 200
    assert "Decline: This request was already granted." in response.content.decode()
    assert response.context["transition_form"].is_valid()
    access_request = _reload(access_request)
    assert (access_request.state, access_request.decision_note) == ("granted", "")


@pytest.mark.django_db
def test_the_transition_form_page_names_the_transition_and_posts_to_itself(client):
    access_request = _pending_request()
    client.force_login(make_reviewer())
    page = client.get(_transition_url(access_request, "decline"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<h1>Decline</h1>" in text
    assert "reads your reason in Messages" in text
    assert 'name="csrfmiddlewaretoken"' in text
    assert '<form method="post">' in text  # no action: it posts back to this URL


@pytest.mark.django_db
def test_a_transition_without_a_form_has_no_form_page(client):
    access_request = _pending_request()
    client.force_login(make_reviewer())
    assert client.get(_transition_url(access_request, "grant")).status_code == 400
    _assert_untouched(access_request)


@pytest.mark.django_db
def test_a_missing_object_goes_back_to_the_admin_index(client):
    client.force_login(make_reviewer())
    url = reverse("admin:accounts_developeraccessrequest_change", args=[999999])
    assert client.post(url, {"_fsm_transition_to": "grant"})["Location"] == "/admin/"
    form_url = reverse("admin:accounts_developeraccessrequest_transition", args=[999999, "grant"])
    assert client.get(form_url)["Location"] == "/admin/"


@pytest.mark.django_db
def test_a_button_without_help_text_has_no_tooltip(client):
    access_request = _pending_request()
    client.force_login(make_reviewer())
    page = client.get(_change_url(access_request)).content.decode()
    assert 'value="grant">' in page  # "Grant developer access" has no help text
    assert 'title="None"' not in page
    assert 'title="The user keeps their account type' in page  # "Decline" has


# Changelist actions on a selection that is not ids


def _every_model_admin():
    """Ours and other apps' alike (auth's groups, allauth's addresses and authenticators)."""
    yield from admin.site._registry.items()


def test_every_admin_checks_the_selection_of_its_actions():
    admins = dict(_every_model_admin())
    assert len(admins) >= 11
    assert {"auth.Group", "account.EmailAddress", "mfa.Authenticator"} <= {
        model._meta.label for model in admins
    }
    unchecked = [
        model._meta.label
        for model, model_admin in admins.items()
        if not isinstance(model_admin, ActionSelectionMixin)
    ]
    assert not unchecked, f"admins without core.admin.ActionSelectionMixin: {unchecked}"


@pytest.mark.django_db
# (A NUL never gets this far: core.input_guard refuses the whole form with a 400.)
@pytest.mark.parametrize("selected", ["x", "1e5", "1.5", "-", "A" * 10_000])
def test_an_action_on_a_selection_that_is_no_id_is_refused_not_a_500(selected):
    """Django filtered pk__in=<the posted values> and raised ValueError (found by fuzzing)."""
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    canned = CannedReason.objects.create(criterion="C1", title="Policy", text="Breaks it.")
    for model, model_admin in _every_model_admin():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        actions = list(model_admin.get_actions(client.get(url).wsgi_request))
        if not actions:
            continue
        count = model._default_manager.count()
        response = client.post(
            url, {"action": actions[0], "index": "0", "_selected_action": [selected]}
        )
        assert response.status_code == 302, (url, response.status_code)
        assert model._default_manager.count() == count
    assert CannedReason.objects.filter(pk=canned.pk).exists()
