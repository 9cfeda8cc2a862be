"""Risk flags: what a reviewer should look at first in a submitted version.

Computed once, when a version is filed (reviews.services.submission_create stores them on the
Submission), from the version's documents and the plugin's last approved version, so the queue
reads a stored list instead of parsing specs on every page view. `compute_flags` is pure (plain
documents in, codes out), so the migration that backfills open submissions uses it too.

"Open reports" is not stored: it changes after filing. `with_open_reports` annotates the
queue's queryset with each plugin's open user reports (issue 13) as a subquery.
"""

from dataclasses import dataclass, replace

from django.db.models import QuerySet
from django.template.defaultfilters import pluralize

from core.hosts import url_host
from pluginstore.checks.spec import WRITE_METHODS, iter_operations
from pluginstore.models import Plugin, PluginVersion
from reports.selectors import open_report_count
from reviews import selectors
from reviews.models import Submission, SubmissionState

FIRST_SUBMISSION = "first_submission"
WRITES = "writes"
WRITES_WITHOUT_OAUTH = "writes_without_oauth"
WARNINGS = "warnings"
DOMAIN_CHANGED = "domain_changed"
API_URL_CHANGED = "api_url_changed"
OPEN_REPORTS = "open_reports"


@dataclass(frozen=True)
class RiskFlag:
    code: str
    label: str  # short, for the queue's column
    description: str  # the column's tooltip and the filter's wording


FLAGS = {
    flag.code: flag
    for flag in (
        RiskFlag(FIRST_SUBMISSION, "first", "First submission of this plugin"),
        RiskFlag(WRITES, "writes", "The spec has write operations (POST, PUT, PATCH, DELETE)"),
        RiskFlag(WRITES_WITHOUT_OAUTH, "no OAuth", "Write operations without OAuth"),
        RiskFlag(WARNINGS, "warnings", "The checker found warnings"),
        RiskFlag(DOMAIN_CHANGED, "domain", "The domain changed since the approved version"),
        RiskFlag(API_URL_CHANGED, "api.url", "api.url changed since the approved version"),
        RiskFlag(OPEN_REPORTS, "reports", "Users reported this plugin"),
    )
}

# Decided submissions: a plugin with none of these has never been looked at by a reviewer.
_DECIDED = (SubmissionState.APPROVED, SubmissionState.REJECTED)


def _api_url(manifest: object) -> str | None:
    api = manifest.get("api") if isinstance(manifest, dict) else None
    url = api.get("url") if isinstance(api, dict) else None
    return url.strip() if isinstance(url, str) else None


def _host(url: str | None) -> str:
    return url_host(url) if isinstance(url, str) else ""


def _writes(spec: object) -> bool:
    if not isinstance(spec, dict):
        return False
    return any(method in WRITE_METHODS for _, method, _ in iter_operations(spec))


def _auth_type(manifest: object) -> object:
    auth = manifest.get("auth") if isinstance(manifest, dict) else None
    return auth.get("type") if isinstance(auth, dict) else None


def compute_flags(
    *,
    manifest: object,
    spec: object,
    manifest_url: str,
    warning_count: int,
    first_submission: bool,
    approved_manifest: object = None,
    approved_manifest_url: str | None = None,
) -> list[str]:
    """The stored flags of one version, in FLAGS order; the approved_* arguments describe the
    plugin's last approved version (None when it has none, and then nothing "changed")."""
    flags = []
    if first_submission:
        flags.append(FIRST_SUBMISSION)
    if _writes(spec):
        flags.append(WRITES)
        if _auth_type(manifest) != "oauth":
            flags.append(WRITES_WITHOUT_OAUTH)
    if warning_count:
        flags.append(WARNINGS)
    if approved_manifest_url is not None:
        if _host(manifest_url) != _host(approved_manifest_url):
            flags.append(DOMAIN_CHANGED)
        if _api_url(manifest) != _api_url(approved_manifest):
            flags.append(API_URL_CHANGED)
    return flags


def risk_flags(*, plugin: Plugin, version: PluginVersion) -> list[str]:
    """The flags of the version about to be filed for this plugin (three small queries)."""
    first = not Submission.objects.filter(plugin=plugin, state__in=_DECIDED).exists()
    # The same comparison the submission page diffs against (an unsaved submission only
    # carries the plugin and the version to the selector).
    approved = selectors.last_approved_version(Submission(plugin=plugin, version=version))
    return compute_flags(
        manifest=version.manifest,
        spec=version.spec,
        manifest_url=version.manifest_url,
        warning_count=version.warning_count,
        first_submission=first,
        approved_manifest=approved.manifest if approved else None,
        approved_manifest_url=approved.manifest_url if approved else None,
    )


def with_open_reports(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    """Annotate `open_report_count` on each submission (user reports, issue 13: a subquery,
    so the queue stays one query), and the queue shows the OPEN_REPORTS flag with the count
    wherever it is above zero."""
    return queryset.annotate(open_report_count=open_report_count("plugin_id"))


def flags_of(submission: Submission) -> list[RiskFlag]:
    """The flags to show for a submission: the stored ones, then open reports if any (its
    label says how many)."""
    flags = [FLAGS[code] for code in submission.risk_flags or () if code in FLAGS]
    reports = getattr(submission, "open_report_count", 0)
    if reports:
        flags.append(
            replace(
                FLAGS[OPEN_REPORTS],
                label=f"open reports ({reports})",
                description=f"Users reported this plugin: {reports} open "
                f"report{pluralize(reports)}",
            )
        )
    return flags
