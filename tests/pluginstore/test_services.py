import pytest
from django.db import connection

from core.exceptions import ApplicationError
from pluginstore import services
from pluginstore.models import (
    FetchJobState,
    Installation,
    Plugin,
    PluginStatus,
    PluginStatusChange,
    PluginVersion,
)
from tests.factories import DeveloperFactory, PlusUserFactory, make_reviewer
from tests.pluginstore.helpers import (
    approve,
    ban,
    fake_fetch,
    make_plugin,
    manifest_for,
    register,
    spec_for,
)


@pytest.mark.django_db
def test_registering_fetches_checks_and_stores_an_unverified_plugin(
    monkeypatch, django_capture_on_commit_callbacks
):
    developer = DeveloperFactory()
    calls = fake_fetch(monkeypatch, lambda: (manifest_for("todo.example.com"), spec_for()))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.plugin_registration_start(
            user=developer, target="todo.example.com", category="retrieval"
        )
    job.refresh_from_db()
    assert calls == ["https://todo.example.com/.well-known/ai-plugin.json"]
    assert job.state == FetchJobState.DONE
    plugin = job.plugin
    assert plugin.owner == developer
    assert plugin.status == PluginStatus.UNVERIFIED
    assert plugin.domain == "todo.example.com"
    assert plugin.latest_version.number == 1
    assert plugin.latest_version.manifest["name_for_human"] == "Test Weather"
    assert plugin.live_version is None
    audit = PluginStatusChange.objects.get(plugin=plugin)
    assert (audit.from_status, audit.to_status, audit.changed_by) == ("", "unverified", developer)


@pytest.mark.django_db
def test_a_job_is_fetching_while_documents_download_then_checking_while_checked(
    monkeypatch, django_capture_on_commit_callbacks
):
    from pluginstore.models import FetchJob
    from pluginstore.services import registration

    states = []

    def documents():
        states.append(FetchJob.objects.get().state)
        return manifest_for("todo.example.com"), spec_for()

    def checking(job_id):
        real_checking(job_id)
        states.append(FetchJob.objects.get(pk=job_id).state)

    real_checking = registration._fetch_job_checking
    monkeypatch.setattr(registration, "_fetch_job_checking", checking)
    fake_fetch(monkeypatch, documents)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.plugin_registration_start(
            user=DeveloperFactory(), target="todo.example.com", category="retrieval"
        )
    job.refresh_from_db()
    assert states == [FetchJobState.FETCHING, FetchJobState.CHECKING]
    assert job.state == FetchJobState.DONE


@pytest.mark.django_db
def test_registration_with_errors_still_stores_the_version_with_its_findings(
    monkeypatch, django_capture_on_commit_callbacks
):
    bad = manifest_for("bad.example.com", name_for_human="The Best ChatGPT Plugin Ever Made")
    fake_fetch(monkeypatch, lambda: (bad, spec_for()))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.plugin_registration_start(
            user=DeveloperFactory(), target="bad.example.com", category="retrieval"
        )
    job.refresh_from_db()
    version = job.plugin.latest_version
    codes = {f["code"] for f in version.findings}
    assert {"manifest.reserved_words", "manifest.name_for_human.length"} <= codes
    assert version.error_count >= 2
    assert not version.is_submittable


@pytest.mark.django_db
def test_an_unreachable_manifest_fails_the_job_and_registers_nothing(
    monkeypatch, django_capture_on_commit_callbacks
):
    fake_fetch(monkeypatch, lambda: (None, spec_for()))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.plugin_registration_start(
            user=DeveloperFactory(), target="gone.example.com", category="retrieval"
        )
    job.refresh_from_db()
    assert job.state == FetchJobState.FAILED
    assert job.error
    assert not Plugin.objects.exists()


@pytest.mark.django_db
def test_only_developers_register_plugins():
    with pytest.raises(ApplicationError, match="Only developers"):
        services.plugin_registration_start(
            user=PlusUserFactory(), target="a.example.com", category="retrieval"
        )


@pytest.mark.django_db
def test_a_domain_is_registered_once(monkeypatch):
    owner = DeveloperFactory()
    register(owner, domain="taken.example.com")
    with pytest.raises(ApplicationError, match="already registered"):
        services.plugin_registration_start(
            user=owner, target="taken.example.com", category="retrieval"
        )
    with pytest.raises(ApplicationError, match="another developer"):
        services.plugin_registration_start(
            user=DeveloperFactory(), target="https://taken.example.com", category="retrieval"
        )


@pytest.mark.django_db
def test_localhost_plugins_are_refused_outside_local_development(settings):
    settings.PLUGINSTORE_ALLOW_LOCALHOST = False
    with pytest.raises(ApplicationError, match="local development"):
        services.plugin_registration_start(
            user=DeveloperFactory(), target="http://localhost:8001", category="retrieval"
        )


@pytest.mark.django_db
def test_refreshing_makes_a_new_version_only_when_the_content_changed(
    monkeypatch, django_capture_on_commit_callbacks
):
    owner = DeveloperFactory()
    plugin = register(owner, domain="w.example.com")
    description = {"text": "Weather forecasts for European cities."}
    fake_fetch(
        monkeypatch,
        lambda: (
            manifest_for("w.example.com", description_for_human=description["text"]),
            spec_for(),
        ),
    )

    with django_capture_on_commit_callbacks(execute=True):
        job = services.plugin_refresh_start(user=owner, plugin_id=plugin.pk)
    job.refresh_from_db()
    assert job.unchanged
    assert plugin.versions.count() == 1

    description["text"] = "Weather forecasts for every European city."
    with django_capture_on_commit_callbacks(execute=True):
        job = services.plugin_refresh_start(user=owner, plugin_id=plugin.pk)
    job.refresh_from_db()
    assert not job.unchanged
    assert job.version.number == 2
    plugin.refresh_from_db()
    assert plugin.latest_version.number == 2
    assert plugin.description == "Weather forecasts for every European city."


@pytest.mark.django_db
def test_a_newer_version_of_an_approved_plugin_does_not_replace_the_live_one(
    monkeypatch, django_capture_on_commit_callbacks
):
    owner = DeveloperFactory()
    plugin = make_plugin(owner, status="approved", domain="live.example.com")
    live_id = plugin.live_version_id
    fake_fetch(
        monkeypatch,
        lambda: (manifest_for("live.example.com", name_for_human="New Weather"), spec_for()),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.plugin_refresh_start(user=owner, plugin_id=plugin.pk)
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.APPROVED
    assert plugin.live_version_id == live_id
    assert plugin.latest_version.number == 2
    assert plugin.name == "Test Weather"  # the store still shows the approved version

    services.plugin_version_make_live(
        plugin_id=plugin.pk, version_id=plugin.latest_version_id, by=make_reviewer()
    )
    plugin.refresh_from_db()
    assert plugin.live_version.number == 2
    assert plugin.name == "New Weather"


@pytest.mark.django_db
def test_a_version_is_immutable():
    plugin = register(DeveloperFactory())
    version = plugin.latest_version
    version.manifest_text = "{}"
    with pytest.raises(ValueError, match="immutable"):
        version.save()
    assert PluginVersion.objects.get(pk=version.pk).manifest_text != "{}"


@pytest.mark.django_db
def test_the_status_field_cannot_be_assigned_directly():
    plugin = register(DeveloperFactory())
    with pytest.raises(AttributeError):
        plugin.status = PluginStatus.APPROVED


@pytest.mark.django_db
def test_a_version_with_errors_cannot_go_live():
    plugin = register(DeveloperFactory(), name_for_human="My GPT helper")
    with pytest.raises(ApplicationError, match="check errors"):
        approve(plugin)
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.UNVERIFIED


# Installs and testers ------------------------------------------------------------------------


@pytest.mark.django_db
def test_installing_counts_once_and_uninstalling_counts_down():
    user = PlusUserFactory()
    plugin = make_plugin(DeveloperFactory(), status="approved")
    services.installation_create(user=user, plugin_id=plugin.pk)
    services.installation_create(user=user, plugin_id=plugin.pk)
    plugin.refresh_from_db()
    assert plugin.install_count == 1
    assert services.installation_delete(user=user, plugin_id=plugin.pk)
    plugin.refresh_from_db()
    assert plugin.install_count == 0


@pytest.mark.django_db
def test_deleting_an_account_counts_its_installs_down():
    """Its installs go with it (CASCADE); the counts must not stay raised (issue 16, item 9's
    class: every way an install ends)."""
    leaving, staying = PlusUserFactory(), PlusUserFactory()
    plugins = [make_plugin(DeveloperFactory(), status="approved") for _ in range(2)]
    for plugin in plugins:
        services.installation_create(user=leaving, plugin_id=plugin.pk)
    services.installation_create(user=staying, plugin_id=plugins[0].pk)
    leaving.delete()
    counts = [Plugin.objects.values_list("install_count", flat=True).get(pk=p.pk) for p in plugins]
    assert counts == [1, 0]
    assert Installation.objects.filter(user=staying).count() == 1


@pytest.mark.django_db
def test_a_banned_plugin_cannot_be_installed_and_existing_installs_stay_listed():
    user = PlusUserFactory()
    plugin = make_plugin(DeveloperFactory(), status="approved")
    services.installation_create(user=user, plugin_id=plugin.pk)
    ban(plugin)
    with pytest.raises(ApplicationError, match="banned"):
        services.installation_create(user=user, plugin_id=plugin.pk)
    assert Installation.objects.filter(user=user, plugin=plugin).exists()


@pytest.mark.django_db
def test_the_owner_and_99_testers_make_100_developers_and_one_more_is_refused(settings):
    # "Developer access: 100" (the seed) is 100 in all: the owner plus 99 testers.
    owner = DeveloperFactory()
    plugin = make_plugin(owner)
    developers = DeveloperFactory.create_batch(settings.UNVERIFIED_DEVELOPER_LIMIT)
    for developer in developers[:-1]:
        services.tester_invite(plugin_id=plugin.pk, by=owner, email=developer.email)
    assert plugin.testers.count() == 99
    with pytest.raises(ApplicationError, match="at most 100 developers in all: you and 99 testers"):
        services.tester_invite(plugin_id=plugin.pk, by=owner, email=developers[-1].email)
    assert plugin.testers.count() == 99


@pytest.mark.django_db
def test_only_developers_can_be_invited_and_only_by_the_owner():
    owner = DeveloperFactory()
    plugin = make_plugin(owner)
    with pytest.raises(ApplicationError, match="developer account"):
        services.tester_invite(plugin_id=plugin.pk, by=owner, email=PlusUserFactory().email)
    with pytest.raises(ApplicationError, match="own unverified"):
        services.tester_invite(
            plugin_id=plugin.pk, by=DeveloperFactory(), email=DeveloperFactory().email
        )


@pytest.mark.django_db
@pytest.mark.postgres
def test_approval_fills_the_search_document():
    plugin = make_plugin(DeveloperFactory(), status="approved", name_for_human="Rain Radar")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM pluginstore_plugin WHERE id = %s", [plugin.pk]
        )
        document = cursor.fetchone()[0]
    assert "'rain'" in document and "'radar'" in document


@pytest.mark.django_db
def test_a_job_whose_task_never_ran_is_picked_up_again(
    monkeypatch, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from pluginstore.models import FetchJob

    developer = DeveloperFactory()
    fake_fetch(monkeypatch, lambda: (manifest_for("lost.example.com"), spec_for()))
    # The broker was down: the on-commit enqueue never happened.
    with django_capture_on_commit_callbacks(execute=False):
        job = services.plugin_registration_start(
            user=developer, target="lost.example.com", category="retrieval"
        )
    assert services.fetch_jobs_resume_stale() == (0, 0)  # too young to be stale
    FetchJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - timezone.timedelta(minutes=3)
    )
    assert services.fetch_jobs_resume_stale() == (1, 0)
    job.refresh_from_db()
    assert job.state == FetchJobState.DONE
    assert job.plugin.domain == "lost.example.com"
    # Running it again changes nothing.
    services.fetch_job_run(job_id=job.pk)
    assert Plugin.objects.filter(domain="lost.example.com").count() == 1


@pytest.mark.django_db
def test_a_very_old_unfinished_job_is_given_up_with_a_message():
    from django.utils import timezone

    from pluginstore.models import FetchJob

    job = FetchJob.objects.create(
        kind="register", requested_by=DeveloperFactory(), target="https://old.example.com/"
    )
    FetchJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timezone.timedelta(hours=1)
    )
    services.fetch_jobs_resume_stale()
    job.refresh_from_db()
    assert job.state == FetchJobState.FAILED
    assert "try again" in job.error


def test_beat_resumes_stale_fetch_jobs(settings):
    entries = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "pluginstore.tasks.fetch_jobs_resume_stale_task" in entries
    from config.celery_app import app

    app.loader.import_default_modules()
    assert "pluginstore.tasks.fetch_jobs_resume_stale_task" in app.tasks
