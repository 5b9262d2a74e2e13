"""404, 403 and 500 are the app's own pages: styled, and never a list of URL patterns."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from projects.models import Membership, Role
from projects.services import project_create, share_link_create, share_link_revoke

pytestmark = pytest.mark.django_db
PASSWORD = "pw-long-enough-1"
# What Django's technical pages show and ours never may.
LEAKS = (
    "URLconf",
    "urlpatterns",
    "Using the URLconf",
    "Traceback",
    "settings.py",
    "p/<slug:slug>/",
)


@pytest.fixture
def production(settings):
    settings.DEBUG = False


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("olga", password=PASSWORD)


def _assert_styled(html: str, heading: str) -> None:
    assert heading in html
    assert "css/app.css" in html and "css/theme.css" in html
    assert not [leak for leak in LEAKS if leak in html]


def test_unknown_address_gets_the_styled_404(client, owner, production):
    client.force_login(owner)
    response = client.get("/p/no-such-project/tables/")
    assert response.status_code == 404
    _assert_styled(response.content.decode(), "Nothing here")


def test_a_role_too_low_gets_the_styled_403(client, owner, django_user_model, production):
    project = project_create(owner=owner, name="Shop")
    viewer = django_user_model.objects.create_user("vic", password=PASSWORD)
    Membership.objects.create(project=project, user=viewer, role=Role.VIEWER)
    client.force_login(viewer)
    response = client.get(reverse("project_settings", args=[project.slug]))
    assert response.status_code == 403
    _assert_styled(response.content.decode(), "Your role does not allow this")


def test_the_500_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    _assert_styled(response.content.decode(), "Something went wrong on our side")


@pytest.mark.parametrize("debug", [True, False])
def test_a_revoked_share_link_gets_the_styled_404_even_under_debug(client, owner, settings, debug):
    settings.DEBUG = debug
    project = project_create(owner=owner, name="Shop")
    link = share_link_create(project=project, actor=owner)
    share_link_revoke(link=link, actor=owner)
    response = client.get(reverse("shared", args=[link.token]))
    assert response.status_code == 404
    html = response.content.decode()
    _assert_styled(html, "Nothing here")
    assert "was revoked or has expired" in html
