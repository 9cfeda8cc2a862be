from django import forms

from inbox.services import REPLY_MAX_LENGTH
from reviews.models import NOTE_MAX_LENGTH, CannedReason, Criterion, CriterionOutcome


class ReviewDecisionForm(forms.Form):
    """The admin's approve/reject form: a result per criterion, notes and canned reasons.

    The service decides what each transition needs (a rejection: a failed criterion and a
    note); this form only collects. Chosen canned reasons are appended to the developer note.
    """

    canned_reasons = forms.ModelMultipleChoiceField(
        queryset=CannedReason.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Their text is added to the note for the developer.",
    )
    developer_note = forms.CharField(
        label="Note for the developer",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    private_note = forms.CharField(
        label="Private note (reviewers only)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in Criterion:
            auto = " (machine-checked in part)" if criterion.auto else ""
            self.fields[f"result_{criterion.value}"] = forms.ChoiceField(
                label=f"{criterion.value}: {criterion.label}{auto}",
                choices=CriterionOutcome.choices,
                initial=CriterionOutcome.PASS,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{criterion.value}"] = forms.CharField(
                label=f"{criterion.value} note", required=False, max_length=2000
            )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["results"] = {
            c: (data[f"result_{c}"], data.get(f"note_{c}", "")) for c in Criterion.values
        }
        canned = [reason.text for reason in data.get("canned_reasons") or []]
        data["developer_note"] = "\n\n".join(
            part for part in [data.get("developer_note", "").strip(), *canned] if part
        )
        return data


class SubmissionReplyForm(forms.Form):
    """The submission page's "Reply to the developer" box; the service checks the rest."""

    body = forms.CharField(
        label="Reply to the developer",
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text="Sent to the plugin's Help > Messages thread and by email.",
    )
