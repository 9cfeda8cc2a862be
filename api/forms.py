"""The token page's form."""

from django import forms

from api.models import TokenScope
from api.tokens import EXPIRY_DAYS, NAME_MAX_LENGTH


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        help_text="What uses it, such as “GitHub Actions: book-finder”.",
    )
    scope = forms.ChoiceField(
        label="Scope",
        choices=TokenScope.choices,
        # No scope chosen for the developer: what a token may do is their decision.
        widget=forms.RadioSelect,
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires in",
        choices=[(days, f"{days} days") for days in EXPIRY_DAYS],
        coerce=int,
        initial=90,
    )
