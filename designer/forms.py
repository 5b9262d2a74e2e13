"""Forms that read the editor's posts. They only coerce input; the services validate it.

Every field is optional here on purpose: an empty name or a bad type reaches the service,
which answers with the one error constant users see, next to the field that caused it.
"""

from __future__ import annotations

from typing import Any

from django import forms


class NameListField(forms.Field):
    """A list of names from a multi-select (or repeated inputs); blanks dropped, order kept."""

    widget = forms.SelectMultiple

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = value.split(",")
        return [str(v).strip() for v in value if str(v).strip()]


def _text() -> forms.CharField:
    return forms.CharField(required=False, strip=True)


class EditForm(forms.Form):
    def read(self) -> dict[str, Any]:
        """The cleaned values; a form whose coercion failed still yields what it could read."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


class TableForm(EditForm):
    name = _text()
    schema_name = _text()
    comment = forms.CharField(required=False, strip=True, widget=forms.Textarea)
    group = _text()
    color = _text()
    version = forms.IntegerField(required=False)


class ColumnForm(EditForm):
    name = _text()
    data_type = _text()
    not_null = forms.BooleanField(required=False)
    default = _text()
    identity = _text()
    primary_key = forms.BooleanField(required=False)
    unique = forms.BooleanField(required=False)
    comment = _text()
    version = forms.IntegerField(required=False)

    def service_kwargs(self) -> dict[str, Any]:
        v = self.read()
        return {
            "name": v["name"] or "",
            "data_type": v["data_type"] or "",
            "nullable": not v["not_null"],
            "default": v["default"] or None,
            "identity": v["identity"] or "",
            "comment": v["comment"] or "",
            "primary_key": bool(v["primary_key"]),
            "unique": bool(v["unique"]),
        }


class ForeignKeyForm(EditForm):
    columns = NameListField(required=False)
    ref_table = _text()  # the target table's uid
    ref_columns = NameListField(required=False)
    on_delete = _text()
    on_update = _text()
    deferrable = forms.BooleanField(required=False)
    name = _text()


class CheckForm(EditForm):
    name = _text()
    expression = forms.CharField(required=False, strip=True)


class UniqueForm(EditForm):
    columns = NameListField(required=False)
    name = _text()
    nulls_not_distinct = forms.BooleanField(required=False)


class IndexForm(EditForm):
    name = _text()
    method = _text()
    parts = forms.CharField(required=False, strip=True, widget=forms.Textarea)
    unique = forms.BooleanField(required=False)
    include = _text()
    where = _text()
    nulls_not_distinct = forms.BooleanField(required=False)
    purpose = _text()

    def service_kwargs(self) -> dict[str, Any]:
        v = self.read()
        return {
            "name": v["name"] or "",
            "method": v["method"] or "btree",
            "parts": v["parts"] or "",
            "unique": bool(v["unique"]),
            "include": v["include"] or "",
            "where": v["where"] or "",
            "nulls_not_distinct": bool(v["nulls_not_distinct"]),
            "purpose": v["purpose"] or "",
        }


class EnumForm(EditForm):
    name = _text()
    schema_name = _text()
    values = forms.CharField(required=False, widget=forms.Textarea)
    comment = _text()


class ProjectForm(EditForm):
    name = _text()
    slug = _text()
    description = forms.CharField(required=False, strip=True, widget=forms.Textarea)
