from collections.abc import Mapping

from django import forms
from django.forms import BoundField

from core.forms import DescribedBoundField
from inbox.services import REPLY_MAX_LENGTH
from reviews.models import NOTE_MAX_LENGTH, CannedReason, Criterion, CriterionOutcome
from reviews.workbench_selectors import CRITERION_NOTE_MAX_LENGTH, CriterionPreset

# The decisions taken with the decision form (their transitions' names).
APPROVE, REJECT, REQUEST_CHANGES = "approve", "reject", "request_changes"
DECISIONS = (APPROVE, REJECT, REQUEST_CHANGES)
# The decisions that record a result per criterion.
JUDGED = (APPROVE, REJECT)

UNSET = "Choose pass, fail or not applicable: nobody has judged this criterion yet."
OVERRIDE = "You changed the checker's result: say why in this criterion's note."
FAILED_BUT_APPROVED = "A failed criterion means rejecting: press Reject, or change this result."
NOTHING_FAILED = "A rejection needs at least one failed criterion: mark the ones that fail."
NOTE_FOR_REJECTION = "Tell the developer what to fix."
NOTE_FOR_CHANGES = "Tell the developer what to change or answer."
PRIVATE_NOTE_NOT_KEPT = (
    "A request for changes keeps no private note: clear it, or keep it for the decision."
)


class CannedReasonWidget(forms.CheckboxSelectMultiple):
    """Each box carries its reason's text, so static/js/workbench.js can put it in the note as
    it is ticked; without JavaScript the form adds it when the decision is sent."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-canned-text"] = instance.text
        return option


class ReviewDecisionForm(forms.Form):
    """The decision on the submission page: a result and a note per criterion C1-C11, the
    note for the developer, a private note and canned reasons.

    `presets` (reviews.workbench_selectors.criterion_presets) say where each result starts:
    machine-checked criteria from the checker's findings, human ones unset; without presets
    every criterion starts unset. `decision` is the button pressed (APPROVE, REJECT or
    REQUEST_CHANGES): approving and rejecting need every criterion chosen, a rejection a failed
    criterion and a note, a request for changes a note. Errors are put on their fields. The
    service checks again; this form only keeps the reviewer from sending what it would refuse.
    Chosen canned reasons are added to the note unless their text is already in it.
    """

    # Each criterion's radios point at the criterion's error (aria-describedby).
    bound_field_class = DescribedBoundField

    canned_reasons = forms.ModelMultipleChoiceField(
        queryset=CannedReason.objects.all(),
        required=False,
        widget=CannedReasonWidget,
        help_text="Each one ticked adds its text to the note for the developer.",
    )
    developer_note = forms.CharField(
        label="Note for the developer",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Sent with the decision; the developer reads it in Help > Messages.",
    )
    private_note = forms.CharField(
        label="Private note (reviewers only)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the decision; never shown to the developer.",
    )

    def __init__(
        self,
        *args,
        presets: Mapping[str, CriterionPreset] | None = None,
        decision: str | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.presets = dict(presets or {})
        self.decision = decision
        for criterion in Criterion:
            preset = self.presets.get(criterion.value)
            self.fields[self.result_field(criterion.value)] = forms.ChoiceField(
                label=f"{criterion.value}: {criterion.label}",
                choices=CriterionOutcome.choices,
                required=False,  # required by clean() for approving and rejecting only
                initial=preset.result if preset else None,
                widget=forms.RadioSelect,
            )
            self.fields[self.note_field(criterion.value)] = forms.CharField(
                label=f"{criterion.value} note",
                required=False,
                max_length=CRITERION_NOTE_MAX_LENGTH,
                initial=preset.note if preset else "",
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    @staticmethod
    def result_field(criterion: str) -> str:
        return f"result_{criterion}"

    @staticmethod
    def note_field(criterion: str) -> str:
        return f"note_{criterion}"

    def criterion_rows(self) -> list[tuple[CriterionPreset | None, BoundField, BoundField]]:
        """(preset, result field, note field) per criterion, C1 first, for the template."""
        return [
            (self.presets.get(c), self[self.result_field(c)], self[self.note_field(c)])
            for c in Criterion.values
        ]

    def marked(self) -> list[tuple[str, str]]:
        """(element id, name) of each field with an error, in the page's order: the error
        summary links to them."""
        marked = [
            (f"criterion-{c}", c)
            for c in Criterion.values
            if self.result_field(c) in self.errors or self.note_field(c) in self.errors
        ]
        for name in ("developer_note", "private_note"):
            if name in self.errors:
                marked.append((f"wb-field-{name}", self.fields[name].label))
        return marked

    def clean(self):
        data = super().clean()
        if self.decision in JUDGED:
            self._clean_results(data)
        note = self._note_with_canned_reasons(data)
        if self.decision == REJECT and not note:
            self.add_error("developer_note", NOTE_FOR_REJECTION)
        if self.decision == REQUEST_CHANGES:
            if not note:
                self.add_error("developer_note", NOTE_FOR_CHANGES)
            if (data.get("private_note") or "").strip():
                self.add_error("private_note", PRIVATE_NOTE_NOT_KEPT)
        data["developer_note"] = note
        return data

    def _clean_results(self, data: dict) -> None:
        results, failed = {}, []
        for criterion in Criterion.values:
            result_field, note_field = self.result_field(criterion), self.note_field(criterion)
            if result_field in self.errors:
                continue
            result, note = data.get(result_field), (data.get(note_field) or "").strip()
            preset = self.presets.get(criterion)
            if not result:
                self.add_error(result_field, UNSET)
                continue
            if preset and preset.auto and result != preset.result and note in ("", preset.note):
                self.add_error(note_field, OVERRIDE)
            if result == CriterionOutcome.FAIL:
                failed.append(criterion)
                if self.decision == APPROVE:
                    self.add_error(result_field, FAILED_BUT_APPROVED)
            results[criterion] = (result, note)
        if self.decision == REJECT and not failed and len(results) == len(Criterion.values):
            self.add_error(None, NOTHING_FAILED)
        data["results"] = results
        data["failed"] = failed

    def _note_with_canned_reasons(self, data: dict) -> str:
        note = (data.get("developer_note") or "").strip()
        canned = [
            reason.text.strip()
            for reason in data.get("canned_reasons") or []
            if reason.text.strip() not in note
        ]
        return "\n\n".join(part for part in [note, *canned] if part)


class ApproveDecisionForm(ReviewDecisionForm):
    """The old approve page (admin/.../transition/approve/): every criterion starts unset."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, decision=APPROVE, **kwargs)


class RejectDecisionForm(ReviewDecisionForm):
    """The old reject page (admin/.../transition/reject/): every criterion starts unset."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, decision=REJECT, **kwargs)


class RequestChangesForm(ReviewDecisionForm):
    """The request-changes transition page, for hand-made URLs: a note for the developer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, decision=REQUEST_CHANGES, **kwargs)


class SubmissionReplyForm(forms.Form):
    """The submission page's "Reply to the developer" box; the service checks the rest."""

    body = forms.CharField(
        label="Reply to the developer",
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text="Sent to the plugin's Help > Messages thread and by email.",
    )
