from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin import ScopedAdminMixin
from jobs.models import Job


@admin.register(Job)
class JobAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "status", "progress", "created_by", "created_at", "result_link")
    list_filter = ("status", "kind")
    list_select_related = ("created_by",)
    readonly_fields = [field.name for field in Job._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("progress"))
    def progress(self, job):
        return format_html(
            '<a href="{}"><progress max="100" value="{}"></progress> {}%</a>',
            reverse("jobs:detail", args=[job.pk]),
            job.percent,
            job.percent,
        )

    @admin.display(description=_("result file"))
    def result_link(self, job):
        if not job.result:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("jobs:download", args=[job.pk]), _("Download")
        )
