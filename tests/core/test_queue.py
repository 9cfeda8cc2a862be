import pytest
from kombu.exceptions import OperationalError

from pluginstore.models import FetchJob
from pluginstore.services import plugin_registration_start
from pluginstore.tasks import plugin_fetch_task
from tests.factories import DeveloperFactory


@pytest.mark.django_db
def test_a_broker_outage_does_not_fail_the_request_and_the_row_is_kept(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(plugin_fetch_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = plugin_registration_start(
            user=DeveloperFactory(), target="todo.example.com", category="retrieval"
        )
    assert FetchJob.objects.filter(pk=job.pk, state="queued").exists()
    assert "Broker unavailable" in caplog.text


@pytest.mark.django_db
def test_errors_that_are_not_the_brokers_still_surface(
    monkeypatch, django_capture_on_commit_callbacks
):
    def bug(*args):
        raise ValueError("a bug in the task code")

    monkeypatch.setattr(plugin_fetch_task, "delay", bug)
    with pytest.raises(ValueError), django_capture_on_commit_callbacks(execute=True):
        plugin_registration_start(
            user=DeveloperFactory(), target="todo.example.com", category="retrieval"
        )
