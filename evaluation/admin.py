"""Staff pages for evaluation. Templates and cycles are edited here; a review's staff
actions (assign, return, extend, finalize) are on its portal page, linked from the list.
Every write goes through a service."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import ScopedAdminMixin
from core.admin import ReadOnlyAdminMixin, ServiceAdminMixin
from core.errors import ActionRefused
from evaluation.admin_forms import (
    JSON_FIELDS,
    THRESHOLD_FIELDS,
    WEIGHT_FIELDS,
    CycleAdminForm,
)
from evaluation.choices import EvaluatorGroup
from evaluation.exports import RESULTS_EXPORT
from evaluation.jobs import KIND as REPORTS_JOB
from evaluation.models import ConflictDeclaration, Cycle, Indicator, IndicatorTemplate, Review
from evaluation.services.cycles import (
    CYCLE_FIELDS,
    cycle_change_status,
    cycle_create,
    cycle_update,
)
from evaluation.services.templates import (
    template_new_version,
    template_save,
    template_sync_dimension_points,
)
from evaluation.workflows import CycleStatus, ReviewStatus
from jobs.exports import export_start
from jobs.services import job_start


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fk_name = "template"
    extra = 0
    fields = ["position", "code", "name", "parent", "max_points", "scope", "is_party_section"]
    ordering = ["position"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # A dimension of this template only (never another street's or version's).
            template_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Indicator.objects.filter(
                template_id=template_id, parent__isnull=True
            ).visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None):
        return bool(obj is None or not obj.frozen) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return bool(obj is None or not obj.frozen) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return bool(obj is None or not obj.frozen) and super().has_delete_permission(request, obj)


@admin.register(IndicatorTemplate)
class IndicatorTemplateAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "version", "frozen", "updated_at"]
    fields = ["name", "version", "frozen", "previous"]
    readonly_fields = ["version", "frozen", "previous"]
    inlines = [IndicatorInline]
    actions = ["new_version"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.frozen:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # One service for both: a template is saved whole (refusals: ServiceAdminMixin).
        template_save(template=obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        # The indicator rows of an unfrozen template are plain data: no state, each change
        # logged by audit.recorder; the dimensions' points are summed again just below.
        # services-only: ok inline rows of an unfrozen template
        super().save_related(request, form, formsets, change)
        # A dimension's maximum is the sum of its items.
        template_sync_dimension_points(form.instance)

    @admin.action(description=gettext_lazy("Make a new editable version"), permissions=["view"])
    def new_version(self, request, queryset):
        for template in queryset:
            try:
                copy = template_new_version(template=template, actor=request.user)
            except ActionRefused as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return None
        return HttpResponseRedirect(
            reverse("admin:evaluation_indicatortemplate_change", args=[copy.pk])
        )


@admin.register(Cycle)
class CycleAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    form = CycleAdminForm
    list_display = ["year", "template", "opens_on", "deadline", "status", "reviews_link"]
    list_filter = ["status"]
    # The JSON settings (thresholds, weights) are edited as one number per key
    # (CycleAdminForm) and shown as a sentence once the cycle is closed.
    OTHER_RULES = [f for f in CYCLE_FIELDS if f not in JSON_FIELDS]
    fields = ["year", "template", "opens_on", "deadline", "status"]
    readonly_fields = ["status"]
    actions = ["open_cycle", "close_cycle", "generate_reports", "export_results"]

    def get_fieldsets(self, request, obj=None):
        closed = obj is not None and obj.status == CycleStatus.CLOSED
        return [
            (None, {"fields": self.fields}),
            (
                gettext_lazy("Grade thresholds"),
                {"fields": ["thresholds_text"] if closed else THRESHOLD_FIELDS},
            ),
            (
                gettext_lazy("Evaluator-group weights"),
                {"fields": ["weights_text"] if closed else WEIGHT_FIELDS},
            ),
            (gettext_lazy("Other rules"), {"fields": self.OTHER_RULES}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == CycleStatus.CLOSED:
            return [*self.fields, *self.OTHER_RULES, "thresholds_text", "weights_text"]
        if obj is not None and obj.status == CycleStatus.OPEN:
            return ["year", "template", "status"]
        return self.readonly_fields

    @admin.display(description=gettext_lazy("grade thresholds"))
    def thresholds_text(self, obj):
        thresholds = obj.thresholds or {}
        return "；".join(
            _("%(grade)s from %(points)s") % {"grade": grade, "points": thresholds[grade]}
            for grade in sorted(thresholds, reverse=True)
        )

    @admin.display(description=gettext_lazy("evaluator-group weights"))
    def weights_text(self, obj):
        weights = obj.weights or {}
        return "；".join(
            f"{EvaluatorGroup(group).label} {weights[group]}%"
            for group in EvaluatorGroup.values
            if group in weights
        )

    @admin.display(description=gettext_lazy("Annual reviews"))
    def reviews_link(self, obj):
        url = reverse("admin:evaluation_review_changelist") + f"?cycle__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Annual reviews"))

    def update_via_service(self, request, obj, form):
        cycle_update(cycle=obj, actor=request.user)

    def create_via_service(self, request, obj, form):
        return cycle_create(
            street=request.user.street,
            year=obj.year,
            template=obj.template,
            opens_on=obj.opens_on,
            deadline=obj.deadline,
            actor=request.user,
            **{f: getattr(obj, f) for f in CYCLE_FIELDS},
        )

    def _change(self, request, queryset, status):
        for cycle in queryset:
            try:
                cycle_change_status(cycle=cycle, to_status=status, actor=request.user)
            except ActionRefused as exc:
                self.message_user(request, exc.message, messages.ERROR)

    @admin.action(description=gettext_lazy("Open (tells every leader)"), permissions=["change"])
    def open_cycle(self, request, queryset):
        self._change(request, queryset, CycleStatus.OPEN)

    @admin.action(description=gettext_lazy("Close"), permissions=["change"])
    def close_cycle(self, request, queryset):
        self._change(request, queryset, CycleStatus.CLOSED)

    @admin.action(
        description=gettext_lazy("Generate all reports (background job, zip)"),
        permissions=["view"],
    )
    def generate_reports(self, request, queryset):
        cycle = queryset.first()
        if cycle is None:
            return None
        job = job_start(
            kind=REPORTS_JOB,
            actor=request.user,
            street=cycle.street,
            title=_("Evaluation reports %(year)s") % {"year": cycle.year},
            params={"cycle_id": cycle.pk},
        )
        return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))

    @admin.action(
        description=gettext_lazy("Export the results and the list of grades (Excel)"),
        permissions=["view"],
    )
    def export_results(self, request, queryset):
        """Scores, grades and 年检 results of the first selected cycle, with the 公示 list
        of grades on a second sheet: a background job (evaluation.exports)."""
        cycle = queryset.first()
        if cycle is None:
            return None
        job = export_start(
            exporter=RESULTS_EXPORT,
            actor=request.user,
            title=_("Evaluation results %(year)s") % {"year": cycle.year},
            params={"cycle_id": cycle.pk},
        )
        return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "organization",
        "cycle",
        "status",
        "total",
        "grade",
        "annual_result",
        "spread_flagged",
        "manage",
    ]
    list_filter = ["cycle", "status", "grade", "annual_result", "spread_flagged", "graded"]
    search_fields = ["organization__name", "organization__uscc", "organization__filing_number"]
    list_select_related = ["organization", "cycle"]
    readonly_fields = [f.name for f in Review._meta.fields]

    @admin.display(description=gettext_lazy("Actions"))
    def manage(self, obj):
        links = [
            format_html(
                '<a href="{}">{}</a>',
                reverse("evaluation:review", args=[obj.pk]),
                _("Assign, return, extend, finalize"),
            )
        ]
        if obj.status == ReviewStatus.FINALIZED:
            links.append(
                format_html(
                    '<a href="{}">{}</a>', reverse("evaluation:report", args=[obj.pk]), _("Report")
                )
            )
        return format_html(" · ".join(["{}"] * len(links)), *links)


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["evaluator", "organization", "reason", "created_at"]
    readonly_fields = ["evaluator", "organization", "reason", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
