from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from core.admin import ReadOnlyAdminMixin


def _app_name(label: str) -> str:
    return str(apps.app_configs[label].verbose_name) if label in apps.app_configs else label


def _model_name(app_label: str, model: str) -> str:
    try:
        return str(apps.get_model(app_label, model)._meta.verbose_name)
    except LookupError:  # a model removed since: its stored name is all there is
        return model


class AppFilter(admin.SimpleListFilter):
    """The app codes stored on each entry (``partybuilding``), offered by their names."""

    title = _("app")
    parameter_name = "app_label"

    def lookups(self, request, model_admin):
        labels = AuditEntry.objects.order_by().values_list("app_label", flat=True).distinct()
        return sorted(((label, _app_name(label)) for label in labels if label), key=str)

    def queryset(self, request, queryset):
        return queryset.filter(app_label=self.value()) if self.value() else queryset


class ModelFilter(admin.SimpleListFilter):
    title = _("model")
    parameter_name = "model_key"

    def lookups(self, request, model_admin):
        pairs = AuditEntry.objects.order_by().values_list("app_label", "model").distinct()
        return sorted(
            (
                (f"{app_label}.{model}", _model_name(app_label, model))
                for app_label, model in pairs
                if model
            ),
            key=lambda choice: choice[1],
        )

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        app_label, _sep, model = self.value().partition(".")
        return queryset.filter(app_label=app_label, model=model)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The platform's operators read the log; nobody edits it. It spans every street, so
    only superusers see it (street staff follow their records' own timelines)."""

    list_display = (
        "at",
        "actor_name",
        "action",
        "app_name",
        "model_name",
        "object_repr",
        "ip_address",
    )
    list_filter = ("action", AppFilter, ModelFilter)
    search_fields = ("actor_name", "object_repr", "object_pk")
    date_hierarchy = "at"
    # The stored codes (app_label, model) show by their names.
    fields = readonly_fields = [
        "app_name"
        if field.name == "app_label"
        else "model_name"
        if field.name == "model"
        else field.name
        for field in AuditEntry._meta.fields
    ]

    @admin.display(description=_("app"), ordering="app_label")
    def app_name(self, entry):
        return _app_name(entry.app_label)

    @admin.display(description=_("model"), ordering="model")
    def model_name(self, entry):
        return _model_name(entry.app_label, entry.model)

    def get_queryset(self, request):
        # Every admin page looks rows up through this: for anyone else no entry exists.
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
