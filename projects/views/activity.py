"""The activity log: who changed what, when, with before and after; filtered by text and user."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from designer.views.common import HtmxHttpRequest
from projects.access import project_access
from projects.models import Activity, Membership, Role
from projects.views.projects import page

ACTIVITY = "projects/activity.html"
ACTIVITY_LIMIT = 200


@require_GET
def activity(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(request.user, slug, Role.VIEWER)
    q = request.GET.get("q", "").strip()
    who = request.GET.get("user", "").strip()
    rows = Activity.objects.filter(project=access.project).select_related("actor")
    if q:
        rows = rows.filter(
            Q(object_name__icontains=q) | Q(object_kind__icontains=q) | Q(verb__icontains=q)
        )
    if who:
        rows = rows.filter(actor__username=who)
    users = (
        Membership.objects.filter(project=access.project)
        .values_list("user__username", flat=True)
        .order_by("user__username")
    )
    context = {
        "access": access,
        "project": access.project,
        "page_title": "Activity",
        "rows": list(rows[:ACTIVITY_LIMIT]),
        "limit": ACTIVITY_LIMIT,
        "q": q,
        "who": who,
        "users": list(users),
    }
    return page(request, ACTIVITY, "activity-list", context)
