"""Admin plumbing shared by the apps: FSM buttons that run our services, never raw transitions."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.module_loading import import_string
from django_fsm import FSMFieldMixin, TransitionNotAllowed

from core.exceptions import ApplicationError

if TYPE_CHECKING:
    from django_fsm import Transition


@dataclass(frozen=True)
class AdminTransition:
    """One button, or the heading of one transition form."""

    name: str
    label: str
    help_text: str | None


@dataclass(frozen=True)
class TransitionBlock:
    """The buttons of one FSM field on a change page."""

    field: str
    label: str
    transitions: list[AdminTransition]


class ActionSelectionMixin:
    """Changelist actions run only on a selection of real ids.

    Django filters ``pk__in=<the posted _selected_action values>``, and a value that is no id
    of the model (text, a NUL) raised ValueError there: a 500 instead of a refusal.
    """

    def response_action(self, request: HttpRequest, queryset):
        pk = self.model._meta.pk  # type: ignore[attr-defined]
        try:
            for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
                pk.get_prep_value(pk.to_python(value))
        except (ValidationError, ValueError, TypeError):
            # None makes the changelist redirect back to itself with nothing changed.
            messages.warning(request, "Select items from the list to run an action on them.")
            return None
        return super().response_action(request, queryset)  # type: ignore[misc]


def guard_action_selections(site: admin.AdminSite) -> None:
    """Give every registered admin, other apps' included (auth's groups, allauth's email
    addresses and authenticators), the selection check: re-registered as a subclass that
    mixes ActionSelectionMixin in. Called once the admin modules are loaded (CoreConfig.ready,
    after django.contrib.admin's autodiscover)."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ActionSelectionMixin):
            continue
        base = type(model_admin)
        guarded = type(base.__name__, (ActionSelectionMixin, base), {"__module__": base.__module__})
        site.unregister(model)
        site.register(model, guarded)


class ServiceFSMAdminMixin(ActionSelectionMixin):
    """Transition buttons and forms on a change page, each running the app's service.

    Subclasses declare ``fsm_fields`` (the model's FSM fields), ``fsm_services``
    (transition name -> ``callable(obj, request, **form_data)`` that runs the service) and,
    for transitions that need input, a form in ``fsm_forms`` or the transition's
    ``custom["form"]``. Only transitions named in ``fsm_services`` and not marked
    ``custom["admin"] = False`` are offered.

    Built on django-fsm-2's public surface only (the model's ``get_available_user_FIELD_
    transitions`` / ``get_available_FIELD_transitions`` / ``get_all_FIELD_transitions`` and
    the Transition's ``name``, ``custom`` and ``has_perm``), so it does not depend on one
    release's private admin methods.

    Every POST, from the button or the form, re-checks the transition's ``permission``:
    refused, it is a 403 and nothing changes. A button press is a decision, not an edit of
    the row: it needs the transition's named permission plus view access to the object, not
    the model's change permission, so reviewers may decide without editing fields. A
    transition the user may take but that the object has meanwhile left the state for (two
    reviewers at once) goes on to the service, which locks the row, refuses and says why.
    """

    change_form_template = "admin/transitions/change_form.html"
    transition_form_template = "admin/transitions/transition_form.html"
    fsm_post_param = "_fsm_transition_to"
    fsm_fields: list[str] = []
    # transition name -> callable(obj, request, **form_data) that runs the service
    fsm_services: dict[str, Callable[..., Any]] = {}
    # transition name -> form class (or its dotted path); else the transition's custom["form"]
    fsm_forms: dict[str, type[forms.Form] | str] = {}

    def __init__(self, model, admin_site) -> None:
        if not self.fsm_fields:
            raise ImproperlyConfigured(f"{type(self).__name__} declares no fsm_fields.")
        for name in self.fsm_fields:
            if not isinstance(model._meta.get_field(name), FSMFieldMixin):
                raise ImproperlyConfigured(f"{model.__name__}.{name} is not an FSM field.")
        super().__init__(model, admin_site)

    # What the subclasses may override ---------------------------------------------------

    @staticmethod
    def get_fsm_block_label(fsm_field_name: str) -> str:
        return f"Transition ({fsm_field_name})"

    def get_fsm_label(self, transition: "Transition") -> str:
        return transition.custom.get("label") or transition.name

    def get_help_text(self, transition: "Transition") -> str | None:
        return transition.custom.get("help_text")

    def get_fsm_transition_form(self, transition: "Transition") -> type[forms.Form] | None:
        form = self.fsm_forms.get(transition.name, transition.custom.get("form"))
        if isinstance(form, str):
            try:
                form = import_string(form)
            except ImportError as error:
                raise ImproperlyConfigured(f"Cannot import the form {form!r}.") from error
        if isinstance(form, type) and issubclass(form, forms.BaseForm):
            return form
        return None

    def is_fsm_transition_offered(self, transition: "Transition") -> bool:
        """Run from this admin: it has a service and is not kept out of the admin."""
        return transition.name in self.fsm_services and transition.custom.get("admin", True)

    # Finding transitions, through django-fsm-2's public API ------------------------------

    def _field_transitions(self, obj, kind: str, **kwargs) -> Iterable[tuple[str, "Transition"]]:
        for field_name in sorted(self.fsm_fields):
            for transition in getattr(obj, f"get_{kind}_{field_name}_transitions")(**kwargs):
                yield field_name, transition

    def get_transition_blocks(self, request: HttpRequest, obj) -> list[TransitionBlock]:
        """The buttons this user may press on obj now, grouped by FSM field."""
        buttons: dict[str, list[AdminTransition]] = {}
        for field_name, transition in self._field_transitions(
            obj, "available_user", user=request.user
        ):
            if self.is_fsm_transition_offered(transition):
                buttons.setdefault(field_name, []).append(self._describe(transition))
        return [
            TransitionBlock(field_name, self.get_fsm_block_label(field_name), transitions)
            for field_name, transitions in buttons.items()
        ]

    def get_fsm_transition(self, obj, name: str) -> "Transition | None":
        """The offered transition called name: the one from obj's state if there is one."""
        if name not in self.fsm_services:
            return None
        for kind in ("available", "all"):
            for _, transition in self._field_transitions(obj, kind):
                if transition.name == name and self.is_fsm_transition_offered(transition):
                    return transition
        return None

    def check_fsm_transition(self, request: HttpRequest, obj, name: str) -> "Transition":
        """The transition, if this user may take it on obj; PermissionDenied if not."""
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        transition = self.get_fsm_transition(obj, name)
        if transition is None:
            raise PermissionDenied("There is no such action.")
        if not transition.has_perm(obj, request.user):
            raise PermissionDenied("You may not take this action.")
        return transition

    def _describe(self, transition: "Transition") -> AdminTransition:
        return AdminTransition(
            transition.name, self.get_fsm_label(transition), self.get_help_text(transition)
        )

    # Running one ------------------------------------------------------------------------

    def run_fsm_service(
        self, request: HttpRequest, obj, transition: "Transition", form_data=None
    ) -> bool:
        """Run the transition's service and tell the user how it went."""
        label = self.get_fsm_label(transition)
        try:
            self.fsm_services[transition.name](obj, request, **(form_data or {}))
        except (ApplicationError, TransitionNotAllowed) as error:
            message = getattr(error, "message", error)
            self.message_user(request, f"{label}: {message}", messages.ERROR)
            return False
        self.message_user(request, f"{label}: done.", messages.SUCCESS)
        return True

    # Views ------------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/transition/<str:transition_name>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            *super().get_urls(),
        ]

    def get_readonly_fields(self, request, obj=None):
        # The state changes only through the services, never by editing the field.
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + tuple(f for f in self.fsm_fields if f not in fields)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Before Django's change form, so a press needs no change permission and saves nothing.
        if request.method == "POST" and object_id and request.POST.get(self.fsm_post_param):
            return self.transition_button_view(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context["transition_blocks"] = self.get_transition_blocks(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def transition_button_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A button on the change page: run the service, or go on to the transition's form."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        name = request.POST[self.fsm_post_param]
        transition = self.check_fsm_transition(request, obj, name)
        if self.get_fsm_transition_form(transition):
            return HttpResponseRedirect(self._transition_url(obj, name))
        self.run_fsm_service(request, obj, transition)
        preserved = {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts}
        return HttpResponseRedirect(add_preserved_filters(preserved, request.path))

    def transition_view(self, request: HttpRequest, object_id: str, transition_name: str):
        """A transition's own form (a note, a reason); on success, back to the change page."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        transition = self.check_fsm_transition(request, obj, transition_name)
        form_class = self.get_fsm_transition_form(transition)
        if form_class is None:
            return HttpResponseBadRequest(f"No form configuration found for {transition_name}")
        data = request.POST if request.method == "POST" else None
        if issubclass(form_class, forms.BaseModelForm):
            form = form_class(data=data, instance=obj)
        else:
            form = form_class(data=data)
        if (
            request.method == "POST"
            and form.is_valid()
            and self.run_fsm_service(request, obj, transition, form.cleaned_data)
        ):
            return HttpResponseRedirect(self._change_url(obj))
        described = self._describe(transition)
        context = {
            **self.admin_site.each_context(request),
            # The page's name for the browser tab (templates/admin/base_site.html).
            "title": f"{described.label}: {obj}",
            "opts": self.opts,
            "original": obj,
            "transition": described,
            "transition_form": form,
        }
        return TemplateResponse(request, self.transition_form_template, context)

    def _change_url(self, obj) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[quote(obj.pk)],
            current_app=self.admin_site.name,
        )

    def _transition_url(self, obj, name: str) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_transition",
            kwargs={"object_id": quote(obj.pk), "transition_name": name},
            current_app=self.admin_site.name,
        )


class ReadOnlyAdminMixin(ActionSelectionMixin):
    """Records nobody edits in the admin: audit rows, immutable versions, job logs."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
