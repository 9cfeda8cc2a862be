"""Admin plumbing shared by the apps: FSM buttons that run our services, never raw transitions."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django_fsm import TransitionNotAllowed
from django_fsm.admin import FSMAdminMixin

from core.exceptions import ApplicationError


class ServiceFSMAdminMixin(FSMAdminMixin):
    """FSMAdminMixin whose buttons and transition forms call a service per transition.

    django-fsm-2 4.2.4 calls the model's transition method straight from the change-form
    button without re-checking the transition's ``permission``. Here every POST re-checks it
    (403 and no change when refused) and then hands over to the service, which locks the row,
    checks again and writes the audit trail.

    A button press is a decision, not an edit of the row: it is handled before Django's
    change form, so it needs the transition's named permission (plus view access to the
    object), not the model's change permission. Reviewers may decide without being able to
    edit the fields.
    """

    # transition name -> callable(obj, request, **form_data) that runs the service
    fsm_services: dict[str, Callable[..., Any]] = {}

    def _check_fsm_transition(self, *, obj, transition_name, request):
        """The transition, if this user may take it on this object; PermissionDenied if not."""
        try:
            transition = self._get_fsm_transition_by_name(obj=obj, transition_name=transition_name)
        except (AttributeError, TypeError, ValueError):
            raise PermissionDenied("There is no such action.") from None
        if (
            not self.is_fsm_transition_visible(transition)
            or transition_name not in self.fsm_services
            or not transition.has_perm(obj, user=request.user)
        ):
            raise PermissionDenied("You may not take this action.")
        return transition

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id and request.POST.get(self.fsm_post_param):
            return self._fsm_button_view(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _fsm_button_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        transition_name = request.POST[self.fsm_post_param]
        transition = self._check_fsm_transition(
            obj=obj, transition_name=transition_name, request=request
        )
        if self.get_fsm_transition_form(transition):
            # Transitions that need input (a note, a reason) continue on their own form.
            return super().response_change(request, obj)
        self._apply_fsm_transition(obj=obj, transition_name=transition_name, request=request)
        return HttpResponseRedirect(
            add_preserved_filters(
                {"preserved_filters": self.get_preserved_filters(request), "opts": self.opts},
                request.path,
            )
        )

    def fsm_transition_view(self, request, object_id, transition_name, **kwargs):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            if not self.has_view_or_change_permission(request, obj):
                raise PermissionDenied
            self._check_fsm_transition(obj=obj, transition_name=transition_name, request=request)
        return super().fsm_transition_view(request, object_id, transition_name, **kwargs)

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None) -> bool:
        self._check_fsm_transition(obj=obj, transition_name=transition_name, request=request)
        service = self.fsm_services[transition_name]
        label = self.get_fsm_label(
            self._get_fsm_transition_by_name(obj=obj, transition_name=transition_name)
        )
        try:
            service(obj, request, **(kwargs or {}))
        except (ApplicationError, TransitionNotAllowed) as error:
            self.message_user(
                request, f"{label}: {getattr(error, 'message', error)}", messages.ERROR
            )
            return False
        self.message_user(request, f"{label}: done.", messages.SUCCESS)
        return True

    def save_model(self, request, obj, form, change) -> None:
        # A transition button posts the change form too; the service does all the writing.
        if change and request.POST.get(self.fsm_post_param):
            return
        super().save_model(request, obj, form, change)


class ReadOnlyAdminMixin:
    """Records nobody edits in the admin: audit rows, immutable versions, job logs."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
