"""API tokens in the admin: staff with the api permissions find a token by its prefix and
revoke it; reviewers (no api permissions) get nothing."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from api.models import ApiToken
from tests.api.helpers import call, token_for
from tests.factories import DeveloperFactory, UserFactory, make_reviewer

pytestmark = pytest.mark.django_db


def test_a_superuser_finds_a_leaked_token_by_prefix_and_revokes_it(client):
    developer = DeveloperFactory()
    secret = token_for(developer)
    token = ApiToken.objects.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = reverse("admin:api_apitoken_changelist")

    found = client.get(changelist, {"q": secret[:12]}).content.decode()
    assert token.prefix in found and secret not in found and token.secret_hash not in found
    response = client.post(
        changelist, {"action": "revoke", ACTION_CHECKBOX_NAME: [token.pk]}, follow=True
    )

    assert "1 token(s) revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert call(client, "GET", "plugins", secret).json()["code"] == "token_revoked"


def test_a_reviewer_cannot_see_or_revoke_tokens(client):
    token_for(DeveloperFactory())
    token = ApiToken.objects.get()
    client.force_login(make_reviewer())
    changelist = reverse("admin:api_apitoken_changelist")

    assert client.get(changelist).status_code == 403
    client.post(changelist, {"action": "revoke", ACTION_CHECKBOX_NAME: [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_selection_that_is_not_ids_changes_nothing(client):
    token_for(DeveloperFactory())
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", ACTION_CHECKBOX_NAME: ["x\x00"]},
    )
    assert response.status_code in (302, 400)
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()
