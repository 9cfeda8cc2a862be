"""The names of submission states, review criteria and bot steps; models and permission rules
both use them."""

from django.db import models


class SubmissionState(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Open: not decided yet, so the plugin can't be submitted again (one open submission per plugin).
OPEN_STATES = (
    SubmissionState.SUBMITTED,
    SubmissionState.IN_REVIEW,
    SubmissionState.CHANGES_REQUESTED,
)
# With the reviewers: waiting in the queue or being reviewed. A submission with changes
# requested is open but waits for its developer, so it has no queue position and is not due.
QUEUE_STATES = (SubmissionState.SUBMITTED, SubmissionState.IN_REVIEW)


class Criterion(models.TextChoices):
    """The review criteria of PRODUCT.md section 4."""

    C1 = "C1", "Follows the content policy"
    C2 = "C2", "Follows the brand guidelines"
    C3 = (
        "C3",
        (
            "Works as the submission describes it (the manifest and spec can be fetched and "
            "installed as given)"
        ),
    )
    C4 = "C4", "Returns informative error messages"
    C5 = "C5", "Operation names (operationIds) are descriptive"
    C6 = "C6", "The manifest is simple and concise"
    C7 = "C7", "Correct grammar, and the plugin description ends with punctuation"
    C8 = "C8", "States geographical or functional limits in the description"
    C9 = "C9", 'No "plugin", "ChatGPT", "OpenAI" or "GPT" in the plugin name or description'
    C10 = "C10", "Asks the user to confirm before it takes an action"
    C11 = "C11", "Uses OAuth if it takes actions in the world"

    @property
    def auto(self) -> bool:
        """Machine checks (PRODUCT.md section 5) partly cover this criterion."""
        return self.value in AUTO_CRITERIA


AUTO_CRITERIA = frozenset({"C3", "C5", "C6", "C7", "C9", "C11"})


class CriterionOutcome(models.TextChoices):
    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"
    NOT_APPLICABLE = "na", "Not applicable"


class BotStep(models.TextChoices):
    """Where a submission-bot conversation stands (reviews.bot moves it along)."""

    PICK = "pick", "Pick a plugin"
    CHECK = "check", "Check the plugin"
    CRITERIA = "criteria", "Confirm the criteria"
    NOTE = "note", "Note to the reviewer"
    SUMMARY = "summary", "Summary"
    DONE = "done", "Filed"
