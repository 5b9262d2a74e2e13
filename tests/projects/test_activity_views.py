"""The activity log: who changed what and when, filtered by object text and by user."""

from __future__ import annotations

import pytest
from django.urls import reverse

from designer.services.tables import table_create, table_update
from projects.models import Membership, Role
from projects.services import project_create

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def test_activity_lists_edits_and_filters_by_object_and_user(client, django_user_model):
    olga = django_user_model.objects.create_user("olga", password="pw-long-enough-1")
    ed = django_user_model.objects.create_user("ed", password="pw-long-enough-1")
    project = project_create(owner=olga, name="Shop")
    Membership.objects.create(project=project, user=ed, role=Role.EDITOR)
    orders, _ = table_create(actor=olga, project=project, name="orders")
    table_create(actor=ed, project=project, name="invoices")
    table_update(actor=ed, table=orders, name="purchases", comment="renamed")
    client.force_login(ed)
    url = reverse("activity", args=[project.slug])

    html = client.get(url).content.decode()
    assert "public.orders" in html and "public.invoices" in html and "public.purchases" in html
    assert 'id="comments-project"' in html  # the project discussion sits beside the log

    only_ed = client.get(url, {"user": "ed"}, **HX).content.decode()
    assert only_ed.strip().startswith('<table id="activity-list"')
    assert "public.invoices" in only_ed and "<code>public.orders</code>" not in only_ed
    # before/after of the rename
    assert "public.orders" in only_ed and "public.purchases" in only_ed

    invoices = client.get(url, {"q": "invoice"}, **HX).content.decode()
    assert "public.invoices" in invoices and "purchases" not in invoices
    nothing = client.get(url, {"q": "invoice", "user": "olga"}, **HX).content.decode()
    assert "Nothing matches this filter." in nothing
