from django import forms

from pluginstore.models import Category


class RegisterPluginForm(forms.Form):
    target = forms.CharField(
        label="Plugin domain",
        max_length=300,
        widget=forms.TextInput(
            attrs={"placeholder": "todo.example.com", "autocomplete": "off", "spellcheck": "false"}
        ),
        help_text="We fetch https://<domain>/.well-known/ai-plugin.json and the OpenAPI spec it "
        "points to.",
    )
    category = forms.ChoiceField(label="Store category", choices=Category.choices)


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
