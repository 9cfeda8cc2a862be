"""API tokens: the services (api/tokens.py) and the token page (/accounts/tokens/)."""

import datetime
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from api import tokens
from api.models import ApiToken, ApiTokenUse
from core.exceptions import ApplicationError
from tests.factories import DeveloperFactory, PlusUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def _create(user, **kwargs):
    kwargs = {"name": "CI", "scope": "publish", "expires_in_days": 30, **kwargs}
    return tokens.api_token_create(user=user, **kwargs)


def test_a_token_is_stored_as_a_hash_and_a_prefix_only():
    created = _create(DeveloperFactory())

    row = ApiToken.objects.get()
    assert created.secret.startswith("psk_") and len(created.secret) > 40
    assert row.secret_hash == hashlib.sha256(created.secret.encode()).hexdigest()
    assert row.prefix == created.secret[:12]
    stored = " ".join(str(v) for v in ApiToken.objects.values_list().get())
    assert created.secret not in stored
    assert tokens.authenticate(created.secret) == row


@pytest.mark.parametrize("factory", [UserFactory, PlusUserFactory])
def test_only_developers_create_tokens(factory):
    with pytest.raises(ApplicationError, match="Only developers"):
        _create(factory())
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "  "}, "Give the token a name"),
        ({"name": "x" * 81}, "at most 80"),
        ({"scope": "admin"}, "scope"),
        ({"expires_in_days": 366}, "30, 90 or 365"),
        ({"expires_in_days": 0}, "30, 90 or 365"),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(kwargs, message):
    with pytest.raises(ApplicationError, match=message):
        _create(DeveloperFactory(), **kwargs)
    assert not ApiToken.objects.exists()


def test_at_most_ten_active_tokens_and_a_revoked_one_frees_a_place():
    developer = DeveloperFactory()
    made = [_create(developer) for _ in range(tokens.MAX_ACTIVE_TOKENS)]

    with pytest.raises(ApplicationError, match="10 active tokens"):
        _create(developer)
    tokens.api_token_revoke(user=developer, token_id=made[0].token.pk)
    _create(developer)

    assert tokens.active_tokens(developer).count() == tokens.MAX_ACTIVE_TOKENS


def test_an_expiry_is_at_most_a_year():
    created = _create(DeveloperFactory(), expires_in_days=365)
    lifetime = created.token.expires_at - created.token.created_at
    assert datetime.timedelta(days=364) < lifetime <= datetime.timedelta(days=365)


@pytest.mark.parametrize(
    ("spoil", "code"),
    [
        (lambda t: ApiToken.objects.filter(pk=t.pk).update(revoked_at=timezone.now()), "revoked"),
        (
            lambda t: ApiToken.objects.filter(pk=t.pk).update(
                created_at=timezone.now() - datetime.timedelta(days=31),
                expires_at=timezone.now() - datetime.timedelta(days=1),
            ),
            "expired",
        ),
    ],
)
def test_a_revoked_or_expired_token_is_refused_with_its_code(spoil, code):
    created = _create(DeveloperFactory())
    spoil(created.token)

    with pytest.raises(tokens.TokenRefused) as refused:
        tokens.authenticate(created.secret)
    assert refused.value.code == f"token_{code}"
    assert refused.value.token.pk == created.token.pk


def test_an_unknown_or_malformed_secret_is_invalid():
    for secret in ("psk_" + "a" * 43, "not-a-token", "psk_" + "x" * 500):
        with pytest.raises(tokens.TokenRefused) as refused:
            tokens.authenticate(secret)
        assert refused.value.code == "token_invalid"


def test_revoking_another_users_token_is_refused_and_changes_nothing():
    created = _create(DeveloperFactory())
    with pytest.raises(ApplicationError):
        tokens.api_token_revoke(user=DeveloperFactory(), token_id=created.token.pk)
    created.token.refresh_from_db()
    assert created.token.revoked_at is None


def test_last_use_is_written_at_most_once_a_minute(django_assert_num_queries):
    token = _create(DeveloperFactory()).token
    with django_assert_num_queries(1):
        tokens.token_used(token)
    first = token.last_used_at
    with django_assert_num_queries(0):
        tokens.token_used(token)
    assert ApiToken.objects.get().last_used_at == first


def test_the_audit_is_pruned_after_its_retention():
    token = _create(DeveloperFactory()).token
    old = tokens.token_use_record(
        token=token, method="POST", path="/api/v1/x", status_code=202, code="", ip="10.0.0.1"
    )
    recent = tokens.token_use_record(
        token=token, method="POST", path="/api/v1/y", status_code=202, code="", ip=None
    )
    ApiTokenUse.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=tokens.AUDIT_RETENTION_DAYS + 1)
    )

    assert tokens.token_uses_prune() == 1
    assert list(ApiTokenUse.objects.values_list("pk", flat=True)) == [recent.pk]


# The page -----------------------------------------------------------------------------------


def test_the_page_shows_a_new_secret_once_and_stores_only_its_hash(client):
    developer = DeveloperFactory()
    client.force_login(developer)
    url = reverse("api_tokens")

    data = {"name": "GitHub Actions", "scope": "publish", "expires_in_days": 90}
    response = client.post(url, data)

    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=developer)
    secret = response.context["created"].secret
    assert secret in response.content.decode()
    assert token.secret_hash == tokens.hash_secret(secret)
    again = client.get(url).content.decode()
    assert secret not in again
    assert token.prefix in again and "GitHub Actions" in again


def test_the_page_refuses_bad_input_with_a_message_and_creates_nothing(client):
    client.force_login(DeveloperFactory())
    response = client.post(
        reverse("api_tokens"), {"name": "", "scope": "publish", "expires_in_days": 999}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_form_starts_with_no_scope_chosen_and_refuses_a_token_without_one(client):
    """What a token may do is the developer's decision: no scope is preset."""
    client.force_login(DeveloperFactory())
    page = client.get(reverse("api_tokens")).content.decode()
    scopes = re.findall(r'<input type="radio" name="scope"[^>]*>', page)
    assert len(scopes) == 2
    assert not any("checked" in radio for radio in scopes)
    response = client.post(reverse("api_tokens"), {"name": "CI", "expires_in_days": 30})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_from_the_page(client):
    developer = DeveloperFactory()
    token = _create(developer, name="Old CI").token
    client.force_login(developer)

    response = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "is revoked" in response.content.decode()


def test_another_users_token_cannot_be_revoked_from_the_page(client):
    token = _create(DeveloperFactory()).token
    client.force_login(DeveloperFactory())
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("factory", [UserFactory, PlusUserFactory])
def test_the_page_is_for_developers(client, factory):
    client.force_login(factory())
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_the_profile_links_developers_to_their_tokens(client):
    client.force_login(DeveloperFactory())
    assert reverse("api_tokens") in client.get(reverse("profile")).content.decode()
    client.force_login(PlusUserFactory())
    assert reverse("api_tokens") not in client.get(reverse("profile")).content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_the_page_has_a_fixed_query_budget(client, django_assert_max_num_queries, count):
    developer = DeveloperFactory()
    for n in range(count):
        ApiToken.objects.create(
            user=developer,
            name=f"t{n}",
            scope="read",
            prefix=f"psk_{n:08d}",
            secret_hash=f"{n:064d}",
            expires_at=timezone.now() + datetime.timedelta(days=30),
        )
    client.force_login(developer)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("api_tokens")).status_code == 200


def test_a_token_name_comes_back_as_text(client):
    developer = DeveloperFactory()
    _create(developer, name='<script>alert("x")</script><b onmouseover=1>')
    client.force_login(developer)
    page = client.get(reverse("api_tokens")).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b onmouseover=1&gt;" in page
    assert '<script>alert("x")' not in page and "<b onmouseover" not in page
