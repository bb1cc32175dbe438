"""The admin as a product: the main modules first, third-party apps named in Chinese, and
the technical models (schedules, sign-in logs, role groups) shown to superusers only.

``KaiyihuiAdminConfig`` (below, named in INSTALLED_APPS) makes ``KaiyihuiAdminSite`` the default
``admin.site``, so every app's ``@admin.register`` lands here unchanged.
"""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import apps as admin_apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The index and the sidebar list the apps in this order: the daily work first (social
# organizations, party building, evaluation, micro-venture grants), then accounts, jobs
# and reports, then the technical apps. An app not listed comes last, by name.
APP_ORDER = [
    "incubation",
    "partybuilding",
    "evaluation",
    "funding",
    "accounts",
    "jobs",
    "reporting",
    "notifications",
    "audit",
    "auth",
    "axes",
    "django_celery_beat",
]

# Third-party apps without a Chinese name of their own (the label would show: "Axes",
# "Otp_Static"). Set on the app configs, not the models: a model's verbose name is part
# of its migration state, an app's is not.
APP_NAMES = {
    "auth": _("Roles and permissions"),
    "axes": _("Sign-in protection"),
    "django_celery_beat": _("Scheduled tasks"),
    "django_otp": _("Two-factor sign-in"),
    "otp_totp": _("Authenticator apps"),
    "otp_static": _("Recovery codes"),
    "import_export": _("Excel import and export"),
}

# Models that run the platform rather than its work: street staff never need them, and a
# wrong edit (a role's permissions, the beat schedule) breaks things for everyone.
TECHNICAL_APPS = frozenset({"axes", "django_celery_beat", "import_export"})
TECHNICAL_MODELS = frozenset({"auth.Group"})


def is_technical(model) -> bool:
    return model._meta.app_label in TECHNICAL_APPS or model._meta.label in TECHNICAL_MODELS


# Admin options of technical models whose stock pages show English that is not a
# translation: django-celery-beat's "human readable" crontab comes from cron-descriptor in
# English, so the crontab shows its five fields instead.
TECHNICAL_ADMIN_OPTIONS = {
    "django_celery_beat.CrontabSchedule": {
        "list_display": ("minute", "hour", "day_of_month", "month_of_year", "day_of_week"),
        "fields": ("minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone"),
        "readonly_fields": (),
    },
}


def _sign_in_record_str(record) -> str:
    when = record.attempt_time and f"{timezone.localtime(record.attempt_time):%Y-%m-%d %H:%M}"
    return f"{record._meta.verbose_name} {record.username or ''} {when or ''}".strip()


def name_third_party_apps() -> None:
    for label, name in APP_NAMES.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
    # django-axes names its records in English ("Access Log for admin @ …"); they show in
    # titles and breadcrumbs. Only __str__: the models' migration state is untouched.
    if "axes" in apps.app_configs:
        for model in apps.get_app_config("axes").get_models():
            if any(field.name == "attempt_time" for field in model._meta.fields):
                model.__str__ = _sign_in_record_str


class SuperuserOnlyMixin:
    """Every page and the index entry of a technical model: superusers only. Others get
    the admin's 403, as for any model their role has no permission on."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


def app_rank(label: str) -> tuple[int, str]:
    try:
        return APP_ORDER.index(label), ""
    except ValueError:
        return len(APP_ORDER), label


class KaiyihuiAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        # Technical models stay registered with their app's own admin class, wrapped so that
        # only superusers reach them.
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        for model in models:
            cls = admin_class or admin.ModelAdmin
            if is_technical(model) and not issubclass(cls, SuperuserOnlyMixin):
                extra = TECHNICAL_ADMIN_OPTIONS.get(model._meta.label, {})
                cls = type(f"SuperuserOnly{cls.__name__}", (SuperuserOnlyMixin, cls), extra)
            super().register(model, cls, **options)

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        app_list.sort(key=lambda app: app_rank(app["app_label"]))
        return app_list


class KaiyihuiAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site (above): module order, Chinese app names,
    technical models for superusers only. Named in INSTALLED_APPS by its path."""

    default_site = "core.admin_site.KaiyihuiAdminSite"

    def ready(self):
        name_third_party_apps()
        super().ready()
        admin.site.site_header = settings.PLATFORM_NAME
        admin.site.site_title = settings.PLATFORM_NAME
        admin.site.index_title = _("Street office administration")
