"""The demo plugin registers offline through the real fetcher and checker, and can be fixed."""

import pytest

from demo.catalogue import seed_catalogue
from pluginstore import services
from pluginstore.models import Category, FetchJobState, Plugin, PluginStatus
from tests.factories import DeveloperFactory, PlusUserFactory, make_reviewer
from tests.pluginstore.helpers import serving_demo_plugin


@pytest.fixture
def demo_server(tmp_path):
    with serving_demo_plugin(tmp_path / "demo") as served:
        yield served


@pytest.mark.django_db
def test_the_demo_plugin_has_one_fixable_finding(
    demo_server, settings, django_capture_on_commit_callbacks
):
    settings.PLUGINSTORE_ALLOW_LOCALHOST = True
    folder, port = demo_server
    developer = DeveloperFactory()

    with django_capture_on_commit_callbacks(execute=True):
        job = services.plugin_registration_start(
            user=developer, target=f"http://localhost:{port}", category=Category.RETRIEVAL
        )
    job.refresh_from_db()
    assert job.state == FetchJobState.DONE, job.findings
    version = job.version
    assert [f["code"] for f in version.findings] == ["manifest.punctuation"]
    assert version.spec["info"]["title"] == "Book Finder"

    manifest = folder / "ai-plugin.json"
    manifest.write_text(
        manifest.read_text().replace("borrow them", "borrow them."), encoding="utf-8"
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = services.plugin_refresh_start(user=developer, plugin_id=job.plugin_id)
    job.refresh_from_db()
    assert job.version.number == 2
    assert job.version.findings == []
    assert job.version.is_submittable


@pytest.mark.django_db
def test_seeding_the_catalogue_is_believable_and_idempotent():
    users = {
        "reviewer": make_reviewer(),
        "developer": DeveloperFactory(),
        "plus": PlusUserFactory(),
    }
    seed_catalogue(users)
    seed_catalogue(users)
    approved = Plugin.objects.filter(status=PluginStatus.APPROVED)
    assert approved.count() >= 30
    assert set(approved.values_list("category", flat=True)) == set(Category.values)
    assert Plugin.objects.filter(status=PluginStatus.UNVERIFIED).count() >= 2
    assert Plugin.objects.filter(status=PluginStatus.BANNED).count() == 1
    assert all(p.live_version.error_count == 0 for p in approved.select_related("live_version"))
    assert approved.filter(install_count__gt=0).exists()
