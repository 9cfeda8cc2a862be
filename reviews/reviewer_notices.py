"""What reviewers hear of a developer's work, in their own Help > Messages (PRODUCT.md section 7):
a reply or a new version on a submission they claimed, decided or asked changes on, and a new
ban appeal or user report (to every reviewer).

These notices go to each reviewer's Account notices thread, not to a thread per plugin. A
plugin thread is its owner's conversation with the reviewers: a reply there answers a request
for changes or appeals a ban, and the inbox offers a reply box in every plugin thread, so a
reviewer's own copy would invite replies the owner never reads (and that would read as the
owner's). Each notice links to the admin page where the reviewer acts, and answering the
developer stays there (reviews.services.submission_reply).

They are ordinary inbox messages, so the unread count in the site's header and the admin's
(inbox.context_processors.unread_messages) includes them. A reviewer never hears of their own
action: the person who acted is left out of every list of recipients. Called inside the
transaction of the change, like every notification intent.
"""

from django.urls import reverse

from accounts.models import User
from accounts.permissions import is_reviewer
from inbox import kinds
from inbox.models import Message
from inbox.services import notification_intent_create
from pluginstore.choices import PluginStatus
from pluginstore.models import Plugin, PluginStatusChange, PluginVersion
from reports.models import Report
from reports.notices import ReportFiled
from reviews import permissions
from reviews.models import Submission

# Who fetched a version no person asked for (a periodic check).
SYSTEM_FETCH = "An automatic check"


def _submission_path(submission: Submission) -> str:
    return reverse("admin:reviews_submission_change", args=[submission.pk])


def reviewers_of(submission: Submission, *, besides: User | None) -> list[User]:
    """Who claimed, decided or asked changes on the submission and may still review it,
    except `besides` (the person whose action this is)."""
    ids = {
        submission.claimed_by_id,
        submission.decided_by_id,
        submission.changes_requested_by_id,
    } - {None, besides.pk if besides is not None else None}
    if not ids:
        return []
    return [
        user
        for user in User.objects.filter(pk__in=ids).order_by("pk")
        if permissions.can_review(user, submission)
    ]


def tell_of_reply(submission: Submission, message: Message, *, author: User, answered: bool) -> int:
    """The owner wrote in the plugin's thread: tell the submission's reviewers; how many."""
    recipients = reviewers_of(submission, besides=author)
    for reviewer in recipients:
        notification_intent_create(
            recipient=reviewer,
            notice=kinds.DeveloperReplied(
                plugin_id=submission.plugin_id,
                plugin_name=submission.plugin.display_name,
                developer_name=author.public_name,
                message_id=message.pk,
                reply=message.body,
                submission_id=submission.pk,
                version_number=submission.version.number,
                answered=answered,
                review_path=_submission_path(submission),
            ),
            thread_plugin_id=None,
        )
    return len(recipients)


def tell_of_version(
    submission: Submission, version: PluginVersion, *, by: User | None, answered: bool
) -> int:
    """A new version of the plugin was stored: tell the submission's reviewers; how many."""
    recipients = reviewers_of(submission, besides=by)
    for reviewer in recipients:
        notification_intent_create(
            recipient=reviewer,
            notice=kinds.DeveloperNewVersion(
                plugin_id=submission.plugin_id,
                plugin_name=submission.plugin.display_name,
                developer_name=by.public_name if by is not None else SYSTEM_FETCH,
                version_id=version.pk,
                version_number=version.number,
                error_count=version.error_count,
                submission_id=submission.pk,
                answered=answered,
                review_path=_submission_path(submission),
            ),
            thread_plugin_id=None,
        )
    return len(recipients)


def all_reviewers() -> list[User]:
    """Every account accounts.permissions.is_reviewer and reviews.permissions.can_see_appeals
    accept: active staff holding both review permissions (by group, directly, or superuser)."""
    candidates = (
        User.objects.with_perm(
            "reviews.review_submission", backend="django.contrib.auth.backends.ModelBackend"
        )
        .filter(is_active=True, is_staff=True)
        .order_by("pk")
    )
    return [user for user in candidates if is_reviewer(user) and permissions.can_see_appeals(user)]


def tell_of_appeal(plugin: Plugin, message: Message, *, author: User) -> int:
    """The owner wrote in a banned plugin's thread: every reviewer hears of the first reply
    since the ban (the notice is keyed by that status change, so later replies add nothing);
    how many reviewers it was for. One appeal per ban: once a reviewer answered with "Keep the
    ban" (the latest change to banned is banned → banned), no reviewer hears of it and the
    owner is told, once per answer, that the appeal was already answered."""
    ban = (
        PluginStatusChange.objects.filter(plugin=plugin, to_status=plugin.status)
        .order_by("-created_at", "-id")
        .first()
    )
    if ban is None:
        return 0
    if ban.from_status == PluginStatus.BANNED:
        notification_intent_create(
            recipient=plugin.owner,
            notice=kinds.AppealAnswered(
                plugin_id=plugin.pk, plugin_name=plugin.display_name, status_change_id=ban.pk
            ),
            thread_plugin_id=plugin.pk,
        )
        return 0
    recipients = [reviewer for reviewer in all_reviewers() if reviewer.pk != author.pk]
    for reviewer in recipients:
        notification_intent_create(
            recipient=reviewer,
            notice=kinds.BanAppealed(
                plugin_id=plugin.pk,
                plugin_name=plugin.display_name,
                developer_name=author.public_name,
                status_change_id=ban.pk,
                appeal=message.body,
                review_path=reverse("admin:pluginstore_plugin_change", args=[plugin.pk]),
            ),
            thread_plugin_id=None,
        )
    return len(recipients)


def tell_of_report(report: Report, *, open_count: int) -> int:
    """A user reported a plugin: every reviewer hears of it once (keyed by the report), except
    the reporter and the plugin's owner; how many reviewers it was for."""
    plugin = report.plugin
    besides = {report.reporter_id, plugin.owner_id}
    recipients = [reviewer for reviewer in all_reviewers() if reviewer.pk not in besides]
    path = reverse("admin:reports_report_changelist") + f"?plugin={plugin.pk}"
    for reviewer in recipients:
        notification_intent_create(
            recipient=reviewer,
            notice=ReportFiled(
                report_id=report.pk,
                plugin_id=plugin.pk,
                plugin_name=plugin.display_name,
                reason=report.get_reason_display(),
                text=report.text,
                open_count=open_count,
                review_path=path,
            ),
            thread_plugin_id=None,
        )
    return len(recipients)
