"""The submission page: everything a reviewer reads to decide, the decision buttons and forms,
and the reply to the developer."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from core.exceptions import ApplicationError
from reviews import moderation, permissions, selectors, services
from reviews.forms import ReviewDecisionForm, SubmissionReplyForm
from reviews.models import CriterionOutcome, CriterionResult


class CriterionResultInline(admin.TabularInline):
    model = CriterionResult
    fields = ("criterion", "result", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "Criteria (this decision)"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _reviewer(obj, request):
    return {"submission_id": obj.pk, "reviewer": request.user}


class WorkbenchAdminMixin:
    """The submission change page and its actions."""

    fsm_forms = {"approve": ReviewDecisionForm, "reject": ReviewDecisionForm}
    fsm_services = {
        "claim": lambda obj, request, **kw: services.submission_claim(**_reviewer(obj, request)),
        "release": lambda obj, request, **kw: services.submission_release(
            **_reviewer(obj, request)
        ),
        "approve": lambda obj, request, **kw: services.submission_approve(
            **_reviewer(obj, request),
            results=kw["results"],
            developer_note=kw["developer_note"],
            private_note=kw["private_note"],
        ),
        "reject": lambda obj, request, **kw: services.submission_reject(
            **_reviewer(obj, request),
            results=kw["results"],
            developer_note=kw["developer_note"],
            private_note=kw["private_note"],
        ),
    }

    readonly_fields = (
        "plugin_link",
        "version_number",
        "state",
        "submitted_by",
        "submitted_at",
        "due_at",
        "overdue",
        "claimed_by",
        "decided_by",
        "decided_at",
        "note_to_reviewer",
        "developer_note",
        "reviewer_private_note",
        "findings",
        "changes_since_approved",
        "manifest",
        "spec",
        "history",
        "status_history",
        "replies",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "plugin_link",
                    "version_number",
                    "state",
                    ("submitted_by", "submitted_at"),
                    ("due_at", "overdue"),
                    "claimed_by",
                    ("decided_by", "decided_at"),
                    "note_to_reviewer",
                )
            },
        ),
        ("Decision", {"fields": ("developer_note", "reviewer_private_note")}),
        ("Checks", {"fields": ("findings", "changes_since_approved")}),
        ("Documents", {"classes": ("collapse",), "fields": ("manifest", "spec")}),
        ("Plugin history", {"fields": ("history", "status_history", "replies")}),
    )
    inlines = [CriterionResultInline]

    change_form_template = "admin/reviews/submission/change_form.html"

    @staticmethod
    def get_fsm_block_label(fsm_field_name: str) -> str:
        return "Review"

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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self._may_reply(request, obj):
            extra_context["reply_form"] = SubmissionReplyForm()
            extra_context["reply_url"] = reverse(
                "admin:reviews_submission_reply", args=[obj.pk], current_app=self.admin_site.name
            )
        return super().change_view(request, object_id, form_url, extra_context)

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
        return HttpResponseRedirect(
            reverse(
                "admin:reviews_submission_change",
                args=[obj.pk],
                current_app=self.admin_site.name,
            )
        )

    @admin.display(description="check findings")
    def findings(self, obj):
        findings = obj.version.findings or []
        if not findings:
            return "No findings."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><strong>{} {}</strong> {}: {}</li>",
                (
                    (
                        f.get("criterion", ""),
                        f.get("severity", ""),
                        f.get("code", ""),
                        f.get("message", ""),
                    )
                    for f in findings
                ),
            ),
        )

    @admin.display(description="changes since the last approved version")
    def changes_since_approved(self, obj):
        diff = selectors.version_diff(obj)
        if diff is None:
            return "No version of this plugin was approved before."
        return format_html("<pre>{}</pre>", diff or "No changes.")

    @admin.display(description="manifest")
    def manifest(self, obj):
        return format_html("<pre>{}</pre>", obj.version.manifest_text)

    @admin.display(description="OpenAPI spec")
    def spec(self, obj):
        return format_html("<pre>{}</pre>", obj.version.spec_text)

    @admin.display(description="submissions of this plugin")
    def history(self, obj):
        rows = []
        for submission in selectors.plugin_submissions(obj.plugin_id):
            failed = ", ".join(
                r.criterion
                for r in submission.criterion_results.all()
                if r.result == CriterionOutcome.FAIL
            )
            events = format_html_join(
                "",
                "<li>{} {} → {} by {}{}</li>",
                (
                    (
                        f"{e.created_at:%Y-%m-%d %H:%M}",
                        e.from_state or "—",
                        e.to_state,
                        e.actor or "—",
                        f": {e.reason}" if e.reason else "",
                    )
                    for e in submission.events.all()
                ),
            )
            rows.append(
                format_html(
                    "<li><strong>#{} v{}</strong> {}{}{}<ul>{}</ul></li>",
                    submission.pk,
                    submission.version.number,
                    submission.get_state_display(),
                    " (this one)" if submission.pk == obj.pk else "",
                    f" — failed {failed}" if failed else "",
                    events,
                )
            )
        return format_html("<ol>{}</ol>", format_html_join("", "{}", ((r,) for r in rows)))

    @admin.display(description="the developer's replies")
    def replies(self, obj):
        messages = selectors.developer_replies(obj.plugin_id)
        if not messages:
            return "No replies in the plugin's message thread."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} {}: <strong>{}</strong><br>{}</li>",
                ((f"{m.created_at:%Y-%m-%d %H:%M}", m.author, m.subject, m.body) for m in messages),
            ),
        )

    @admin.display(description="plugin status changes")
    def status_history(self, obj):
        changes = moderation.plugin_status_history(obj.plugin_id)
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} {} → {} by {}{}</li>",
                (
                    (
                        f"{c.created_at:%Y-%m-%d %H:%M}",
                        c.from_status or "—",
                        c.to_status,
                        c.changed_by or "—",
                        f": {c.reason}" if c.reason else "",
                    )
                    for c in changes
                ),
            ),
        )
