"""/api/v1/: the public read API, its OpenAPI schema and the docs page.

The docs page is Swagger UI from drf-spectacular-sidecar's static files (no CDN), with its
start-up script fetched as a file (``SpectacularSwaggerSplitView``): the site's
Content-Security-Policy allows no inline script."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from rankings.api import views

app_name = "api"


class Router(DefaultRouter):
    # No ``.json`` suffix routes: one URL per resource, the format by the Accept header.
    include_format_suffixes = False


# Path converters (``<int:pk>``): ids are integers in the URL and in the schema.
router = Router(use_regex_path=False)
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("rankings", views.RankingViewSet, basename="ranking")
router.register("needs", views.NeedViewSet, basename="need")
router.register("resources", views.ResourceViewSet, basename="resource")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("wishes", views.WishViewSet, basename="wish")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("honours", views.HonourViewSet, basename="honour")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
