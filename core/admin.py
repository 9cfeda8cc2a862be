"""Admin plumbing shared by the apps: FSM buttons that run our services, never raw transitions."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django_fsm import TransitionNotAllowed
from django_fsm.admin import FSMAdminMixin

from core.exceptions import ApplicationError


class ServiceFSMAdminMixin(FSMAdminMixin):
    """FSMAdminMixin whose buttons and transition forms call a service per transition.

    django-fsm-2 4.2.4 calls the model's transition method straight from the change-form
    button without re-checking the transition's ``permission``. Here every POST re-checks it
    (403 and no change when refused) and then hands over to the service, which locks the row,
    checks again and writes the audit trail.
    """

    # transition name -> callable(obj, request, **form_data) that runs the service
    fsm_services: dict[str, Callable[..., Any]] = {}

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None) -> bool:
        transition = self._get_fsm_transition_by_name(obj=obj, transition_name=transition_name)
        if not transition.has_perm(obj, user=request.user):
            raise PermissionDenied("You may not take this action.")
        service = self.fsm_services.get(transition_name)
        if service is None:
            raise PermissionDenied("This action has no service behind it.")
        label = self.get_fsm_label(transition)
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
