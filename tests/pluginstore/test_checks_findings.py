"""Bounded findings (pluginstore/checks/findings.py): a few per code, "…and N more", a cap."""

from pluginstore.checks import check_plugin
from pluginstore.checks.findings import (
    ERROR,
    MAX_FINDINGS,
    MAX_FINDINGS_PER_CODE,
    MORE_CODE,
    WARNING,
    CheckReport,
    Finding,
    bound_findings,
)
from pluginstore.presenters import findings_by_field


def finding(code: str, field: str, severity: str = ERROR) -> Finding:
    return Finding(code=code, severity=severity, field=field, criterion="C5", message="Fix it.")


def test_a_few_findings_of_a_code_are_kept_and_the_rest_counted_in_one():
    many = [finding("spec.operation_id", f"spec.paths./p{i}.get.operationId") for i in range(100)]
    other = finding("spec.oauth", "auth.type", WARNING)
    bounded = bound_findings([*many, other])
    kept = [f for f in bounded if f.code == "spec.operation_id"]
    assert kept[:MAX_FINDINGS_PER_CODE] == many[:MAX_FINDINGS_PER_CODE]
    more = kept[MAX_FINDINGS_PER_CODE]
    assert len(kept) == MAX_FINDINGS_PER_CODE + 1
    assert (more.severity, more.field, more.criterion) == (ERROR, "spec.paths", "C5")
    assert more.message.startswith(f"…and {100 - MAX_FINDINGS_PER_CODE:,} more like this")
    assert bounded[-1] == other


def test_findings_within_the_bounds_are_left_as_they_are():
    few = [finding(f"code.{i}", "spec") for i in range(MAX_FINDINGS_PER_CODE)]
    assert bound_findings(few) == tuple(few)


def test_the_total_is_capped_with_errors_kept_first():
    warnings = [finding(f"warn.{i}", "spec", WARNING) for i in range(MAX_FINDINGS)]
    errors = [finding(f"err.{i}", "spec") for i in range(10)]
    bounded = bound_findings([*warnings, *errors])
    assert len(bounded) == MAX_FINDINGS
    assert list(bounded[:10]) == errors
    assert bounded[-1].code == MORE_CODE and bounded[-1].severity == WARNING
    assert "…and 11 more findings" in bounded[-1].message


def test_a_report_counts_every_finding_but_holds_the_bounded_ones():
    many = [finding("spec.length", f"spec.paths./p{i}.summary") for i in range(40)]
    report = CheckReport.bounded(
        [*many, finding("spec.oauth", "auth.type", WARNING)], manifest=None, spec=None
    )
    assert len(report.findings) == MAX_FINDINGS_PER_CODE + 2
    assert (report.error_total, report.warning_total) == (40, 1)
    assert not report.ok
    direct = CheckReport(findings=(finding("a", "b"),))
    assert (direct.error_total, direct.warning_total) == (1, 0)


def test_the_checker_bounds_what_it_reports():
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "Many", "version": "1"},
        "paths": {f"/p{i}": {"get": {}} for i in range(50)},
    }
    report = check_plugin(None, spec)
    codes = [f.code for f in report.findings]
    assert codes.count("spec.operation_id") == MAX_FINDINGS_PER_CODE + 1
    assert report.error_total == 50 + 1  # every operation, and the missing manifest


def test_pages_bound_findings_stored_before_the_checker_did():
    stored = [finding("spec.operation_id", f"spec.paths./p{i}").as_dict() for i in range(1000)]
    shown = [f for _field, items in findings_by_field([*stored, "junk"]) for f in items]
    assert len(shown) == MAX_FINDINGS_PER_CODE + 1
    assert any("995 more like this" in f["message"] for f in shown)
