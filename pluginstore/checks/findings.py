"""Findings and reports: what every check returns; user input is quoted with core.text.clip.

A report holds a bounded list (bound_findings): at most MAX_FINDINGS_PER_CODE findings of one
code, then one "…and N more like this" finding of that code, and at most MAX_FINDINGS in all
(errors kept first, then one "checks.more" finding counting the rest). A spec with 88,000 bad
operations gives a dozen findings, not 88,000: every page, the bot, the admin and the command
line show the bounded list. The report still counts every error and warning.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from core.text import clip

ERROR = "error"
WARNING = "warning"
MAX_FINDINGS_PER_CODE = 5
MAX_FINDINGS = 100
MORE_CODE = "checks.more"


@dataclass(frozen=True)
class Finding:
    """One problem found in a manifest or spec, with a message that says how to fix it."""

    code: str
    severity: str
    field: str
    criterion: str
    message: str

    def as_dict(self) -> dict:
        """The finding as plain JSON-ready data."""
        return {
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "criterion": self.criterion,
            "message": self.message,
        }


@dataclass
class _Group:
    """The findings of one code: the first few kept, the rest counted."""

    kept: list[Finding]
    omitted: int = 0
    severity: str = WARNING
    field: list[str] | None = None  # the dotted prefix every omitted field shares


def _common_prefix(parts: list[str] | None, field: str) -> list[str]:
    other = field.split(".")
    if parts is None:
        return other
    size = 0
    while size < min(len(parts), len(other)) and parts[size] == other[size]:
        size += 1
    return parts[:size]


def _more_like_this(code: str, group: _Group) -> Finding:
    first = group.kept[0]
    field = ".".join(group.field or []) or first.field.split(".", 1)[0]
    return Finding(
        code=code,
        severity=group.severity,
        field=field,
        criterion=first.criterion,
        message=f"…and {group.omitted:,} more like this ({code}). Fix the ones above the same "
        "way everywhere, then refresh to see any that remain.",
    )


def bound_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """At most MAX_FINDINGS_PER_CODE of a code plus one "and N more", MAX_FINDINGS in all."""
    groups: dict[str, _Group] = {}
    for finding in findings:
        group = groups.setdefault(finding.code, _Group(kept=[]))
        if len(group.kept) < MAX_FINDINGS_PER_CODE:
            group.kept.append(finding)
            continue
        group.omitted += 1
        group.field = _common_prefix(group.field, finding.field)
        if finding.severity == ERROR:
            group.severity = ERROR
    # (finding, how many findings it stands for), each code's "and N more" after its last one
    entries: list[tuple[Finding, int]] = []
    for code, group in groups.items():
        entries += [(finding, 1) for finding in group.kept]
        if group.omitted:
            entries.append((_more_like_this(code, group), group.omitted))
    if len(entries) <= MAX_FINDINGS:
        return tuple(finding for finding, _ in entries)
    entries.sort(key=lambda entry: entry[0].severity != ERROR)  # stable: errors first
    kept, dropped = entries[: MAX_FINDINGS - 1], entries[MAX_FINDINGS - 1 :]
    rest = sum(count for _, count in dropped)
    more = Finding(
        code=MORE_CODE,
        severity=ERROR if any(f.severity == ERROR for f, _ in dropped) else WARNING,
        field="(several)",
        criterion=dropped[0][0].criterion,
        message=f"…and {rest:,} more findings of other kinds. Fix the ones above, then refresh "
        "to see the rest.",
    )
    return (*(finding for finding, _ in kept), more)


@dataclass(frozen=True)
class CheckReport:
    """The findings for one plugin, plus the manifest and spec as parsed (None if unusable).

    `findings` is what people read (bounded when made by `bounded`); `counts` is (errors,
    warnings) over every finding before bounding, None for a report made directly (then
    `findings` is all of them).
    """

    findings: tuple[Finding, ...] = ()
    manifest: dict | None = dataclasses.field(default=None, compare=False)
    spec: dict | None = dataclasses.field(default=None, compare=False)
    counts: tuple[int, int] | None = dataclasses.field(default=None, compare=False)

    @classmethod
    def bounded(
        cls, findings: Iterable[Finding], *, manifest: dict | None, spec: dict | None
    ) -> CheckReport:
        """A report of bound_findings(findings) that still counts every finding."""
        findings = tuple(findings)
        errors = sum(1 for finding in findings if finding.severity == ERROR)
        return cls(
            findings=bound_findings(findings),
            manifest=manifest,
            spec=spec,
            counts=(errors, len(findings) - errors),
        )

    @property
    def error_total(self) -> int:
        """How many errors were found, those left out of `findings` included."""
        return self.counts[0] if self.counts is not None else len(self.errors)

    @property
    def warning_total(self) -> int:
        """How many warnings were found, those left out of `findings` included."""
        return self.counts[1] if self.counts is not None else len(self.warnings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that block submission."""
        return tuple(f for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings that do not block submission."""
        return tuple(f for f in self.findings if f.severity == WARNING)

    @property
    def ok(self) -> bool:
        """True when nothing blocks submission (warnings allowed)."""
        return not self.errors

    def as_dict(self) -> dict:
        """The report as the command line's --json prints it."""
        return {"ok": self.ok, "findings": [f.as_dict() for f in self.findings]}


def shown(value: object) -> str:
    """A short description of a JSON value for a message: a clipped quoted string or its type."""
    if isinstance(value, str):
        return f'"{clip(value)}"'
    return kind(value)


def kind(value: object) -> str:
    """The JSON type of a value in plain English."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {clip(repr(value), 20)}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a value of type {type(value).__name__}"
