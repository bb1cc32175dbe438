from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as accounts_views
from core.health import healthz
from reporting import views as reporting_views
from twofactor import views as twofactor_views

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

urlpatterns = [
    path("", reporting_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("dashboard/", reporting_views.dashboard, name="dashboard"),
    path("dashboard/recompute/", reporting_views.dashboard_recompute, name="dashboard_recompute"),
    path("accounts/login/", twofactor_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", include("twofactor.urls")),
    path(
        "accounts/password/",
        accounts_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/password/reset/", include("accounts.password_urls")),
    path("accounts/staff/", include("accounts.urls")),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "organizations/<int:pk>/dossier/",
        reporting_views.dossier_start_view,
        name="dossier_start",
    ),
    path("organizations/", include("incubation.urls")),
    path("notifications/", include("notifications.urls")),
    path("party/", include("partybuilding.urls")),
    path("market/", include("marketplace.urls")),
    path("volunteer/", include("volunteering.urls")),
    path("rankings/", include("rankings.urls")),
    path("awards/", include("awards.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("funding/", include("funding.urls")),
    path("jobs/", include("jobs.urls")),
    # The public read API (rankings.api): anonymous, read-only, throttled.
    path("api/v1/", include("rankings.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
