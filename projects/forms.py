"""Forms that read the collaboration pages' posts. They only coerce input; services validate."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from designer.forms import EditForm, NameListField


def _text() -> forms.CharField:
    return forms.CharField(required=False, strip=True)


class InviteForm(EditForm):
    who = _text()
    role = _text()


class RoleForm(EditForm):
    role = _text()


class SnapshotForm(EditForm):
    name = _text()
    message = forms.CharField(required=False, strip=True, widget=forms.Textarea)


class CompareForm(EditForm):
    base = _text()
    target = _text()


class CommentForm(EditForm):
    body = forms.CharField(required=False, strip=True, widget=forms.Textarea)
    anchor_kind = _text()
    anchor = _text()


class ReviewForm(EditForm):
    title = _text()
    description = forms.CharField(required=False, strip=True, widget=forms.Textarea)
    version = _text()  # a version name, or "working" to snapshot the working design first
    base_version = _text()  # a version name, or empty for "no base" (the whole design)
    reviewers = NameListField(required=False)  # usernames


class DecisionForm(EditForm):
    decision = _text()
    note = forms.CharField(required=False, strip=True, widget=forms.Textarea)


class ShareLinkForm(EditForm):
    label = _text()
    expires_on = forms.DateField(required=False)

    def expires_at(self) -> Any:
        """The end of the chosen day (UTC), or None for a link that never expires."""
        day = self.read()["expires_on"]
        if day is None:
            return None
        return datetime.datetime.combine(day, datetime.time.max, tzinfo=datetime.UTC)
