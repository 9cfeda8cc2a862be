"""The CI publisher against a live server: register -> check -> submit -> approved -> status.

`manage.py publish_plugin` talks HTTP to pytest-django's live_server (the tasks run eagerly
in its thread) about the demo plugin, served on a free local port through the real fetcher.
"""

import io
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from api import publish_client
from api.models import ApiTokenUse
from pluginstore.models import FetchJob, Plugin
from reviews.models import Submission
from tests.api.helpers import token_for
from tests.factories import DeveloperFactory, make_reviewer
from tests.pluginstore.helpers import serving_demo_plugin
from tests.reviews.helpers import approve, claim

CONFIRM = "--confirm-criteria=C1,C2,C4,C8,C10,C11"


@pytest.fixture
def demo(tmp_path, settings):
    settings.PLUGINSTORE_ALLOW_LOCALHOST = True
    with serving_demo_plugin(tmp_path / "demo") as served:
        yield served


def publish(server: str, *args: str) -> tuple[int, str, str]:
    """Run `manage.py publish_plugin --server SERVER ARGS...`: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "publish_plugin", "--server", server, "--poll", "0.1", *args, stdout=out, stderr=err
        )
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, out.getvalue(), err.getvalue()


def _checkout(port: int, folder: Path) -> tuple[str, str]:
    """The manifest and spec as the plugin serves them, as files (a CI job's checkout)."""
    folder.mkdir(exist_ok=True)
    paths = []
    for name, url_path in (
        ("ai-plugin.json", "/.well-known/ai-plugin.json"),
        ("openapi.yaml", "/openapi.yaml"),
    ):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{url_path}") as response:  # noqa: S310
            (folder / name).write_bytes(response.read())
        paths.append(str(folder / name))
    return paths[0], paths[1]


def _fix_full_stop(folder) -> None:
    manifest = folder / "ai-plugin.json"
    manifest.write_text(
        manifest.read_text().replace("borrow them", "borrow them."), encoding="utf-8"
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_register_check_submit_approve_and_status_through_the_script(
    live_server, demo, monkeypatch, tmp_path
):
    folder, port = demo
    developer = DeveloperFactory()
    monkeypatch.setenv("PLUGINSTORE_TOKEN", token_for(developer))
    server = live_server.url

    # Register: the check finds the demo's one error, so the script exits 1 and says why.
    status, out, err = publish(server, "register", f"http://localhost:{port}")
    assert status == publish_client.EXIT_CHECKS, (out, err)
    assert "manifest.punctuation" in out
    plugin = Plugin.objects.get(owner=developer)
    assert f"plugin {plugin.pk}" not in out  # not "Registered": it has errors

    # A local check of the unfixed files fails before the store is asked anything.
    jobs_before = FetchJob.objects.count()
    manifest, spec = _checkout(port, tmp_path / "unfixed")
    status, out, err = publish(
        server, "publish", str(plugin.pk), CONFIRM, "--manifest", manifest, "--spec", spec
    )
    assert status == publish_client.EXIT_CHECKS, (out, err)
    assert "manifest.punctuation" in out and "nothing was sent" in err
    assert out.count(" error ") == 1  # the served files: only the missing full stop
    assert FetchJob.objects.count() == jobs_before

    # Fixed: checked locally, refreshed, checked by the store, filed.
    _fix_full_stop(folder)
    manifest, spec = _checkout(port, tmp_path / "fixed")
    status, out, err = publish(
        server,
        "publish",
        str(plugin.pk),
        CONFIRM,
        "--note",
        "From CI.",
        "--manifest",
        manifest,
        "--spec",
        spec,
    )
    assert status == publish_client.EXIT_OK, (out, err)
    submission = Submission.objects.get(plugin=plugin)
    assert f"submission: {submission.pk}" in out
    assert "queue position: 1" in out
    assert submission.version.number == 2 and submission.note_to_reviewer == "From CI."

    # Filing again is refused by the store: exit 3, the web's words.
    status, out, err = publish(server, "publish", str(plugin.pk), CONFIRM)
    assert status == publish_client.EXIT_REFUSED, (out, err)
    assert "already has a submission waiting for review" in err

    # A reviewer approves; the script's status call reports it.
    reviewer = make_reviewer()
    claim(submission, reviewer)
    approve(submission, reviewer)
    status, out, err = publish(server, "status", str(submission.pk))
    assert status == publish_client.EXIT_OK, (out, err)
    assert "state: approved" in out
    assert ApiTokenUse.objects.filter(method="POST").count() >= 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_script_reports_auth_and_usage_problems_with_exit_2(live_server, monkeypatch):
    developer = DeveloperFactory()
    monkeypatch.delenv("PLUGINSTORE_TOKEN", raising=False)
    assert publish(live_server.url, "status", "1")[0] == publish_client.EXIT_USAGE

    monkeypatch.setenv("PLUGINSTORE_TOKEN", "psk_not-a-real-one")
    status, _, err = publish(live_server.url, "status", "1")
    assert status == publish_client.EXIT_USAGE and "token_invalid" in err

    monkeypatch.setenv("PLUGINSTORE_TOKEN", token_for(developer, scope="read"))
    status, _, err = publish(live_server.url, "publish", "1")
    assert status == publish_client.EXIT_USAGE and "--confirm-criteria" in err
    status, _, err = publish(live_server.url, "publish", "999999", CONFIRM)
    assert status == publish_client.EXIT_USAGE and "not_found" in err
    status, _, err = publish(live_server.url, "register", "x.example.com")
    assert status == publish_client.EXIT_USAGE and "scope_insufficient" in err


def test_the_client_stands_alone_and_refuses_a_server_it_cannot_reach(monkeypatch):
    """Without manage.py: no local checker (exit 2), and a dead server is exit 5."""
    monkeypatch.setenv("PLUGINSTORE_TOKEN", "psk_x")
    out, err = io.StringIO(), io.StringIO()
    args = ["--server", "http://127.0.0.1:9", "publish", "1", CONFIRM, "--manifest", "m.json"]
    assert publish_client.main(args, out=out, err=err) == publish_client.EXIT_USAGE
    args = ["--server", "http://127.0.0.1:9", "status", "1"]
    assert publish_client.main(args, out=out, err=err) == publish_client.EXIT_SERVER
    args = ["--server", "file:///etc/passwd", "status", "1"]
    assert publish_client.main(args, out=out, err=err) == publish_client.EXIT_USAGE
    source = Path(publish_client.__file__).read_text()
    imports = {
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.startswith(("import ", "from "))
    }
    assert imports <= {
        "__future__",
        "argparse",
        "json",
        "os",
        "sys",
        "time",
        "urllib",
        "collections",
        "typing",
    }, imports
