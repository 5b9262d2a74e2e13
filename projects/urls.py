"""Team review URLs: members, versions, comments, reviews, activity, share links.

Included at the site root. Every /p/<slug>/ view passes projects.access; the /s/<token>/
views are public (no login) and open only the one project the token names.
"""

from django.urls import path

from designer.views import comments, compare_live, share, versions
from projects import views, views_activity, views_members, views_reviews

P = "p/<slug:slug>/"

urlpatterns = [
    path(P + "revision/", views.revision, name="revision"),
    # members
    path(P + "members/", views_members.members, name="members"),
    path(P + "members/<int:user_id>/role/", views_members.member_role, name="member_role"),
    path(
        P + "members/<int:user_id>/remove/",
        views_members.member_remove_view,
        name="member_remove",
    ),
    path(
        P + "members/<int:user_id>/transfer/",
        views_members.ownership_transfer_view,
        name="ownership_transfer",
    ),
    # versions
    path(P + "versions/", versions.versions, name="versions"),
    path(P + "versions/compare/", versions.version_compare, name="version_compare"),
    path(
        P + "versions/compare/<str:direction>.sql",
        versions.version_migration,
        name="version_migration",
    ),
    path(P + "versions/<int:pk>/restore/", versions.version_restore_view, name="version_restore"),
    path(P + "versions/compare-live/", compare_live.compare_live, name="version_compare_live"),
    path(P + "versions/rehearse/", compare_live.version_rehearse, name="version_rehearse"),
    # comments
    path(P + "comments/", comments.comments, name="comments"),
    path(P + "comments/<int:pk>/reply/", comments.comment_reply, name="comment_reply"),
    path(P + "comments/<int:pk>/resolve/", comments.comment_resolve, name="comment_resolve"),
    # reviews
    path(P + "reviews/", views_reviews.reviews, name="reviews"),
    path(P + "reviews/<int:pk>/", views_reviews.review_detail, name="review_detail"),
    path(P + "reviews/<int:pk>/decide/", views_reviews.review_decide_view, name="review_decide"),
    # activity
    path(P + "activity/", views_activity.activity, name="activity"),
    # share links: managed by the owner, opened by anyone holding the token
    path(P + "share/", share.share_links, name="share_links"),
    path(P + "share/<int:pk>/revoke/", share.share_link_revoke_view, name="share_link_revoke"),
    path("s/<str:token>/", share.shared, name="shared"),
    path("s/<str:token>/diagram.svg", share.shared_diagram, name="shared_diagram"),
    path("s/<str:token>/schema.sql", share.shared_schema, name="shared_schema"),
]
