"""Forms that read the editor's posts. They only coerce input; the services validate it.

Every field is optional here on purpose: an empty name or a bad type reaches the service,
which answers with the one error constant users see, next to the field that caused it.
"""

from __future__ import annotations

from typing import Any

from django import forms

from projects.forms import EditForm, NameListField, text_field


class TableForm(EditForm):
    name = text_field()
    schema_name = text_field()
    comment = forms.CharField(required=False, strip=True, widget=forms.Textarea)
    group = text_field()
    color = text_field()
    version = forms.IntegerField(required=False)


class ColumnForm(EditForm):
    name = text_field()
    data_type = text_field()
    not_null = forms.BooleanField(required=False)
    default = text_field()
    identity = text_field()
    primary_key = forms.BooleanField(required=False)
    unique = forms.BooleanField(required=False)
    comment = text_field()
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
    ref_table = text_field()  # the target table's uid
    ref_columns = NameListField(required=False)
    on_delete = text_field()
    on_update = text_field()
    deferrable = forms.BooleanField(required=False)
    name = text_field()


class CheckForm(EditForm):
    name = text_field()
    expression = forms.CharField(required=False, strip=True)


class UniqueForm(EditForm):
    columns = NameListField(required=False)
    name = text_field()
    nulls_not_distinct = forms.BooleanField(required=False)


class IndexForm(EditForm):
    name = text_field()
    method = text_field()
    parts = forms.CharField(required=False, strip=True, widget=forms.Textarea)
    unique = forms.BooleanField(required=False)
    include = text_field()
    where = text_field()
    nulls_not_distinct = forms.BooleanField(required=False)
    purpose = text_field()

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
    name = text_field()
    schema_name = text_field()
    values = forms.CharField(required=False, widget=forms.Textarea)
    comment = text_field()
