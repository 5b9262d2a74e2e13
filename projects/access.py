"""The one gate every project view passes: who may do what on which project.

Non-members get 404, never 403, so a project's existence does not leak.
Members whose role is too low for the action get 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from projects.models import Membership, Project, Role

ERR_ROLE_TOO_LOW = "Your role on this project ({role}) does not allow this."


@dataclass(frozen=True)
class ProjectAccess:
    project: Project
    role: str

    def can(self, needed: str) -> bool:
        return Membership(role=self.role).allows(needed)

    @property
    def can_edit(self) -> bool:
        return self.can(Role.EDITOR)

    @property
    def can_review(self) -> bool:
        return self.can(Role.REVIEWER)

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


def project_access(user, slug: str, needed: str = Role.VIEWER) -> ProjectAccess:
    """The user's access to the project ``slug``, or Http404 / PermissionDenied."""
    if not user.is_authenticated:
        raise Http404("No such project.")
    membership = (
        Membership.objects.select_related("project").filter(project__slug=slug, user=user).first()
    )
    if membership is None:
        raise Http404("No such project.")
    if not membership.allows(needed):
        raise PermissionDenied(ERR_ROLE_TOO_LOW.format(role=membership.role))
    return ProjectAccess(project=membership.project, role=membership.role)
