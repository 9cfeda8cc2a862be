from django import forms

from ratings.models import (
    ANSWER_MAX_LENGTH,
    HIDE_REASON_MAX_LENGTH,
    REPORT_REASON_MAX_LENGTH,
    REVIEW_MAX_LENGTH,
    STARS,
)

STAR_LABELS = {
    5: "5 stars: excellent",
    4: "4 stars: good",
    3: "3 stars: fine",
    2: "2 stars: poor",
    1: "1 star: bad",
}


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label="Your rating",
        coerce=int,
        choices=[(n, STAR_LABELS[n]) for n in reversed(STARS)],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose from 1 to 5 stars."},
    )
    review = forms.CharField(
        label="Your review",
        required=False,
        max_length=REVIEW_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"What worked, what didn't. Public, with your display name; at most "
        f"{REVIEW_MAX_LENGTH} characters.",
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer",
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Public, under the review; you can answer each review once.",
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong with this review?",
        max_length=REPORT_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only reviewers read this.",
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=HIDE_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The review's author reads this reason in their messages.",
    )
