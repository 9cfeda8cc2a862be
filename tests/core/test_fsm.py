import pytest

from accounts.models import AccessRequestState
from accounts.services import developer_access_grant, developer_access_request_create
from tests.factories import PlusUserFactory, make_reviewer


@pytest.mark.django_db
def test_refresh_from_db_reloads_a_protected_state_field_that_still_refuses_assignment():
    request = developer_access_request_create(user=PlusUserFactory(), reason="A weather plugin.")
    developer_access_grant(request_id=request.pk, decided_by=make_reviewer())
    assert request.state == AccessRequestState.PENDING  # the stale copy
    request.refresh_from_db()
    assert request.state == AccessRequestState.GRANTED
    with pytest.raises(AttributeError):
        request.state = AccessRequestState.PENDING
