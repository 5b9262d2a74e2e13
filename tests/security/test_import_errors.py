"""An import error names its line once ("Line 3: …", never "Line 3: Line 3: …")."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("line", [1, 2, 7])
@pytest.mark.parametrize("fmt", ["postgres", "auto"])
def test_an_import_error_names_its_line_once(client, django_user_model, line: int, fmt: str):
    client.force_login(django_user_model.objects.create_user("ada", password="pw-long-enough-1"))
    text = "CREATE TABLE ok (id int);\n" * (line - 1) + "CREATE TABLE broken (id int,,);\n"
    response = client.post("/import/", {"text": text, "format": fmt}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    html = response.content.decode()
    assert len(re.findall(rf"Line {line}:", html)) == 1, html
    assert not re.search(r"Line \d+:\s*(<[^>]+>\s*)*Line \d+:", html)
