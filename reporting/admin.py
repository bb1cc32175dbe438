import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import ScopedAdminMixin
from accounts.scoping import get_visible_or_404
from jobs.services import job_start
from reporting.jobs import REPORT_JOB
from reporting.models import PeriodicReport, ReportKind
from reporting.services import previous_month


class ReportGenerateForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=ReportKind.choices)
    period = forms.CharField(
        label=gettext_lazy("period"),
        help_text=gettext_lazy("YYYY-MM for a monthly report, YYYY for an annual report"),
        max_length=7,
    )

    def clean(self):
        data = super().clean()
        kind, period = data.get("kind"), (data.get("period") or "").strip()
        pattern = "%Y" if kind == ReportKind.ANNUAL else "%Y-%m"
        try:
            start = datetime.datetime.strptime(period, pattern).date()
        except ValueError:
            raise forms.ValidationError(
                {"period": _("Write the period as %(example)s.") % {"example": _example(kind)}}
            ) from None
        if start > timezone.localdate():
            raise forms.ValidationError({"period": _("The period has not started yet.")})
        data["period_start"] = start
        return data


def _example(kind) -> str:
    return "2026" if kind == ReportKind.ANNUAL else "2026-10"


@admin.register(PeriodicReport)
class PeriodicReportAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("period_label", "street", "kind", "updated_at", "downloads", "emailed_at")
    list_filter = ("kind",)
    list_select_related = ("street",)
    readonly_fields = [field.name for field in PeriodicReport._meta.fields]
    change_list_template = "admin/reporting/periodicreport/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def may_generate(self, request) -> bool:
        user = request.user
        return user.has_perm("reporting.add_periodicreport") and (
            user.street_id or user.is_superuser
        )

    @admin.display(description=gettext_lazy("period"))
    def period_label(self, report):
        return report.period_label

    @admin.display(description=gettext_lazy("files"))
    def downloads(self, report):
        return format_html(
            '<a href="{}">PDF</a> · <a href="{}">Excel</a>',
            reverse("admin:reporting_periodicreport_file", args=[report.pk, "pdf"]),
            reverse("admin:reporting_periodicreport_file", args=[report.pk, "xlsx"]),
        )

    def get_urls(self):
        return [
            path(
                "generate/",
                self.admin_site.admin_view(self.generate_view),
                name="reporting_periodicreport_generate",
            ),
            # Only the two formats: "<pk>/change/" and "<pk>/history/" are the stock pages.
            re_path(
                r"^(?P<pk>\d+)/(?P<fmt>pdf|xlsx)/$",
                self.admin_site.admin_view(self.file_view),
                name="reporting_periodicreport_file",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        context = {**(extra_context or {})}
        if self.may_generate(request):
            context["generate_url"] = reverse("admin:reporting_periodicreport_generate")
        return super().changelist_view(request, extra_context=context)

    def file_view(self, request, pk: int, fmt: str):
        report = get_visible_or_404(PeriodicReport, request.user, pk=pk)
        stored = {"pdf": report.pdf, "xlsx": report.xlsx}.get(fmt)
        if not stored:
            raise Http404
        return FileResponse(
            stored.open("rb"), as_attachment=True, filename=f"{report.file_stem}.{fmt}"
        )

    def generate_view(self, request):
        if not self.may_generate(request):
            raise PermissionDenied
        year, month = previous_month(timezone.localdate())
        form = ReportGenerateForm(
            request.POST or None,
            initial={"kind": ReportKind.MONTHLY, "period": f"{year}-{month:02d}"},
        )
        if request.method == "POST" and form.is_valid():
            street = request.user.street
            start = form.cleaned_data["period_start"]
            kind = ReportKind(form.cleaned_data["kind"])
            job = job_start(
                kind=REPORT_JOB,
                actor=request.user,
                street=street,
                title=f"{street.name} {kind.label} {form.cleaned_data['period']}",
                params={"street_id": street.pk, "kind": kind, "period_start": start.isoformat()},
            )
            return redirect("jobs:detail", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Generate a statistics report"),
            "form": form,
        }
        return TemplateResponse(request, "admin/reporting/periodicreport/generate.html", context)


def _may(permission: str):
    def allowed(user, organization) -> bool:
        return user.has_perm(permission)

    return allowed


def register_organization_links() -> None:
    """The organization's records kept by the apps above incubation, linked from its
    admin page (incubation cannot import them): lists filtered to the organization, each
    still scoped by its own admin."""
    from incubation.tools import OrganizationTool, register_organization_tool

    links = [
        ("reviews", gettext_lazy("Annual reviews"), "evaluation_review", "evaluation.view_review"),
        (
            "grants",
            gettext_lazy("Grant applications"),
            "funding_application",
            "funding.view_application",
        ),
        (
            "party_coverage",
            gettext_lazy("Party coverage"),
            "partybuilding_partycoverage",
            "partybuilding.view_partycoverage",
        ),
    ]
    for code, label, admin_name, permission in links:
        register_organization_tool(
            OrganizationTool(
                code=f"related_{code}",
                label=label,
                url_name=f"admin:{admin_name}_changelist",
                allowed=_may(permission),
                method="get",
                group="related",
                query="organization__id__exact={pk}",
            )
        )


register_organization_links()
