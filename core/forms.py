"""Form pieces every app may use."""

from django.forms import BoundField


class DescribedBoundField(BoundField):
    """A bound field whose grouped inputs (radios, checkbox lists: widgets drawn in a fieldset)
    point at their help text and error too.

    Django gives aria-describedby ("<id>_helptext <id>_error") to single inputs only; a radio
    group in a fieldset got none, so a screen reader on a radio never heard why the group was
    refused. Use it with `bound_field_class = DescribedBoundField` on a form (Django 5.2).
    """

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.use_fieldset and not attrs.get("aria-describedby"):
            described_by = self.aria_describedby
            if described_by:
                attrs["aria-describedby"] = described_by
        return attrs
