"""The submission page, the reviewer's workbench: everything needed to decide (findings by
criterion, the diff from the approved version, the spec's operations, both documents, what the
developer said, the plugin's history) and the decision itself, plus the reply to the developer.

The decision form posts to the change page with `_decision` (the button pressed) and comes
back with the marked fields or a confirmation step; the confirmation posts `_confirm` and runs
the transition's service. static/js/workbench.js shows the same confirmation as a <dialog>.
"""

import copy

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django_fsm import TransitionNotAllowed

from core.admin import TransitionBlock
from core.exceptions import ApplicationError
from reviews import permissions, services, workbench_selectors
from reviews.forms import (
    APPROVE,
    DECISIONS,
    REJECT,
    REQUEST_CHANGES,
    ApproveDecisionForm,
    RejectDecisionForm,
    RequestChangesForm,
    ReviewDecisionForm,
    SubmissionReplyForm,
)

DECISION_PARAM = "_decision"
CONFIRM_PARAM = "_confirm"

# The decision buttons, in the order shown, with what their confirmation says.
DECISION_LABELS = {
    APPROVE: ("Approve", "The plugin is approved and this version goes live in the store."),
    REJECT: ("Reject", "The developer reads the failed criteria and your note."),
    REQUEST_CHANGES: (
        "Request changes",
        "The developer is asked to change or answer; the submission waits for them.",
    ),
}


def _reviewer(obj, request):
    return {"submission_id": obj.pk, "reviewer": request.user}


class WorkbenchAdminMixin:
    """The submission change page, its decision form and its actions."""

    # The old transition pages (admin/.../transition/<name>/) stay reachable for hand-made
    # URLs; the submission page never sends reviewers there.
    fsm_forms = {
        APPROVE: ApproveDecisionForm,
        REJECT: RejectDecisionForm,
        REQUEST_CHANGES: RequestChangesForm,
    }
    fsm_services = {
        "claim": lambda obj, request, **kw: services.submission_claim(**_reviewer(obj, request)),
        "release": lambda obj, request, **kw: services.submission_release(
            **_reviewer(obj, request)
        ),
        APPROVE: lambda obj, request, **kw: services.submission_approve(
            **_reviewer(obj, request),
            results=kw["results"],
            developer_note=kw["developer_note"],
            private_note=kw["private_note"],
        ),
        REJECT: lambda obj, request, **kw: services.submission_reject(
            **_reviewer(obj, request),
            results=kw["results"],
            developer_note=kw["developer_note"],
            private_note=kw["private_note"],
        ),
        # reviews.services.submission_request_changes comes with the changes_requested state;
        # the button shows only once the model has the transition.
        REQUEST_CHANGES: lambda obj, request, **kw: services.submission_request_changes(
            **_reviewer(obj, request), note=kw["developer_note"]
        ),
    }

    change_form_template = "admin/reviews/submission/change_form.html"

    @staticmethod
    def get_fsm_block_label(fsm_field_name: str) -> str:
        return "Review"

    def get_fieldsets(self, request, obj=None):
        # The page draws its own summary (templates/admin/reviews/submission/_wb_header.html).
        return []

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="{}_{}_reply".format(*info),
            ),
            *super().get_urls(),
        ]

    def _may_reply(self, request, obj) -> bool:
        return self.has_view_permission(request, obj) and permissions.can_review(request.user, obj)

    # The page ----------------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None:
            context["title"] = f"Review: {obj.plugin.display_name} v{obj.version.number}"
            context["subtitle"] = None
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if change and obj is not None:
            response.context_data.update(self._workbench_context(request, obj, context))
        return response

    def _workbench_context(self, request, obj, context) -> dict:
        blocks = context.get("transition_blocks") or []
        decisions = [
            t.name for block in blocks for t in block.transitions if t.name in DECISION_LABELS
        ]
        buttons = [
            TransitionBlock(block.field, block.label, transitions)
            for block in blocks
            if (transitions := [t for t in block.transitions if t.name not in DECISION_LABELS])
        ]
        bench = workbench_selectors.workbench(obj)
        pending = context.get("pending_decision")
        form = context.get("decision_form")
        if form is None and decisions:
            form = ReviewDecisionForm(presets=bench.presets)
        extra = {
            "transition_blocks": buttons,
            "bench": bench,
            "decision_form": form,
            "decisions": [
                (name, *DECISION_LABELS[name]) for name in DECISION_LABELS if name in decisions
            ],
            "pending_decision": pending and (pending, *DECISION_LABELS[pending]),
            "confirmed_criteria": {c.criterion for c in bench.confirmations or () if c.confirmed},
            "decision_param": DECISION_PARAM,
            "confirm_param": CONFIRM_PARAM,
        }
        if self._may_reply(request, obj):
            extra["reply_form"] = SubmissionReplyForm()
            extra["reply_url"] = reverse(
                "admin:reviews_submission_reply", args=[obj.pk], current_app=self.admin_site.name
            )
        return extra

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if (
            request.method == "POST"
            and object_id
            and (DECISION_PARAM in request.POST or CONFIRM_PARAM in request.POST)
        ):
            return self.decision_view(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def decision_view(self, request, object_id):
        """The decision form: marked fields, then a confirmation, then the service."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        name = request.POST.get(CONFIRM_PARAM) or request.POST.get(DECISION_PARAM)
        if name not in DECISIONS:
            raise PermissionDenied("There is no such decision.")
        transition = self.check_fsm_transition(request, obj, name)
        form = ReviewDecisionForm(
            request.POST,
            presets=workbench_selectors.criterion_presets(obj.version.findings),
            decision=name,
        )
        pending = None
        if form.is_valid():
            if request.POST.get(CONFIRM_PARAM) != name:
                pending = name  # valid: ask for the confirmation
            else:
                try:
                    self.fsm_services[transition.name](obj, request, **form.cleaned_data)
                except (ApplicationError, TransitionNotAllowed) as error:
                    form.add_error(None, getattr(error, "message", str(error)))
                else:
                    label = DECISION_LABELS[name][0]
                    self.message_user(request, f"{label}: done.", messages.SUCCESS)
                    return HttpResponseRedirect(self._change_url(obj))
        # The page again, exactly as a GET draws it (Django's change view would treat a POST
        # as an edit of the row), with the form as posted.
        page_request = copy.copy(request)
        page_request.method = "GET"
        return super().changeform_view(
            page_request,
            object_id,
            extra_context={"decision_form": form, "pending_decision": pending},
        )

    def reply_view(self, request, object_id):
        """POST only: run submission_reply and go back to the submission page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self._may_reply(request, obj):
            raise PermissionDenied("You may not review this submission.")
        form = SubmissionReplyForm(request.POST)
        if not form.is_valid():
            errors = "; ".join(e for errs in form.errors.values() for e in errs)
            self.message_user(request, f"Reply not sent: {errors}", messages.ERROR)
        else:
            try:
                services.submission_reply(
                    submission_id=obj.pk, reviewer=request.user, body=form.cleaned_data["body"]
                )
            except ApplicationError as error:
                self.message_user(request, f"Reply not sent: {error.message}", messages.ERROR)
            else:
                self.message_user(request, "Reply sent to the developer.", messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(obj))
