from django import forms

from reports.choices import ReportReason
from reports.models import DECISION_NOTE_MAX_LENGTH, REPORT_TEXT_MAX_LENGTH


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong?", choices=ReportReason.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="Tell the reviewers more",
        max_length=REPORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            f"What you saw and where, in up to {REPORT_TEXT_MAX_LENGTH} characters. Only "
            "reviewers read it; the developer does not see your name."
        ),
    )


class DismissForm(forms.Form):
    plugin = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    report = forms.TypedMultipleChoiceField(
        label="Reports",
        coerce=int,
        choices=(),
        error_messages={"required": "choose at least one report to dismiss."},
    )
    note = forms.CharField(
        label="Note to the reporters",
        max_length=DECISION_NOTE_MAX_LENGTH,
        error_messages={"required": "give a note; each reporter reads it."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Any id: the service keeps only this plugin's open reports among them.
        ids = self.data.getlist("report") if hasattr(self.data, "getlist") else []
        self.fields["report"].choices = [(i, i) for i in ids if str(i).isdigit()][:1000]
