from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.cache import never_cache

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.pages.edit import EditView
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import AdminPasswordResetView
from certificates.api import api as certificates_api
from cms import routing, views
from cms.workflow_actions import guard_workflow_actions
from courses import views as course_views

urlpatterns = [
    # First, as the most requested path that is not a page: nothing below matches api/v1/.
    path("api/v1/", certificates_api.urls),
    # Before Wagtail's own, which it replaces: the same page under the site's rate limits.
    path(
        "admin/password_reset/",
        AdminPasswordResetView.as_view(),
        name="wagtailadmin_password_reset",
    ),
    # Before Wagtail's own: its page editor, safe against a workflow action posted twice.
    path(
        "admin/pages/<int:page_id>/edit/",
        require_admin_access(never_cache(guard_workflow_actions(EditView.as_view()))),
        name="page_edit_guarded",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("accounts.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("", include("certificates.urls")),
    path("search/", views.search, name="search"),
    path("dashboard/", course_views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    *(
        path(name, views.root_icon, {"name": name}, name=name.split(".")[0])
        for name in views.ROOT_ICONS
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's front-end URLs, with its page view replaced by one that keeps routes in the cache.
urlpatterns += [
    path("", include([p for p in wagtail_urls.urlpatterns if p.name != "wagtail_serve"])),
    re_path(wagtail_urls.serve_pattern, routing.serve, name="wagtail_serve"),
]
