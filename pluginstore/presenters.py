"""Shaping stored findings for the pages that show them."""

from itertools import groupby

from pluginstore.checks.findings import Finding, bound_findings
from pluginstore.choices import FetchJobState

SEVERITY_ORDER = {"error": 0, "warning": 1}
_FINDING_KEYS = ("code", "severity", "field", "criterion", "message")


def bounded_findings(findings: list[dict]) -> list[dict]:
    """Stored findings, bounded as the checker bounds them (rows stored before it did)."""
    usable = [f for f in findings or [] if isinstance(f, dict)]
    as_findings = (Finding(**{key: str(f.get(key, "")) for key in _FINDING_KEYS}) for f in usable)
    return [finding.as_dict() for finding in bound_findings(as_findings)]


def findings_by_field(findings: list[dict]) -> list[tuple[str, list[dict]]]:
    """Group findings by field, fields with errors first, in a stable order."""
    ordered = sorted(
        bounded_findings(findings),
        key=lambda f: (f.get("field", ""), SEVERITY_ORDER.get(f.get("severity"), 2)),
    )
    groups = [
        (field, list(items)) for field, items in groupby(ordered, key=lambda f: f.get("field", ""))
    ]
    groups.sort(key=lambda g: min(SEVERITY_ORDER.get(f.get("severity"), 2) for f in g[1]))
    return groups


def fetch_job_steps(job) -> list[tuple[str, str]]:
    """A register or refresh job's progress steps, each done, current, waiting or failed
    (the job page and the submission bot show them). A finished job whose version has errors
    ends with a failed check."""
    order = [
        FetchJobState.QUEUED,
        FetchJobState.FETCHING,
        FetchJobState.CHECKING,
        FetchJobState.DONE,
    ]
    labels = ["Queued", "Fetching manifest and spec", "Checking", "Finished"]
    current = order.index(job.state) if job.state in order else len(order) - 1
    if job.state == FetchJobState.FAILED:
        return [(label, "done" if i < 3 else "failed") for i, label in enumerate(labels)]
    errors = job.version.error_count if job.state == FetchJobState.DONE and job.version else 0
    if errors:
        # The check ran and found errors: a failed check, not four green tiles.
        labels[2] = f"Checking: {errors} error{'s' if errors != 1 else ''}"
        return [(label, "done" if i < 2 else "failed") for i, label in enumerate(labels)]
    return [
        (
            label,
            "done"
            if i < current or job.state == FetchJobState.DONE
            else "current"
            if i == current
            else "waiting",
        )
        for i, label in enumerate(labels)
    ]
