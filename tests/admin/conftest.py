"""The admin suites' client: signed in as staff (a superuser)."""

import pytest


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client
