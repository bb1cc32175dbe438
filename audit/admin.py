from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The platform's operators read the log; nobody edits it. It spans every street, so
    only superusers see it (street staff follow their records' own timelines)."""

    list_display = ("at", "actor_name", "action", "app_label", "model", "object_repr", "ip_address")
    list_filter = ("action", "app_label", "model")
    search_fields = ("actor_name", "object_repr", "object_pk")
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    def get_queryset(self, request):
        # Every admin page looks rows up through this: for anyone else no entry exists.
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
