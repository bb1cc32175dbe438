from django.contrib import admin

from accounts.admin import ScopedAdminMixin
from incubation.models import Organization


@admin.register(Organization)
class OrganizationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "community"]
    list_filter = ["community"]
    search_fields = ["name"]
    list_select_related = ["community"]
    filter_horizontal = ["leader_accounts"]
