"""/api/v1/ submissions and messages: submit a version, its state, withdraw, Help > Messages."""

from django.http import HttpRequest
from ninja import Query, Router, Status

from api import selectors, services
from api.errors import ApiError, refused
from api.routes_plugins import ERRORS, PageQuery
from api.schemas import MessagePage, SubmissionOut, SubmissionPage, SubmitIn, ThreadPage
from core.exceptions import ApplicationError
from inbox import selectors as inbox_selectors
from inbox.models import Thread
from reviews import selectors as review_selectors
from reviews import services as review_services

router = Router(tags=["submissions and messages"])


def submission_out(row, plugin_id: int) -> dict:
    """A reviews.selectors.DeveloperSubmission as the API shows it."""
    return {
        "id": row.id,
        "plugin_id": plugin_id,
        "version_number": row.version_number,
        "state": row.state,
        "state_label": row.state_label,
        "is_open": row.is_open,
        "submitted_at": row.submitted_at,
        "due_at": row.due_at,
        "queue_position": row.queue_position,
        "expected_at": row.expected_at,
        "decided_at": row.decided_at,
        "developer_note": row.developer_note,
        "failed_criteria": [
            {"criterion": str(f.criterion), "label": f.text, "note": f.note}
            for f in row.failed_criteria
        ],
        "changes_note": row.changes_note if row.changes_requested else "",
        "changes_due_at": row.changes_due_at if row.changes_requested else None,
    }


def _one(plugin_id: int, submission_id: int) -> dict:
    rows = review_selectors.developer_submissions(plugin_id)
    row = next((r for r in rows if r.id == submission_id), None)
    if row is None:
        raise ApiError("not_found", "Not found.")
    return submission_out(row, plugin_id)


@router.get(
    "/plugins/{plugin_id}/submissions",
    response={200: SubmissionPage, **ERRORS},
    url_name="submissions",
    summary="A plugin's submissions",
)
def submission_list(request: HttpRequest, plugin_id: int, query: Query[PageQuery]):
    """The plugin's submissions, newest first: state, queue position, due date, decision."""
    plugin = selectors.api_plugin(request.auth.user, plugin_id)
    rows = review_selectors.developer_submissions(plugin.pk)
    return selectors.paginate(request, rows, query.page, lambda row: submission_out(row, plugin.pk))


@router.post(
    "/plugins/{plugin_id}/submissions",
    response={201: SubmissionOut, **ERRORS},
    url_name="submit",
    summary="Submit the latest version",
)
def submission_create(request: HttpRequest, plugin_id: int, body: SubmitIn):
    """Submit the plugin's latest version for review, confirming the human criteria
    (C1, C2, C4, C8, C10, C11) by listing them. The answer has the queue position."""
    plugin = selectors.api_plugin(request.auth.user, plugin_id)
    submission = services.api_submission_create(
        user=request.auth.user,
        plugin_id=plugin.pk,
        confirmed_criteria=body.confirmed_criteria,
        note_to_reviewer=body.note_to_reviewer,
    )
    return Status(201, _one(plugin.pk, submission.pk))


@router.get(
    "/submissions/{submission_id}",
    response={200: SubmissionOut, **ERRORS},
    url_name="submission",
    summary="A submission's state",
)
def submission_detail(request: HttpRequest, submission_id: int):
    """A submission's state: queue position and expected date while waiting, then the
    decision, the reviewer's note and the failed criteria."""
    plugin = selectors.api_submission_plugin(request.auth.user, submission_id)
    return _one(plugin.pk, submission_id)


@router.post(
    "/submissions/{submission_id}/withdraw",
    response={200: SubmissionOut, **ERRORS},
    url_name="withdraw",
    summary="Withdraw a submission",
)
def submission_withdraw(request: HttpRequest, submission_id: int):
    """Take an open submission back; the plugin stays as it is."""
    plugin = selectors.api_submission_plugin(request.auth.user, submission_id)
    try:
        review_services.submission_withdraw(submission_id=submission_id, by=request.auth.user)
    except ApplicationError as error:
        raise refused("withdraw_refused", error) from None
    return _one(plugin.pk, submission_id)


def thread_out(user):
    def serialize(thread: Thread) -> dict:
        return {
            "id": thread.pk,
            "kind": thread.kind,
            "plugin_id": thread.plugin_id,
            "title": thread.title,
            "last_activity_at": thread.last_activity_at,
            "last_subject": thread.last_subject,
            "last_preview": thread.last_preview,
            "unread": thread.is_unread,
        }

    return serialize


@router.get(
    "/messages",
    response={200: ThreadPage, **ERRORS},
    url_name="messages",
    summary="My message threads",
)
def thread_list(request: HttpRequest, query: Query[PageQuery]):
    """Your Help > Messages threads, newest activity first (reading here marks nothing read)."""
    user = request.auth.user
    threads = inbox_selectors.thread_list(user=user)
    return selectors.paginate(request, threads, query.page, thread_out(user))


@router.get(
    "/messages/{thread_id}",
    response={200: MessagePage, **ERRORS},
    url_name="thread",
    summary="A thread's messages",
)
def thread_messages(request: HttpRequest, thread_id: int, query: Query[PageQuery]):
    """A thread's messages, oldest first."""
    user = request.auth.user
    thread = Thread.objects.filter(pk=thread_id, owner=user).first()
    if thread is None:
        raise ApiError("not_found", "Not found.")

    def serialize(message) -> dict:
        return {
            "id": message.pk,
            "kind": message.kind,
            "subject": message.subject,
            "body": message.body,
            "author": message.author.public_name if message.author_id else "PluginStore",
            "from_you": message.author_id == user.pk,
            "created_at": message.created_at,
        }

    messages = inbox_selectors.thread_messages(thread=thread)
    return selectors.paginate(request, messages, query.page, serialize)
