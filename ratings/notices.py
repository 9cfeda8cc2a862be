"""The notification kinds of ratings (autodiscovered by InboxConfig.ready): the review's author
is told once of the developer's answer and once of each hide. The author does not own the
plugin, so both go to their Account notices."""

from inbox.notices import Notice, ThreadKind, typed


@typed
class ReviewAnswered(Notice):
    kind = "review_answered"
    label = "The developer answered your review"
    thread = ThreadKind.ACCOUNT
    key = "rating:{rating_id}:answered"
    template = "inbox/messages/review_answered.txt"

    rating_id: int
    plugin_id: int
    plugin_name: str
    plugin_slug: str
    developer: str
    answer: str


@typed
class ReviewHidden(Notice):
    kind = "review_hidden"
    label = "Your review was hidden"
    thread = ThreadKind.ACCOUNT
    # One per hide: a review shown again and hidden again is a second event.
    key = "rating:{rating_id}:hidden:{hidden_at}"
    template = "inbox/messages/review_hidden.txt"

    rating_id: int
    plugin_id: int
    plugin_name: str
    plugin_slug: str
    reason: str
    hidden_at: str
