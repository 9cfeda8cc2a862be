"""A plugin name is the developer's text, and it goes into email subjects: a carriage return
or another line break in it must not stop the emails (Django refuses such a header)."""

import pytest
from django.core import mail

from inbox.models import Notification
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import register
from tests.reviews.helpers import submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["Wea\rther", "Wea\u2028ther", "Wea\x0bther", "Wea\x85ther"])
def test_a_line_break_in_a_plugin_name_does_not_stop_its_emails(
    name, django_capture_on_commit_callbacks
):
    plugin = register(DeveloperFactory(), name_for_human=name)
    assert plugin.latest_version.is_submittable

    with django_capture_on_commit_callbacks(execute=True):
        submit(plugin)

    notification = Notification.objects.get(kind="submission_received")
    assert notification.emailed_at is not None
    (email,) = mail.outbox
    assert email.subject == "[PluginStore] We received Wea ther version 1 for review"
