"""The API's request and response bodies (they make the OpenAPI document's schemas)."""

import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field, field_validator

from core.hosts import MAX_TARGET_LENGTH
from core.input_guard import POISON_REASON, is_poisoned
from pluginstore.choices import Category
from reviews.models import NOTE_MAX_LENGTH

CategoryName = Literal[tuple(Category.values)]  # type: ignore[valid-type]


def _storable(value: str) -> str:
    if is_poisoned(value):
        raise ValueError(POISON_REASON)
    return value


class Error(Schema):
    code: str
    message: str


class Finding(Schema):
    code: str = ""
    severity: str = ""
    field: str = ""
    criterion: str = ""
    message: str = ""


class VersionSummary(Schema):
    number: int
    error_count: int
    warning_count: int
    fetched_at: datetime.datetime


class PluginOut(Schema):
    id: int
    slug: str
    domain: str
    name: str
    status: str
    category: str
    listed: bool
    manifest_url: str
    latest_version: VersionSummary | None
    live_version_number: int | None
    created_at: datetime.datetime


class RegisterIn(Schema):
    target: str = Field(
        max_length=MAX_TARGET_LENGTH,
        description="The plugin's domain, or the URL of its manifest (as on the web form).",
    )
    category: CategoryName  # type: ignore[valid-type]

    _check_target = field_validator("target")(_storable)


class JobOut(Schema):
    id: int
    kind: str
    state: str
    state_label: str
    finished: bool
    plugin_id: int | None
    version_number: int | None
    unchanged: bool
    error: str
    error_count: int
    warning_count: int
    findings: list[Finding]
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


class FailedCriterion(Schema):
    criterion: str
    label: str
    note: str


class SubmissionOut(Schema):
    id: int
    plugin_id: int
    version_number: int
    state: str
    state_label: str
    is_open: bool
    submitted_at: datetime.datetime
    due_at: datetime.datetime
    queue_position: int | None
    expected_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    developer_note: str
    failed_criteria: list[FailedCriterion]
    changes_note: str
    changes_due_at: datetime.datetime | None


class SubmitIn(Schema):
    confirmed_criteria: list[str] = Field(
        max_length=20,
        description="The human review criteria you confirm, each by its id: all of "
        "C1, C2, C4, C8, C10 and C11 (the submission bot asks the same).",
    )
    note_to_reviewer: str = Field("", max_length=NOTE_MAX_LENGTH)

    _check_note = field_validator("note_to_reviewer")(_storable)


class ThreadOut(Schema):
    id: int
    kind: str
    plugin_id: int | None
    title: str
    last_activity_at: datetime.datetime
    last_subject: str | None
    last_preview: str | None
    unread: bool


class MessageOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    author: str
    from_you: bool
    created_at: datetime.datetime


class DomainCheckOut(Schema):
    id: int
    state: str
    state_label: str
    finished: bool
    outcome: str
    outcome_label: str
    error: str
    attempts: list[dict]


class DomainOut(Schema):
    domain: str
    state: str = Field(
        description="local, verified, lost, blocked, pending, unclaimed or taken (PRODUCT.md 9)"
    )
    may_submit: bool
    txt_record: str | None = Field(
        description="The DNS TXT record to publish (once a check was asked for)"
    )
    dns_names: list[str]
    file_url: str
    check: DomainCheckOut | None


class PageOut(Schema):
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None


class PluginPage(PageOut):
    results: list[PluginOut]


class SubmissionPage(PageOut):
    results: list[SubmissionOut]


class ThreadPage(PageOut):
    results: list[ThreadOut]


class MessagePage(PageOut):
    results: list[MessageOut]
