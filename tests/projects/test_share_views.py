"""Share links: the owner creates and revokes them; holders read without logging in."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from designer.services.columns import column_add
from designer.services.constraints import foreign_key_create
from designer.services.indexes import index_save
from designer.services.tables import table_create
from projects.models import Membership, Role, ShareLink
from projects.services import project_create
from projects.views.share import ERR_EXPIRY_PAST

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("olga", password="pw-long-enough-1")


@pytest.fixture
def project(owner):
    project = project_create(owner=owner, name="Shop")
    customers, _ = table_create(project=project, name="customers")
    orders, _ = table_create(project=project, name="orders")
    column_add(table=orders, name="customer_id", data_type="bigint", nullable=False)
    foreign_key_create(
        table=orders, columns=["customer_id"], ref_table=customers, ref_columns=["id"]
    )
    index_save(table=orders, name="orders_customer_idx", parts="customer_id")
    return project


def test_owner_creates_a_link_anyone_can_read_until_revoked(client, owner, project):
    client.force_login(owner)
    url = reverse("share_links", args=[project.slug])
    response = client.post(url, {"label": "data team"}, **HX)
    assert response.status_code == 200
    link = ShareLink.objects.get()
    shared = reverse("shared", args=[link.token])
    assert shared in response.content.decode()

    client.logout()
    page = client.get(shared)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    html = page.content.decode()
    assert "<svg" in html and "CREATE TABLE public.orders" in html
    assert "orders_customer_idx" in html and "(customer_id) → public.customers(id)" in html
    assert reverse("editor", args=[project.slug]) not in html  # no way into the project
    svg = client.get(reverse("shared_diagram", args=[link.token]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    sql = client.get(reverse("shared_schema", args=[link.token]))
    assert "CREATE TABLE public.customers" in sql.content.decode()
    # The token opens nothing else.
    assert client.get(reverse("editor", args=[project.slug])).status_code == 302

    client.force_login(owner)
    client.post(reverse("share_link_revoke", args=[project.slug, link.pk]), **HX)
    client.logout()
    for name in ("shared", "shared_diagram", "shared_schema"):
        assert client.get(reverse(name, args=[link.token])).status_code == 404


def test_expired_and_unknown_links_are_404(client, owner, project):
    client.force_login(owner)
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).date().isoformat()
    client.post(reverse("share_links", args=[project.slug]), {"expires_on": tomorrow}, **HX)
    link = ShareLink.objects.get()
    assert client.get(reverse("shared", args=[link.token])).status_code == 200
    ShareLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(reverse("shared", args=[link.token])).status_code == 404
    assert client.get(reverse("shared", args=["no-such-token"])).status_code == 404
    listing = client.get(reverse("share_links", args=[project.slug])).content.decode()
    assert "expired</span>" in listing


def test_an_expiry_in_the_past_is_refused(client, owner, project):
    client.force_login(owner)
    response = client.post(
        reverse("share_links", args=[project.slug]), {"expires_on": "2000-01-01"}, **HX
    )
    assert response.status_code == 422 and ERR_EXPIRY_PAST in response.content.decode()
    assert not ShareLink.objects.exists()


def test_only_the_owner_manages_links(client, owner, project, django_user_model):
    ed = django_user_model.objects.create_user("ed", password="pw-long-enough-1")
    Membership.objects.create(project=project, user=ed, role=Role.EDITOR)
    client.force_login(ed)
    url = reverse("share_links", args=[project.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"label": "x"}, **HX).status_code == 403
