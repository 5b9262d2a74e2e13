"""Import pages: into a new project, or replacing a project's working design."""

from django.urls import path

from designer.views import imports

urlpatterns = [
    path("import/", imports.import_page, name="import_new"),
    path("import/confirm/", imports.import_confirm, name="import_new_confirm"),
    path("p/<slug:slug>/import/", imports.import_page, name="import_project"),
    path("p/<slug:slug>/import/confirm/", imports.import_confirm, name="import_project_confirm"),
]
