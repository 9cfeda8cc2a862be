from django import forms

from core.exceptions import ApplicationError
from core.hosts import WELL_KNOWN_PATH, PluginTarget, parse_target
from pluginstore.models import Category


class RegisterPluginForm(forms.Form):
    target = forms.CharField(
        label="Plugin domain",
        max_length=300,
        widget=forms.TextInput(
            attrs={"placeholder": "todo.example.com", "autocomplete": "off", "spellcheck": "false"}
        ),
        help_text=f"We fetch https://<domain>{WELL_KNOWN_PATH} and the OpenAPI spec it points to.",
    )
    category = forms.ChoiceField(label="Store category", choices=Category.choices)

    def clean_target(self) -> PluginTarget:
        """The typed domain or URL, parsed once here; the service receives the parsed target."""
        try:
            return parse_target(self.cleaned_data["target"])
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None


class CategoryForm(forms.Form):
    category = forms.ChoiceField(label="Store category", choices=Category.choices)


class InviteTesterForm(forms.Form):
    email = forms.EmailField(
        label="Developer's email",
        help_text="They need a developer account. They can then install this plugin while it is "
        "unverified.",
    )


class StatusReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="The developer sees this reason in their messages.",
    )


# Teams and a plugin's life (PRODUCT.md section 13) ---------------------------------------


class TeamEmailForm(forms.Form):
    """The email of the developer to invite as co-developer, or to offer the plugin to."""

    email = forms.EmailField(label="Developer's email", max_length=254)

    def __init__(self, *args, prefix_id: str = "", help_text: str = "", **kwargs) -> None:
        super().__init__(*args, auto_id=f"id_{prefix_id}_%s" if prefix_id else "id_%s", **kwargs)
        self.fields["email"].help_text = help_text


class DeletePluginForm(forms.Form):
    confirmation = forms.CharField(
        label="Type the plugin's domain to confirm",
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
