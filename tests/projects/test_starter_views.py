"""The "New project" form offers the starter designs and creates the project from one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from designer.starters import STARTERS

pytestmark = pytest.mark.django_db


def test_new_project_form_offers_every_starter_and_uses_the_chosen_one(client, django_user_model):
    user = django_user_model.objects.create_user("nina", password="pw-long-enough-1")
    client.force_login(user)
    html = client.get(reverse("project_list")).content.decode()
    for starter in STARTERS.values():
        assert f'name="starter" value="{starter.id}"' in html
        assert starter.title in html
    response = client.post(reverse("project_create"), {"name": "Shop", "starter": "shop"})
    assert response.status_code == 302
    editor = client.get(response["Location"]).content.decode()
    assert "5 tables" in editor
    assert "data-uid" in editor and ">order_items<" in editor
