"""Staff work on rankings here: scoring schemes (drafted, published, never edited after),
the score ledger and the ranking snapshots, read-only; a page that starts the job that
computes a period; publishing for notice and finalizing as actions; the objections filed
during a notice, each decided with a reason on its own page, their evidence downloaded.

Every write goes through ``rankings.services``; nothing here saves a row. Every list is
scoped with ``visible_to``: another street's rows answer as missing ones."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import ScopedAdminMixin
from core.admin import ReadOnlyAdminMixin, ServiceAdminMixin, refusal_text, run_each
from core.errors import ActionRefused
from core.uploads import stored_upload_response
from rankings.choices import PeriodKind
from rankings.models import (
    Objection,
    ObjectionEvent,
    ObjectionEvidence,
    Ranking,
    RankingEvent,
    RankingRow,
    ScoreEntry,
    ScoringScheme,
)
from rankings.permissions import can_manage_rankings
from rankings.services.objections import objection_decide
from rankings.services.rankings import (
    ranking_compute_start,
    ranking_finalize,
    ranking_publish,
)
from rankings.services.schemes import scheme_create, scheme_publish, scheme_update
from rankings.workflows import ObjectionStatus, RankingStatus

# --- Schemes ------------------------------------------------------------------------------


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "street", "effective_from", "published_at", "note")
    list_select_related = ("street",)
    fields = ("street", "version", "effective_from", "rules", "note", "published_at")
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return self.fields
        if obj is not None:
            return ("street", "version", "published_at")
        return ("version", "published_at")

    def has_delete_permission(self, request, obj=None):
        return False

    def create_via_service(self, request, obj, form):
        data = form.cleaned_data
        return scheme_create(
            street=data["street"],
            actor=request.user,
            effective_from=data["effective_from"],
            rules=data["rules"],
            note=data.get("note", ""),
        )

    def update_via_service(self, request, obj, form):
        scheme_update(
            ScoringScheme.objects.get(pk=obj.pk),
            actor=request.user,
            rules=obj.rules,
            effective_from=obj.effective_from,
            note=obj.note,
        )

    @admin.action(description=gettext_lazy("Publish the selected schemes"))
    def publish(self, request, queryset):
        run_each(
            self,
            request,
            queryset.filter(published_at__isnull=True),
            lambda scheme: scheme_publish(scheme, actor=request.user),
            _("%(count)d scheme(s) published."),
        )


# --- Ledger -------------------------------------------------------------------------------


@admin.register(ScoreEntry)
class ScoreEntryAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "period",
        "organization",
        "source_kind",
        "points",
        "dimension",
        "reason",
        "scheme_version",
    )
    list_filter = ("source_kind", "dimension", "period")
    list_select_related = ("organization", "scheme")
    search_fields = ("organization__name", "source_ref")
    # The ledger grows by millions of rows: no count of the whole table on every page.
    show_full_result_count = False

    @admin.display(description=gettext_lazy("scheme"), ordering="scheme__version")
    def scheme_version(self, entry):
        return f"v{entry.scheme.version}"


# --- Rankings -----------------------------------------------------------------------------


class ComputeForm(forms.Form):
    period_kind = forms.ChoiceField(label=gettext_lazy("period"), choices=PeriodKind.choices)
    period = forms.CharField(
        label=gettext_lazy("month or year"),
        help_text=gettext_lazy("YYYY-MM for a monthly ranking, YYYY for a yearly one"),
        max_length=7,
    )

    def clean(self):
        data = super().clean()
        kind, period = data.get("period_kind"), (data.get("period") or "").strip()
        pattern = "%Y" if kind == PeriodKind.YEAR else "%Y-%m"
        try:
            start = datetime.datetime.strptime(period, pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            example = "2026" if kind == PeriodKind.YEAR else "2026-10"
            raise forms.ValidationError(
                {"period": _("Write the period as %(example)s.") % {"example": example}}
            ) from None
        if start > timezone.localdate():
            raise forms.ValidationError({"period": _("The period has not started yet.")})
        data["period_start"] = start
        return data


class RankingEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RankingEvent
    extra = 0
    fields = ("created_at", "actor", "step", "note")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("step"))
    def step(self, event):
        # Status labels, not the stored codes: the admin reads in Chinese.
        labels = [RankingStatus(v).label for v in (event.from_value, event.to_value) if v]
        return " → ".join(str(label) for label in labels)

    verbose_name_plural = gettext_lazy("ranking timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Ranking)
class RankingAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "status",
        "organizations",
        "notice_until",
        "scheme_version",
        "superseded",
        "rows_link",
    )
    list_filter = ("period_kind", "scope_kind", "status")
    list_select_related = ("community", "scheme", "superseded_by")
    # The scope key is the constraint's code ("street", "community:3"): the scope's
    # fields say the same in words.
    exclude = ("scope_key",)
    inlines = [RankingEventInline]
    actions = ["publish_for_notice", "finalize"]
    change_list_template = "admin/rankings/ranking/change_list.html"

    @admin.display(description=gettext_lazy("scheme"))
    def scheme_version(self, ranking):
        return f"v{ranking.scheme.version}"

    @admin.display(description=gettext_lazy("superseded by"))
    def superseded(self, ranking):
        successor = getattr(ranking, "superseded_by", None)
        return f"#{successor.pk}" if successor else "—"

    @admin.display(description=gettext_lazy("rows"))
    def rows_link(self, ranking):
        url = reverse("admin:rankings_rankingrow_changelist")
        return format_html('<a href="{}?ranking__id__exact={}">{}</a>', url, ranking.pk, _("rows"))

    def may_compute(self, request) -> bool:
        street = getattr(request.user, "street", None)
        return street is not None and bool(can_manage_rankings(request.user, street))

    def get_urls(self):
        return [
            path(
                "compute/",
                self.admin_site.admin_view(self.compute_view),
                name="rankings_ranking_compute",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        context = {**(extra_context or {})}
        if self.may_compute(request):
            context["compute_url"] = reverse("admin:rankings_ranking_compute")
        return super().changelist_view(request, extra_context=context)

    def compute_view(self, request):
        if not self.may_compute(request):
            raise PermissionDenied
        form = ComputeForm(request.POST or None, initial={"period_kind": PeriodKind.MONTH})
        if request.method == "POST" and form.is_valid():
            try:
                job = ranking_compute_start(
                    street=request.user.street,
                    period_kind=form.cleaned_data["period_kind"],
                    period_start=form.cleaned_data["period_start"],
                    actor=request.user,
                )
            except ActionRefused as exc:
                self.message_user(request, refusal_text(exc), messages.ERROR)
            else:
                return redirect("jobs:detail", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Compute a ranking"),
            "form": form,
        }
        return TemplateResponse(request, "admin/rankings/ranking/compute.html", context)

    @admin.action(description=gettext_lazy("Publish for public notice"))
    def publish_for_notice(self, request, queryset):
        run_each(
            self,
            request,
            queryset.filter(status=RankingStatus.COMPUTED),
            lambda ranking: ranking_publish(ranking, actor=request.user),
            _("%(count)d ranking(s) published for public notice."),
        )

    @admin.action(description=gettext_lazy("Finalize after the notice"))
    def finalize(self, request, queryset):
        run_each(
            self,
            request,
            queryset.filter(status=RankingStatus.NOTICE),
            lambda ranking: ranking_finalize(ranking, actor=request.user),
            _("%(count)d ranking(s) finalized."),
        )


@admin.register(RankingRow)
class RankingRowAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("rank", "organization", "score", "raw_score", "vetoes", "capped", "ranking")
    list_select_related = ("organization", "ranking", "ranking__community")
    search_fields = ("organization__name",)
    show_full_result_count = False

    def lookup_allowed(self, lookup, value, request=None):
        # The rankings list links to one ranking's rows.
        return lookup == "ranking__id__exact" or super().lookup_allowed(lookup, value, request)


# --- Objections ---------------------------------------------------------------------------


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("decision"),
        choices=[
            (ObjectionStatus.UPHELD, gettext_lazy("Uphold: compute the ranking again")),
            (ObjectionStatus.DISMISSED, gettext_lazy("Dismiss: the result stands")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("reason for the decision"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The organization's leader reads it."),
    )


class ObjectionEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ObjectionEvent
    extra = 0
    fields = ("created_at", "actor", "step", "note")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("step"))
    def step(self, event):
        return " → ".join(str(part) for part in (event.from_label, event.to_label) if part)

    verbose_name_plural = gettext_lazy("objection timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ObjectionEvidenceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ObjectionEvidence
    extra = 0
    fields = ("download", "size", "created_at")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("file"))
    def download(self, evidence):
        url = reverse("admin:rankings_objection_evidence", args=[evidence.pk])
        return format_html('<a href="{}">{}</a>', url, evidence.original_name)


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Objections of the street's organizations, read-only; each is decided (upheld or
    dismissed, with a reason) on its decide page through ``objection_decide``."""

    list_display = (
        "created_at",
        "organization",
        "ranking",
        "status",
        "decided_at",
        "rerun_link",
        "decide_link",
    )
    list_filter = ("status",)
    list_select_related = ("organization", "ranking__community", "rerun")
    search_fields = ("organization__name",)
    fields = (
        "ranking",
        "organization",
        "filed_by",
        "text",
        "status",
        "decision_reason",
        "decided_by",
        "decided_at",
        "rerun",
    )
    readonly_fields = fields
    inlines = [ObjectionEvidenceInline, ObjectionEventInline]

    @admin.display(description=gettext_lazy("re-run ranking"))
    def rerun_link(self, objection):
        return f"#{objection.rerun_id}" if objection.rerun_id else "—"

    @admin.display(description=gettext_lazy("decision"))
    def decide_link(self, objection):
        url = reverse("admin:rankings_objection_decide", args=[objection.pk])
        label = _("Decide") if objection.status == ObjectionStatus.FILED else _("Details")
        return format_html('<a href="{}">{}</a>', url, label)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="rankings_objection_decide",
            ),
            path(
                "evidence/<int:pk>/",
                self.admin_site.admin_view(self.evidence_view),
                name="rankings_objection_evidence",
            ),
            *super().get_urls(),
        ]

    def _visible(self, request, object_id) -> Objection:
        # The role first, then the row: a missing id and another street's row answer
        # alike (403 without the role, 404 with it).
        if not self.has_view_permission(request):
            raise PermissionDenied
        objection = self.get_object(request, unquote(str(object_id)))
        if objection is None:
            raise Http404
        return objection

    def decide_view(self, request, object_id):
        objection = self._visible(request, object_id)
        may_decide = objection.status == ObjectionStatus.FILED and bool(
            can_manage_rankings(request.user, objection.ranking.street_id)
        )
        form = DecideForm(request.POST or None)
        if request.method == "POST":
            if not may_decide:
                raise PermissionDenied
            if form.is_valid():
                try:
                    decided = objection_decide(
                        objection,
                        upheld=form.cleaned_data["outcome"] == ObjectionStatus.UPHELD,
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                    )
                except (ActionRefused, ValidationError) as exc:
                    self.message_user(request, refusal_text(exc), messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("Objection %(status)s.") % {"status": decided.get_status_display()},
                        messages.SUCCESS,
                    )
                    return redirect("admin:rankings_objection_changelist")
        row = (
            RankingRow.objects.filter(
                ranking_id=objection.ranking_id, organization_id=objection.organization_id
            )
            .only("rank", "score", "raw_score", "capped")
            .first()
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Decide the objection"),
            "objection": objection,
            "row": row,
            "evidence": list(objection.evidence.order_by("pk")),
            "events": list(objection.events.select_related("actor").order_by("created_at")),
            "form": form,
            "may_decide": may_decide,
        }
        return TemplateResponse(request, "admin/rankings/objection/decide.html", context)

    def evidence_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        evidence = ObjectionEvidence.objects.filter(
            pk=pk, objection__in=self.get_queryset(request).values("pk")
        ).first()
        if evidence is None:
            raise Http404
        return stored_upload_response(evidence)
