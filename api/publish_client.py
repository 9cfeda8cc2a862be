"""Publish a plugin from CI through the developer API; the standard library only.

`python manage.py publish_plugin ...` runs this with a local check first (the check_plugin
command on your manifest and spec files). The file also runs on its own, copied into any CI
image with Python 3.10+: `python publish_client.py ...` (then --manifest is refused: there is
no checker without PluginStore's code, and the server checks the fetched documents anyway).

    export PLUGINSTORE_URL=https://store.example.com PLUGINSTORE_TOKEN=psk_...
    publish_plugin register todo.example.com --category retrieval
    publish_plugin publish 42 --confirm-criteria C1,C2,C4,C8,C10,C11 [--manifest F --spec F]
    publish_plugin status 17

Exit status: 0 done (filed, registered, or the status was read), 1 the checks found errors,
2 authentication or usage (no token, a revoked, expired or read-only one, an unknown plugin),
3 the store refused (an open submission, an unchanged or live version, a ban...), 4 the check
did not finish in --timeout seconds, 5 the server or the network failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TextIO

EXIT_OK, EXIT_CHECKS, EXIT_USAGE, EXIT_REFUSED, EXIT_TIMEOUT, EXIT_SERVER = 0, 1, 2, 3, 4, 5
HUMAN_CRITERIA = ("C1", "C2", "C4", "C8", "C10", "C11")
AUTH_CODES = {
    "token_missing",
    "token_invalid",
    "token_revoked",
    "token_expired",
    "account_inactive",
    "not_developer",
    "scope_insufficient",
    "not_found",
    "not_manager",
    "invalid_request",
    "criteria_unconfirmed",
}
# A local check: (manifest path, spec path or None) -> (ok, findings as dicts).
LocalCheck = Callable[[str, str | None], tuple[bool, list[dict]]]


class Failed(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, never followed: it would carry the token to another URL."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


class Client:
    def __init__(self, server: str, token: str, *, timeout: float = 30.0) -> None:
        if not server.startswith(("https://", "http://")):
            raise Failed(EXIT_USAGE, f"The server must be an http(s):// URL, not {server[:80]!r}.")
        self.base = server.rstrip("/") + "/api/v1"
        self.token = token
        self.timeout = timeout

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        # The scheme is http(s), checked in __init__.
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for attempt in range(3):
            try:
                with _opener.open(request, timeout=self.timeout) as response:
                    return response.status, _json(response.read())
            except urllib.error.HTTPError as error:
                if error.code == 429 and attempt < 2:
                    time.sleep(min(int(error.headers.get("Retry-After") or 5), 60))
                    continue
                return error.code, _json(error.read())
            except (urllib.error.URLError, OSError) as error:
                raise Failed(EXIT_SERVER, f"Cannot reach {self.base}: {error}") from None
        raise Failed(EXIT_SERVER, "Rate limited three times in a row; try again later.")

    def expect(self, method: str, path: str, ok: tuple[int, ...], body: dict | None = None) -> dict:
        status, answer = self.call(method, path, body)
        if status in ok:
            return answer
        code = str(answer.get("code", ""))
        message = str(answer.get("message", "")) or f"HTTP {status}"
        if status >= 500 or not code:
            raise Failed(EXIT_SERVER, f"The store answered {status}: {message}")
        if status in (401, 403) or code in AUTH_CODES:
            raise Failed(EXIT_USAGE, f"{message} ({code})")
        raise Failed(EXIT_REFUSED, f"{message} ({code})")


def _json(raw: bytes) -> dict:
    try:
        value = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _print_findings(findings: list, out: TextIO) -> None:
    for finding in findings:
        if isinstance(finding, dict):
            out.write(
                f"  {finding.get('severity', ''):<7} {finding.get('code', '')} "
                f"[{finding.get('field', '')}] {finding.get('message', '')}\n"
            )


def wait_for_job(client: Client, job: dict, timeout: float, poll: float, out: TextIO) -> dict:
    """Poll the job until it finishes; EXIT_CHECKS when it failed or found errors."""
    deadline = time.monotonic() + timeout
    while not job.get("finished"):
        if time.monotonic() > deadline:
            raise Failed(
                EXIT_TIMEOUT, f"The check did not finish in {timeout:g} s (job {job['id']})."
            )
        time.sleep(poll)
        job = client.expect("GET", f"/jobs/{job['id']}", (200,))
    version = job.get("version_number")
    out.write(
        f"Check finished: {job.get('state')}"
        + (f", version {version}" if version else "")
        + (" (unchanged)" if job.get("unchanged") else "")
        + f", {job.get('error_count', 0)} error(s), {job.get('warning_count', 0)} warning(s).\n"
    )
    _print_findings(job.get("findings") or [], out)
    if job.get("state") != "done":
        raise Failed(EXIT_CHECKS, job.get("error") or "The check failed.")
    if job.get("error_count"):
        raise Failed(EXIT_CHECKS, "Fix the errors above, then publish again.")
    return job


def _criteria(text: str | None) -> list[str]:
    given = [c.strip().upper() for c in (text or "").split(",") if c.strip()]
    missing = [c for c in HUMAN_CRITERIA if c not in given]
    if missing:
        raise Failed(
            EXIT_USAGE,
            "Confirm the human review criteria with --confirm-criteria "
            f"{','.join(HUMAN_CRITERIA)} (missing: {', '.join(missing)}); read them on the "
            "store's review criteria before you do.",
        )
    return given


def run(args: argparse.Namespace, client: Client, out: TextIO, local_check: LocalCheck | None):
    if args.command == "register":
        job = client.expect(
            "POST", "/plugins", (202,), {"target": args.target, "category": args.category}
        )
        out.write(f"Registering {args.target}: job {job['id']}.\n")
        job = wait_for_job(client, job, args.timeout, args.poll, out)
        out.write(f"Registered: plugin {job.get('plugin_id')}.\n")
        return
    if args.command == "status":
        submission = client.expect("GET", f"/submissions/{args.submission}", (200,))
        _print_submission(submission, out)
        return
    criteria = _criteria(args.confirm_criteria)
    if args.manifest:
        if local_check is None:
            raise Failed(EXIT_USAGE, "--manifest needs `manage.py publish_plugin` (the checker).")
        ok, findings = local_check(args.manifest, args.spec)
        out.write(f"Local check of {args.manifest}: {'passed' if ok else 'errors'}.\n")
        _print_findings(findings, out)
        if not ok:
            raise Failed(EXIT_CHECKS, "The local check found errors; nothing was sent.")
    plugin = client.expect("GET", f"/plugins/{args.plugin}", (200,))
    out.write(f"Refreshing {plugin.get('name')} ({plugin.get('domain')}).\n")
    job = client.expect("POST", f"/plugins/{args.plugin}/refresh", (202,))
    wait_for_job(client, job, args.timeout, args.poll, out)
    submission = client.expect(
        "POST",
        f"/plugins/{args.plugin}/submissions",
        (201,),
        {"confirmed_criteria": criteria, "note_to_reviewer": args.note or ""},
    )
    out.write("Filed.\n")
    _print_submission(submission, out)


def _print_submission(submission: dict, out: TextIO) -> None:
    out.write(f"submission: {submission.get('id')}\n")
    out.write(f"version: {submission.get('version_number')}\n")
    out.write(f"state: {submission.get('state')}\n")
    if submission.get("queue_position"):
        out.write(f"queue position: {submission['queue_position']}\n")
        out.write(f"expected by: {submission.get('expected_at')}\n")
    if submission.get("developer_note"):
        out.write(f"reviewer's note: {submission['developer_note']}\n")
    for failed in submission.get("failed_criteria") or []:
        criterion, label = failed.get("criterion"), failed.get("label")
        out.write(f"failed: {criterion} {label}: {failed.get('note')}\n")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="publish_plugin", description=__doc__.split("\n\n")[0])
    top.add_argument("--server", default=os.environ.get("PLUGINSTORE_URL", ""))
    top.add_argument("--token-env", default="PLUGINSTORE_TOKEN", help="where the token is")
    top.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for a check")
    top.add_argument("--poll", type=float, default=2.0, help="seconds between looks at a job")
    commands = top.add_subparsers(dest="command", required=True)
    register = commands.add_parser("register", help="register a plugin by domain")
    register.add_argument("target")
    register.add_argument("--category", default="retrieval")
    publish = commands.add_parser("publish", help="refresh, check and submit a plugin")
    publish.add_argument("plugin", type=int)
    publish.add_argument("--confirm-criteria", help="C1,C2,C4,C8,C10,C11: you confirm them")
    publish.add_argument("--manifest", help="check this manifest file locally first")
    publish.add_argument("--spec", help="with --manifest: the OpenAPI spec file")
    publish.add_argument("--note", help="a note to the reviewer")
    status = commands.add_parser("status", help="a submission's state")
    status.add_argument("submission", type=int)
    return top


def main(
    argv: list[str] | None = None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    local_check: LocalCheck | None = None,
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code == 0 else EXIT_USAGE
    token = os.environ.get(args.token_env, "").strip()
    try:
        if not args.server:
            raise Failed(EXIT_USAGE, "Name the store with --server or PLUGINSTORE_URL.")
        if not token:
            raise Failed(EXIT_USAGE, f"Put your API token in the environment as {args.token_env}.")
        run(args, Client(args.server, token), out, local_check)
    except Failed as failure:
        err.write(f"publish_plugin: {failure.message}\n")
        return failure.status
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
