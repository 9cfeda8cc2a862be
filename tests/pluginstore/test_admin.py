import pytest
from django.urls import reverse

from pluginstore.models import PluginStatus
from tests.factories import DeveloperFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import make_plugin


def _transition_url(plugin, name):
    return reverse("admin:pluginstore_plugin_transition", args=[plugin.pk, name])


@pytest.mark.django_db
def test_a_reviewer_bans_with_a_reason_through_the_admin(client):
    reviewer = make_reviewer()
    plugin = make_plugin(DeveloperFactory(), status="approved")
    client.force_login(reviewer)
    page = client.get(reverse("admin:pluginstore_plugin_change", args=[plugin.pk]))
    assert b'value="ban"' in page.content
    assert b'value="reinstate"' not in page.content

    response = client.post(_transition_url(plugin, "ban"), {"reason": ""})
    assert response.status_code == 200  # the form asks for the reason again
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.APPROVED

    client.post(_transition_url(plugin, "ban"), {"reason": "Collects data without consent."})
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.BANNED
    audit = plugin.status_changes.first()
    assert (audit.changed_by, audit.reason) == (reviewer, "Collects data without consent.")


@pytest.mark.django_db
def test_the_plugin_page_offers_only_its_transitions_and_explains_the_ban_form(client):
    client.force_login(make_reviewer())
    plugin = make_plugin(DeveloperFactory(), status="approved")
    page = client.get(reverse("admin:pluginstore_plugin_change", args=[plugin.pk])).content
    assert b'name="_save"' not in page  # every field is read-only: nothing to save
    assert b'name="_continue"' not in page
    form = client.get(_transition_url(plugin, "ban")).content.decode()
    assert "<p>None</p>" not in form
    assert "told how to appeal" in form


@pytest.mark.django_db
def test_staff_without_review_rights_get_403_and_no_change(client):
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    # Staff who may open and edit plugins in the admin, but hold no review permission.
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_plugin", "change_plugin"])
    )
    plugin = make_plugin(DeveloperFactory(), status="approved")
    client.force_login(staff)
    change_url = reverse("admin:pluginstore_plugin_change", args=[plugin.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert b'value="ban"' not in page.content
    # Hand-made POSTs of both admin paths: the button and the transition form.
    assert client.post(change_url, {"_fsm_transition_to": "ban"}).status_code == 403
    assert client.post(_transition_url(plugin, "ban"), {"reason": "x"}).status_code == 403
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.APPROVED
    assert not plugin.status_changes.filter(to_status="banned").exists()


@pytest.mark.django_db
def test_a_reviewer_cannot_ban_their_own_plugin(client):
    reviewer = make_reviewer(account_type="developer")
    plugin = make_plugin(reviewer, status="approved")
    client.force_login(reviewer)
    response = client.post(_transition_url(plugin, "ban"), {"reason": "mine"})
    assert response.status_code == 403
    plugin.refresh_from_db()
    assert plugin.status == PluginStatus.APPROVED


@pytest.mark.django_db
def test_a_ban_from_the_plugin_page_rejects_the_open_submission_and_tells_the_owner(client):
    from inbox.models import Notification
    from reviews.models import Submission
    from reviews.services import submission_create

    owner = DeveloperFactory()
    plugin = make_plugin(owner)
    submission_create(plugin_id=plugin.pk, by=owner)
    client.force_login(make_reviewer())
    client.post(_transition_url(plugin, "ban"), {"reason": "Phishing."})
    submission = Submission.objects.get(plugin=plugin)
    assert submission.state == "rejected"
    assert "Phishing." in submission.developer_note
    assert Notification.objects.filter(recipient=owner, kind="banned").exists()
