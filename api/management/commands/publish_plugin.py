"""`python manage.py publish_plugin ...`: publish from CI through the developer API.

The client is api/publish_client.py (standard library only; its docstring has the usage and the
exit codes). Run from here, `publish --manifest FILE [--spec FILE]` first checks the files with
the check_plugin command, so a CI job fails on its own machine before the store is asked.
"""

import argparse
import io
import json
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from api import publish_client


def check_files(manifest: str, spec: str | None) -> tuple[bool, list[dict]]:
    """check_plugin --json on the files: (no errors, the findings)."""
    out = io.StringIO()
    args = [manifest, "--json"] + (["--spec", spec] if spec else [])
    try:
        call_command("check_plugin", *args, stdout=out, stderr=io.StringIO())
    except SystemExit:
        pass  # exit 1: errors, which the JSON says too
    except CommandError as error:
        raise publish_client.Failed(publish_client.EXIT_USAGE, str(error)) from None
    report = json.loads(out.getvalue() or "{}")
    return bool(report.get("ok")), list(report.get("findings") or [])


class Command(BaseCommand):
    help = (
        "Publish a plugin through the developer API: register, or refresh, check and submit, "
        "or read a submission's state. The token comes from $PLUGINSTORE_TOKEN. Exit status: "
        "0 done, 1 check errors, 2 auth or usage, 3 refused, 4 timed out, 5 server error."
    )
    requires_system_checks: list[str] = []

    def run_from_argv(self, argv: list[str]) -> None:
        # The client parses its own arguments (argv[0:2] are manage.py and the command).
        sys.exit(self.publish(argv[2:]))

    def add_arguments(self, parser) -> None:
        parser.add_argument("args", nargs="*")

    def create_parser(self, prog_name, subcommand, **kwargs):
        """For call_command: every argument goes to the client's own parser as it is."""
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        defaults = {a.dest: a.default for a in parser._actions if a.dest not in ("help", "args")}

        def parse_args(args=None, namespace=None):
            return argparse.Namespace(args=list(args or []), **defaults)

        parser.parse_args = parse_args
        return parser

    def handle(self, *args, **options) -> None:
        status = self.publish(list(args))
        if status:
            raise SystemExit(status)

    def publish(self, argv: list[str]) -> int:
        def local_check(manifest: str, spec: str | None) -> tuple[bool, list[dict]]:
            return check_files(manifest, spec)

        return publish_client.main(
            argv, out=self.stdout._out, err=self.stderr._out, local_check=local_check
        )
