from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Street, User
from accounts.scoping import ScopedQuerySet


class ScopedAdminMixin:
    """Admin pages see exactly what ``visible_to`` allows, and foreign-key choices are
    limited the same way, so staff can neither see nor pick another tenant's rows."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model._default_manager.all()
        if isinstance(related, ScopedQuerySet) and "queryset" not in kwargs:
            kwargs["queryset"] = related.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class VisibleCommunityFilter(admin.SimpleListFilter):
    """A community filter that lists only the communities the user may see (the stock
    related filter would list every street's communities)."""

    title = _("community")
    parameter_name = "community"
    community_lookup = "community"

    def lookups(self, request, model_admin):
        return [(c.pk, c.name) for c in Community.objects.visible_to(request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.community_lookup}__pk": self.value()})
        return queryset


@admin.register(Street)
class StreetAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "district", "code"]
    search_fields = ["name"]


@admin.register(Community)
class CommunityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "street", "code"]
    list_filter = ["street"]
    search_fields = ["name"]
    list_select_related = ["street"]


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "street", "community", "is_active", "last_login"]
    list_filter = ["is_active", "groups", "street"]
    search_fields = ["username", "full_name", "email"]
    list_select_related = ["street", "community"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Platform"), {"fields": ["full_name", "phone", "street", "community"]}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may hand out superuser status or single permissions; staff
        # manage people through roles (groups).
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["is_superuser", "user_permissions", "last_login", "date_joined"]
