"""Findings and reports: what every check returns; user input is quoted with core.text.clip."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from core.text import clip

ERROR = "error"
WARNING = "warning"


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


@dataclass(frozen=True)
class CheckReport:
    """Every finding for one plugin, plus the manifest and spec as parsed (None if unusable)."""

    findings: tuple[Finding, ...] = ()
    manifest: dict | None = dataclasses.field(default=None, compare=False)
    spec: dict | None = dataclasses.field(default=None, compare=False)

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
