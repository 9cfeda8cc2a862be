"""`python manage.py check_plugin TARGET [--spec FILE] [--json]`: the checks from a terminal.

TARGET is a path to a manifest file when such a file exists, otherwise a domain or URL that is
fetched like the web flow fetches it. With a file, the spec comes from --spec FILE; without
--spec the spec checks are skipped and a note on stderr says so, and the rules that need the
manifest's own URL (manifest.api_domain) are skipped, since a file has no domain. --spec with a
domain or URL is bad usage: the spec is whatever the manifest's api.url serves.

Exit status: 0 with no errors (warnings allowed), 1 with errors, 2 for bad usage.
`--json` prints exactly {"ok": ..., "findings": [...]} on stdout and nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApplicationError
from core.fetch import MANIFEST_MAX_BYTES, SPEC_MAX_BYTES
from core.hosts import local_development, parse_target
from pluginstore.checks import CheckReport, build_report
from pluginstore.fetching import fetch_plugin

USAGE_ERROR = 2


class Command(BaseCommand):
    help = (
        "Check a plugin's manifest and OpenAPI spec. TARGET is a domain, a URL or a local "
        "manifest file (then pass the spec with --spec FILE). Exit status: 0 no errors, "
        "1 errors, 2 bad usage."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("target", help="a domain, a manifest URL, or a manifest file")
        parser.add_argument("--spec", metavar="FILE", help="the OpenAPI spec file (JSON or YAML)")
        parser.add_argument(
            "--json", action="store_true", help='print {"ok": ..., "findings": [...]} only'
        )

    def handle(self, *args, **options) -> None:
        target: str = options["target"]
        spec_path: str | None = options["spec"]
        path = Path(target)
        if _is_file_target(path):
            report, source = self._check_files(path, spec_path), str(path)
        else:
            if target.startswith(("/", "./", "../", "~", ".\\")):
                raise CommandError(f"No such file: {target}", returncode=USAGE_ERROR)
            if spec_path is not None:
                raise CommandError(
                    "--spec works only with a local manifest file; for a domain or URL the spec "
                    "is fetched from the manifest's api.url.",
                    returncode=USAGE_ERROR,
                )
            try:
                manifest_url = parse_target(target).manifest_url
            except ApplicationError as error:
                raise CommandError(error.message, returncode=USAGE_ERROR) from None
            fetched = fetch_plugin(manifest_url)
            report, source = fetched.report, fetched.manifest_url

        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict()))
        else:
            self._print(report, source)
        if not report.ok:
            raise SystemExit(1)

    def _check_files(self, path: Path, spec_path: str | None) -> CheckReport:
        manifest_bytes = _read(path, MANIFEST_MAX_BYTES, "manifest")
        spec_bytes = _read(Path(spec_path), SPEC_MAX_BYTES, "--spec") if spec_path else None
        if spec_bytes is None:
            self.stderr.write(
                "Note: spec checks skipped; pass --spec FILE to check the OpenAPI spec too."
            )
        return build_report(
            manifest_bytes,
            spec_bytes,
            local_development=local_development(),
            check_spec_document=spec_bytes is not None,
        )

    def _print(self, report: CheckReport, source: str) -> None:
        self.stdout.write(f"Checked {source}")
        by_field: dict[str, list] = {}
        for finding in report.findings:
            by_field.setdefault(finding.field, []).append(finding)
        for field, findings in by_field.items():
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_LABEL(field))
            for finding in findings:
                style = self.style.ERROR if finding.severity == "error" else self.style.WARNING
                label = style(f"{finding.severity:<7}")
                self.stdout.write(f"  {label} {finding.code} ({finding.criterion})")
                self.stdout.write(f"          {finding.message}")
        if not report.findings:
            self.stdout.write(self.style.SUCCESS("No problems found."))
        self.stdout.write("")
        errors, warnings = len(report.errors), len(report.warnings)
        self.stdout.write(
            f"{errors} error{'' if errors == 1 else 's'}, "
            f"{warnings} warning{'' if warnings == 1 else 's'}"
        )


def _is_file_target(path: Path) -> bool:
    """Whether TARGET names something on disk; a name no file can have (too long, a NUL, an
    unpaired surrogate) is not one, and then it is read as a domain or URL and refused there."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _read(path: Path, max_bytes: int, what: str) -> bytes:
    """The file's bytes, one past the cap at most (the checker then reports it too large)."""
    if not path.is_file():
        raise CommandError(f"{what} {path} is not a file.", returncode=USAGE_ERROR)
    try:
        with path.open("rb") as handle:
            return handle.read(max_bytes + 1)
    except OSError as error:
        raise CommandError(
            f"Cannot read {what} {path}: {error.strerror or error}.", returncode=USAGE_ERROR
        ) from None
