import pytest
from django.urls import reverse

from inbox.models import Message, Notification
from tests.factories import DeveloperFactory, UserFactory
from tests.inbox.test_delivery import intent


@pytest.mark.django_db
def test_staff_see_stuck_notifications_and_can_send_them_again(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    developer = DeveloperFactory()
    stuck = intent(developer)
    Notification.objects.filter(pk=stuck.pk).update(attempts=20)
    client.force_login(admin)
    url = reverse("admin:inbox_notification_changelist")

    page = client.get(url, {"delivery": "pending"}).content.decode()
    assert stuck.event_key in page

    response = client.post(url, {"action": "redeliver", "_selected_action": [stuck.pk]})
    assert response.status_code == 302
    assert Message.objects.filter(notification=stuck).count() == 1
