"""Forms that read the project and collaboration pages' posts, and the base every form of the
app builds on. They only coerce input; the services validate it.

Every field is optional on purpose: an empty name or a bad value reaches the service, which
answers with the one error constant users see, next to the field that caused it.
"""

from __future__ import annotations

import datetime
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


def text_field() -> forms.CharField:
    """An optional one-line text field, stripped."""
    return forms.CharField(required=False, strip=True)


class EditForm(forms.Form):
    def read(self) -> dict[str, Any]:
        """The cleaned values; a form whose coercion failed still yields what it could read."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


class ProjectForm(EditForm):
    name = text_field()
    slug = text_field()
    starter = text_field()
    description = forms.CharField(required=False, strip=True, widget=forms.Textarea)


class ProjectSettingsForm(EditForm):
    name = text_field()
    description = forms.CharField(required=False, strip=True, widget=forms.Textarea)


class ProjectDeleteForm(EditForm):
    confirm_name = forms.CharField(required=False, strip=False)


class InviteForm(EditForm):
    who = text_field()
    role = text_field()


class RoleForm(EditForm):
    role = text_field()


class SnapshotForm(EditForm):
    name = text_field()
    message = forms.CharField(required=False, strip=True, widget=forms.Textarea)


class CompareForm(EditForm):
    base = text_field()
    target = text_field()


class CommentForm(EditForm):
    body = forms.CharField(required=False, strip=True, widget=forms.Textarea)
    anchor_kind = text_field()
    anchor = text_field()


class ReviewForm(EditForm):
    title = text_field()
    description = forms.CharField(required=False, strip=True, widget=forms.Textarea)
    version = text_field()  # a version name, or "working" to snapshot the working design first
    base_version = text_field()  # a version name, or empty for "no base" (the whole design)
    reviewers = NameListField(required=False)  # usernames


class DecisionForm(EditForm):
    decision = text_field()
    note = forms.CharField(required=False, strip=True, widget=forms.Textarea)


class ShareLinkForm(EditForm):
    label = text_field()
    expires_on = forms.DateField(required=False)

    def expires_at(self) -> Any:
        """The end of the chosen day (UTC), or None for a link that never expires."""
        day = self.read()["expires_on"]
        if day is None:
            return None
        return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)


class ApiTokenForm(EditForm):
    name = text_field()
    project = text_field()  # a project's slug, or empty for every project
    role = text_field()  # viewer, reviewer, editor, owner, or empty for the user's role


class WebhookForm(EditForm):
    url = text_field()
    events = NameListField(required=False)
