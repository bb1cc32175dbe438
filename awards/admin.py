"""Staff run award campaigns here: the campaign and its terms (created and edited through
``awards.services.campaigns``), the status buttons as actions (open nominations, start
scoring, publish for notice, close, cancel), the nominations (staff and community staff
nominate), the panel's judges, the objections to decide with a reason, and the honours
(read-only).

Every write goes through ``awards.services``; nothing here saves a row. Every list is
scoped with ``visible_to``: another street's rows answer as missing ones."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import ScopedAdminMixin
from accounts.models import User
from accounts.roles import Role
from awards.forms import CampaignAdminForm, ObjectionDecisionForm
from awards.models import Campaign, CampaignEvent, Honour, Judge, Nomination, Objection
from awards.services.campaigns import (
    EDITABLE_FIELDS,
    campaign_create,
    campaign_transition,
    campaign_update,
)
from awards.services.nominations import nomination_create
from awards.services.objections import objection_decide
from awards.services.panel import judge_assign
from awards.workflows import CampaignStatus, ObjectionStatus
from core.admin import ByIdListFilter, ReadOnlyAdminMixin, ServiceAdminMixin, run_each


class CampaignFilter(ByIdListFilter):
    """The campaigns the user may see (the stock filter would list every street's)."""

    title = gettext_lazy("campaign")
    parameter_name = "campaign"
    lookup = "campaign"

    def lookups(self, request, model_admin):
        return [(c.pk, str(c)) for c in Campaign.objects.visible_to(request.user)]


class NominationCampaignFilter(CampaignFilter):
    lookup = "nomination__campaign"


class CampaignEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CampaignEvent
    extra = 0
    fields = ("created_at", "actor", "kind", "step", "note")
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("campaign timeline")

    @admin.display(description=gettext_lazy("step"))
    def step(self, event):
        labels = [label for label in (event.from_label, event.to_label) if label]
        return " → ".join(str(label) for label in labels)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class NominationInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The campaign's candidates in the order of the result (nominate on the nominations
    page: the service checks the rules)."""

    model = Nomination
    extra = 0
    fields = ("candidate", "nominated_as", "status", "rank", "mean_score")
    readonly_fields = fields
    ordering = ("rank", "pk")

    @admin.display(description=gettext_lazy("candidate"))
    def candidate(self, nomination):
        return nomination.awardee_name

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization", "party_org")


class JudgeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Judge
    extra = 0
    fields = ("judge", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("judge")


@admin.register(Campaign)
class CampaignAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    form = CampaignAdminForm
    list_display = ("__str__", "street", "awardee_kind", "status", "award_count", "notice_ends_on")
    list_filter = ("status", "year", "awardee_kind")
    list_select_related = ("street",)
    search_fields = ("title",)
    inlines = [NominationInline, JudgeInline, CampaignEventInline]
    actions = ["open_nominations", "start_scoring", "publish_notice", "close", "cancel"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("status", "notice_ends_on")
        fixed = ("street", "status", "notice_ends_on")
        if obj.status in (CampaignStatus.DRAFT, CampaignStatus.NOMINATING):
            return fixed
        return (*fixed, *EDITABLE_FIELDS)

    def has_delete_permission(self, request, obj=None):
        return False

    def create_via_service(self, request, obj, form):
        data = form.cleaned_data
        return campaign_create(
            street=data["street"],
            actor=request.user,
            **{name: data[name] for name in EDITABLE_FIELDS if name in data},
        )

    def update_via_service(self, request, obj, form):
        data = form.cleaned_data
        campaign_update(
            campaign=Campaign.objects.get(pk=obj.pk),
            actor=request.user,
            **{name: data[name] for name in EDITABLE_FIELDS if name in data},
        )

    def _move(self, request, queryset, to, done):
        notes: list[str] = []

        def one(campaign):
            outcome = campaign_transition(campaign=campaign, to=to, actor=request.user)
            notes.extend(outcome.notes)
            return outcome if outcome.changed else None

        run_each(self, request, queryset, one, done)
        for note in notes:
            self.message_user(request, note, messages.INFO)

    @admin.action(description=gettext_lazy("Open nominations"))
    def open_nominations(self, request, queryset):
        self._move(request, queryset, CampaignStatus.NOMINATING, _("%(count)d campaigns open."))

    @admin.action(description=gettext_lazy("Start the panel's scoring"))
    def start_scoring(self, request, queryset):
        self._move(request, queryset, CampaignStatus.SCORING, _("%(count)d campaigns in scoring."))

    @admin.action(description=gettext_lazy("Publish the result for public notice"))
    def publish_notice(self, request, queryset):
        self._move(
            request, queryset, CampaignStatus.NOTICE, _("%(count)d results on public notice.")
        )

    @admin.action(description=gettext_lazy("Close: record the honours"))
    def close(self, request, queryset):
        self._move(request, queryset, CampaignStatus.CLOSED, _("%(count)d campaigns closed."))

    @admin.action(description=gettext_lazy("Cancel the campaign"))
    def cancel(self, request, queryset):
        self._move(request, queryset, CampaignStatus.CANCELLED, _("%(count)d campaigns cancelled."))


@admin.register(Nomination)
class NominationAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "campaign",
        "nominated_as",
        "status",
        "rank",
        "mean_score",
    )
    list_filter = (CampaignFilter, "status", "nominated_as")
    list_select_related = ("campaign", "organization", "party_org")
    search_fields = ("person_name", "organization__name", "party_org__name")
    fields = ("campaign", "organization", "party_org", "person_name", "statement")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*self.fields, "nominated_as", "nominated_by", "status", "rank", "mean_score")

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            kwargs["queryset"] = Campaign.objects.visible_to(request.user).filter(
                status=CampaignStatus.NOMINATING
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def create_via_service(self, request, obj, form):
        data = form.cleaned_data
        return nomination_create(
            campaign=data["campaign"],
            actor=request.user,
            organization=data.get("organization"),
            party_org=data.get("party_org"),
            person_name=data.get("person_name", ""),
            statement=data.get("statement", ""),
        )


@admin.register(Judge)
class JudgeAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("judge", "campaign")
    list_filter = (CampaignFilter,)
    list_select_related = ("judge", "campaign")
    fields = ("campaign", "judge")

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "judge":
            kwargs["queryset"] = User.objects.visible_to(request.user).filter(
                groups__name=Role.EVALUATOR, is_active=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def create_via_service(self, request, obj, form):
        data = form.cleaned_data
        return judge_assign(campaign=data["campaign"], judge=data["judge"], actor=request.user)


@admin.register(Objection)
class ObjectionAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    form = ObjectionDecisionForm
    list_display = ("nomination", "campaign", "status", "created_at", "decided_at")
    list_filter = (NominationCampaignFilter, "status")
    list_select_related = (
        "nomination__campaign",
        "nomination__organization",
        "nomination__party_org",
    )
    readonly_fields = ("nomination", "filed_by", "reason", "status", "decided_by", "decided_at")

    @admin.display(description=gettext_lazy("campaign"))
    def campaign(self, objection):
        return objection.nomination.campaign

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is not None and obj.status != ObjectionStatus.PENDING:
            return (*self.readonly_fields, "decision_reason")
        return (*self.readonly_fields, "decision", "decision_reason")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != ObjectionStatus.PENDING:
            return (*self.readonly_fields, "decision_reason")
        return self.readonly_fields

    def update_via_service(self, request, obj, form):
        data = form.cleaned_data
        if not data.get("decision"):
            return
        objection_decide(
            objection=Objection.objects.get(pk=obj.pk),
            upheld=data["decision"] == ObjectionStatus.UPHELD,
            reason=data.get("decision_reason", ""),
            actor=request.user,
        )


@admin.register(Honour)
class HonourAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "awardee", "awardee_kind", "campaign", "awarded_on")
    list_filter = (CampaignFilter, "awardee_kind")
    list_select_related = ("campaign", "organization", "party_org")

    @admin.display(description=gettext_lazy("awarded to"))
    def awardee(self, honour):
        return honour.person_name or honour.party_org or honour.organization
