from django import forms

from accounts.models import AccountType


class AccessDecisionForm(forms.Form):
    decision_note = forms.CharField(
        label="Note to the applicant",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=True,
        help_text="Say why, and what would change the decision.",
    )


class DeveloperAccessRequestForm(forms.Form):
    reason = forms.CharField(
        label="What do you plan to build?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text="A few sentences are enough: the plugin's purpose and who it is for.",
        error_messages={
            "required": "Tell the reviewers briefly what you plan to build.",
            "max_length": "Keep it to at most 2,000 characters (yours has %(show_value)d).",
        },
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label="Display name",
        max_length=80,
        required=False,
        help_text="Shown as the developer name on your plugins in the store.",
    )


class AccountTypeChangeForm(forms.Form):
    account_type = forms.ChoiceField(choices=AccountType.choices)
    reason = forms.CharField(max_length=255, required=False)
