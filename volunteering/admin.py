"""Staff work on volunteering here: approving activities, the volunteers' records, the
places and their history, supplements of hours, certificates, and the hours in Excel.

Every write goes through ``volunteering.services`` (approve, send back, cancel, submit,
create with sessions, approve or reject a supplement); nothing here saves a row. Every
page is scoped with ``visible_to``: another street's or community's rows answer as missing
ones. Hours are read-only everywhere: they change only through attendance and approved
supplements. ID and phone numbers of volunteers are masked for everyone but street staff
and superusers (the rule of ``partybuilding.admin.MaskedPersonalDataMixin``)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Min, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import ScopedAdminMixin, VisibleCommunityFilter
from core.admin import ReadOnlyAdminMixin, ServiceAdminMixin, refusal_text, run_each
from core.errors import ActionRefused
from core.transitions import refuse_unless_allowed
from jobs.admin_excel import changelist_rows
from jobs.exports import export_start, register_exporter
from partybuilding.admin import MaskedPersonalDataMixin
from volunteering.choices import OrganizerKind
from volunteering.hours import stars_for
from volunteering.models import (
    Activity,
    ActivityEvent,
    HoursSupplement,
    Place,
    PlaceEvent,
    Session,
    Volunteer,
    VolunteerCertificate,
)
from volunteering.permissions import can_approve_activity, can_organize
from volunteering.resources import service_hours_workbook, year_totals_workbook
from volunteering.services import activities, supplements
from volunteering.workflows import (
    ACTIVITY_TRANSITIONS,
    ActivityStatus,
    PlaceStatus,
    SupplementStatus,
)

# --- Shared pieces ------------------------------------------------------------------------


def _label(choices, value: str) -> str:
    return choices(value).label if value in choices.values else value


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


def _reason_action(modeladmin, request, queryset, *, action, title, intro, button, call, done):
    """An action that needs a reason: the first post shows the form, the second (with
    ``apply``) runs ``call(row, reason)`` for each row through ``run_each``."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        reason = form.cleaned_data["reason"]
        run_each(modeladmin, request, queryset, lambda row: call(row, reason), done)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "button": button,
        "action": action,
        "rows": queryset,
        "form": form,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/volunteering/reason.html", context)


HOURS_FILE = "志愿服务时长"
TOTALS_FILE = "志愿服务年度汇总"
HOURS_EXPORT = "volunteering.hours"


@register_exporter(HOURS_EXPORT, gettext_lazy("Volunteer service hours"))
def export_hours_file(*, user, params, destination) -> str:
    """The hours (``which``: "hours" or "totals") of the places behind the changelist the
    user saw (its filters and search, or the rows they ticked), read again as the user."""
    model_admin, request, rows = changelist_rows(
        model=params["model"], user=user, query=params.get("query", ""), ids=params.get("ids")
    )
    places = model_admin.places_of(request, rows)
    if params["which"] == "totals":
        year_totals_workbook(places, destination)
        label = TOTALS_FILE
    else:
        service_hours_workbook(places, destination)
        label = HOURS_FILE
    return f"{label}-{timezone.localdate():%Y%m%d}.xlsx"


class HoursExportMixin:
    """Buttons on the changelist that export the service hours of the rows the user sees
    (filters and search applied): one row per attended place, or each volunteer's totals
    per year. ``places_of(request, rows)`` turns the changelist's rows into places. Each
    export is a background job; the button and the actions lead to its page."""

    change_list_template = "admin/volunteering/hours_change_list.html"

    def places_of(self, request, rows):
        raise NotImplementedError

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export-hours/",
                self.admin_site.admin_view(self.export_hours_view),
                name="{}_{}_export_hours".format(*info),
            ),
            path(
                "export-totals/",
                self.admin_site.admin_view(self.export_totals_view),
                name="{}_{}_export_totals".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        context = {**(extra_context or {})}
        if self.has_view_or_change_permission(request):
            query = request.GET.urlencode()
            suffix = f"?{query}" if query else ""
            info = self.admin_site.name, self.opts.app_label, self.opts.model_name
            context["hours_export_url"] = reverse("{}:{}_{}_export_hours".format(*info)) + suffix
            context["totals_export_url"] = reverse("{}:{}_{}_export_totals".format(*info)) + suffix
        return super().changelist_view(request, extra_context=context)

    def _start_export(self, request, which: str, ids=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        # The action form posts the changelist's query string back: the filters and search
        # then narrow "select all" too; ticked rows are one page at most.
        query = request.GET.copy()
        query.pop(admin.options.IS_POPUP_VAR, None)
        label = TOTALS_FILE if which == "totals" else HOURS_FILE
        job = export_start(
            exporter=HOURS_EXPORT,
            actor=request.user,
            title=f"{label}（{self.opts.verbose_name_plural}）",
            params={
                "model": self.opts.label_lower,
                "query": query.urlencode(),
                "ids": ids,
                "which": which,
            },
        )
        return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))

    def _ticked(self, request, queryset):
        if request.POST.get("select_across") == "1":
            return None
        return [str(pk) for pk in queryset.values_list("pk", flat=True)]

    def export_hours_view(self, request):
        return self._start_export(request, "hours")

    def export_totals_view(self, request):
        return self._start_export(request, "totals")

    @admin.action(description=gettext_lazy("Export the service hours of the selected to Excel"))
    def export_hours(self, request, queryset):
        return self._start_export(request, "hours", self._ticked(request, queryset))

    @admin.action(description=gettext_lazy("Export the yearly totals of the selected to Excel"))
    def export_totals(self, request, queryset):
        return self._start_export(request, "totals", self._ticked(request, queryset))


class ActivityCommunityFilter(VisibleCommunityFilter):
    lookup = "community"


class PlaceCommunityFilter(VisibleCommunityFilter):
    lookup = "session__activity__community"


# --- Activities ---------------------------------------------------------------------------

ACTIVITY_FIELDS = (
    "title",
    "series",
    "description",
    "organizer_kind",
    "organization",
    "party_org",
    "partner_unit",
    "claim",
    "street",
    "community",
    "place",
    "audience",
    "capacity",
    "recruit_until",
)
# What each organizer kind needs, and what it must leave empty (the model's constraint).
ORGANIZER_NEEDS = {
    OrganizerKind.ORGANIZATION: ("organization", ("party_org", "partner_unit")),
    OrganizerKind.PARTY_ORG: ("party_org", ("partner_unit",)),
    OrganizerKind.PARTNER_UNIT: ("partner_unit", ("party_org",)),
    OrganizerKind.HUB: (None, ("party_org", "partner_unit")),
}


class ActivityAddForm(forms.ModelForm):
    """A new activity and its first session; ``activity_create`` and ``session_add`` write
    them. The organizer fields are checked against the kind here, on the fields."""

    first_starts_at = forms.SplitDateTimeField(
        label=gettext_lazy("first session starts at"), widget=AdminSplitDateTime
    )
    first_ends_at = forms.SplitDateTimeField(
        label=gettext_lazy("first session ends at"), widget=AdminSplitDateTime
    )

    class Meta:
        model = Activity
        fields = ACTIVITY_FIELDS

    def clean(self):
        data = super().clean()
        needed, empty = ORGANIZER_NEEDS.get(data.get("organizer_kind"), (None, ()))
        if needed and not data.get(needed):
            self.add_error(needed, _("Choose the organizer of this kind."))
        for name in empty:
            if data.get(name):
                self.add_error(name, _("Leave this empty for the organizer kind chosen."))
        starts, ends = data.get("first_starts_at"), data.get("first_ends_at")
        if starts and ends and ends <= starts:
            self.add_error("first_ends_at", _("A session's end comes after its start."))
        return data

    def validate_constraints(self):
        # The organizer constraint is checked field by field in clean(); the model's
        # message would name the constraint instead.
        return None


class SessionForm(forms.Form):
    starts_at = forms.SplitDateTimeField(label=gettext_lazy("starts at"), widget=AdminSplitDateTime)
    ends_at = forms.SplitDateTimeField(label=gettext_lazy("ends at"), widget=AdminSplitDateTime)


class SessionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Session
    extra = 0
    fields = ("starts_at", "ends_at", "closed_at", "attended")
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(attended_count=_count_attended())
            .order_by("starts_at", "pk")
        )

    @admin.display(description=gettext_lazy("attended"))
    def attended(self, session):
        return session.attended_count


def _count_attended():
    return Count("places", filter=Q(places__status=PlaceStatus.ATTENDED))


class _TimelineInline(ReadOnlyAdminMixin, admin.TabularInline):
    """A record's timeline, its from/to values shown with the labels of ``statuses``."""

    statuses: type[models.TextChoices]
    extra = 0
    fields = ("created_at", "actor", "from_status", "to_status", "note")
    readonly_fields = fields
    template = "admin/volunteering/timeline_inline.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=gettext_lazy("from"))
    def from_status(self, event):
        return _label(self.statuses, event.from_value)

    @admin.display(description=gettext_lazy("to"))
    def to_status(self, event):
        return _label(self.statuses, event.to_value)


class ActivityEventInline(_TimelineInline):
    model = ActivityEvent
    statuses = ActivityStatus
    verbose_name_plural = gettext_lazy("activity timeline")


# The change page's buttons: (decision, label, target status, permission, service).
DECISIONS = {
    "submit": (gettext_lazy("Ask for approval"), ActivityStatus.SUBMITTED, can_organize),
    "approve": (
        gettext_lazy("Approve and publish"),
        ActivityStatus.PUBLISHED,
        can_approve_activity,
    ),
    "send_back": (gettext_lazy("Send back"), ActivityStatus.REJECTED, can_approve_activity),
    "cancel": (gettext_lazy("Cancel the activity"), ActivityStatus.CANCELLED, can_organize),
}
NEEDS_REASON = frozenset({"send_back", "cancel"})


def decisions_for(user, activity) -> list[dict]:
    """The buttons the services would accept now: the transition is allowed and the user
    may take it."""
    shown = []
    for key, (label, to, permission) in DECISIONS.items():
        try:
            refuse_unless_allowed(ACTIVITY_TRANSITIONS, ActivityStatus, activity.status, to, "")
        except ActionRefused:
            continue
        if permission(user, activity):
            shown.append({"key": key, "label": label, "needs_reason": key in NEEDS_REASON})
    return shown


def decide(activity, decision: str, *, actor, reason: str = ""):
    if decision == "submit":
        return activities.activity_submit(activity, actor=actor)
    if decision == "approve":
        return activities.activity_approve(activity, actor=actor, note=reason)
    if decision == "send_back":
        return activities.activity_reject(activity, actor=actor, reason=reason)
    if decision == "cancel":
        return activities.activity_cancel(activity, actor=actor, reason=reason)
    raise ActionRefused(_("Unknown decision."))


DECIDED = {
    "submit": gettext_lazy("%(activity)s now awaits approval."),
    "approve": gettext_lazy("%(activity)s is published."),
    "send_back": gettext_lazy("%(activity)s was sent back to its organizer."),
    "cancel": gettext_lazy("%(activity)s is cancelled; those signed up are told."),
}


@admin.register(Activity)
class ActivityAdmin(HoursExportMixin, ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    form = ActivityAddForm
    change_form_template = "admin/volunteering/activity/change_form.html"
    list_display = ("title", "series", "organizer", "community", "status", "next_session")
    list_filter = ("series", "status", ActivityCommunityFilter)
    list_select_related = ("organization", "party_org", "partner_unit", "community")
    search_fields = ("title", "place")
    inlines = (SessionInline, ActivityEventInline)
    actions = ("approve", "send_back", "cancel", "export_hours", "export_totals")

    def places_of(self, request, rows):
        return Place.objects.visible_to(request.user).filter(
            session__activity__in=rows.values("pk")
        )

    def get_queryset(self, request):
        upcoming = Q(sessions__starts_at__gte=timezone.now())
        return (
            super()
            .get_queryset(request)
            .annotate(next_session_at=Min("sessions__starts_at", filter=upcoming))
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*ACTIVITY_FIELDS, "first_starts_at", "first_ends_at"]
        return [*ACTIVITY_FIELDS, "status", "published_at", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        # An activity changes through its buttons (and its organizer's pages), not a form.
        return () if obj is None else self.get_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.user.street_id:
            initial.setdefault("street", request.user.street_id)
        if request.user.community_id:
            initial.setdefault("community", request.user.community_id)
        return initial

    def has_delete_permission(self, request, obj=None):
        return False  # an activity is cancelled, with a reason, never deleted

    @admin.display(description=gettext_lazy("organizer"))
    def organizer(self, activity):
        return activity.organizer_name

    @admin.display(description=gettext_lazy("next session"), ordering="next_session_at")
    def next_session(self, activity):
        when = activity.next_session_at
        return timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "—"

    def create_via_service(self, request, obj, form):
        data = form.cleaned_data
        activity = activities.activity_create(
            actor=request.user, **{name: data.get(name) for name in ACTIVITY_FIELDS}
        )
        activities.session_add(
            activity,
            starts_at=data["first_starts_at"],
            ends_at=data["first_ends_at"],
            actor=request.user,
        )
        return activity

    def save_related(self, request, form, formsets, change):
        # The sessions and the timeline are read-only inlines; nothing of them is saved.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        activity = self.get_object(request, unquote(object_id))
        if activity is not None:
            context.update(
                {
                    "decisions": decisions_for(request.user, activity),
                    "decide_url": reverse("admin:volunteering_activity_decide", args=[activity.pk]),
                    "reason_form": ReasonForm(),
                }
            )
            if activity.status not in (
                ActivityStatus.CANCELLED,
                ActivityStatus.FINISHED,
            ) and can_organize(request.user, activity):
                context["session_form"] = SessionForm()
                context["session_url"] = reverse(
                    "admin:volunteering_activity_session", args=[activity.pk]
                )
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="volunteering_activity_decide",
            ),
            path(
                "<path:object_id>/session/",
                self.admin_site.admin_view(self.session_view),
                name="volunteering_activity_session",
            ),
            *super().get_urls(),
        ]

    def _posted_activity(self, request, object_id):
        # The object first: another community's activity is the 404 of a missing one,
        # whatever the method.
        activity = self.get_object(request, unquote(object_id))
        if activity is None:
            raise Http404
        if request.method != "POST":
            return activity, HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request, activity):
            raise PermissionDenied
        return activity, None

    def decide_view(self, request, object_id):
        """The change page's buttons post here: one service call; a refusal is shown as a
        message on the page."""
        activity, refused = self._posted_activity(request, object_id)
        if refused:
            return refused
        change_url = reverse("admin:volunteering_activity_change", args=[activity.pk])
        decision = request.POST.get("decision", "")
        reason = request.POST.get("reason", "").strip()
        try:
            decide(activity, decision, actor=request.user, reason=reason)
        except (ActionRefused, ValidationError) as exc:
            self.message_user(request, refusal_text(exc), messages.ERROR)
        else:
            self.message_user(
                request, DECIDED[decision] % {"activity": activity.title}, messages.SUCCESS
            )
        return HttpResponseRedirect(change_url)

    def session_view(self, request, object_id):
        activity, refused = self._posted_activity(request, object_id)
        if refused:
            return refused
        change_url = reverse("admin:volunteering_activity_change", args=[activity.pk])
        form = SessionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, error, messages.ERROR)
            return HttpResponseRedirect(change_url)
        try:
            activities.session_add(
                activity,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                actor=request.user,
            )
        except (ActionRefused, ValidationError) as exc:
            self.message_user(request, refusal_text(exc), messages.ERROR)
        else:
            self.message_user(request, _("Session added."), messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    @admin.action(description=gettext_lazy("Approve and publish the selected activities"))
    def approve(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda a: activities.activity_approve(a, actor=request.user),
            _("%(count)d published."),
        )

    @admin.action(description=gettext_lazy("Send back the selected activities…"))
    def send_back(self, request, queryset):
        return _reason_action(
            self,
            request,
            queryset,
            action="send_back",
            title=_("Send back activities"),
            intro=_("Say why: the organizer reads the reason on the activity's timeline."),
            button=_("Send back"),
            call=lambda a, reason: activities.activity_reject(a, actor=request.user, reason=reason),
            done=_("%(count)d sent back."),
        )

    @admin.action(description=gettext_lazy("Cancel the selected activities…"))
    def cancel(self, request, queryset):
        return _reason_action(
            self,
            request,
            queryset,
            action="cancel",
            title=_("Cancel activities"),
            intro=_("Those signed up for sessions not yet held are told, with the reason."),
            button=_("Cancel the activities"),
            call=lambda a, reason: activities.activity_cancel(a, actor=request.user, reason=reason),
            done=_("%(count)d cancelled."),
        )


# --- Volunteers ---------------------------------------------------------------------------


@admin.register(Volunteer)
class VolunteerAdmin(
    HoursExportMixin,
    MaskedPersonalDataMixin,
    ReadOnlyAdminMixin,
    ScopedAdminMixin,
    admin.ModelAdmin,
):
    """Read-only: a volunteer is recorded on first use of the portal or by an organizer,
    and the hours move only with attendance and approved supplements."""

    list_display = (
        "name",
        "id_number",
        "phone",
        "community",
        "hours_total",
        "stars",
        "last_served_on",
    )
    list_filter = (VisibleCommunityFilter,)
    list_select_related = ("community",)
    search_fields = ("name",)
    fields = (
        "name",
        "id_number",
        "phone",
        "street",
        "community",
        "account",
        "party_member",
        "hours_total",
        "stars",
        "last_served_on",
    )
    readonly_fields = ("stars",)
    actions = ("export_hours", "export_totals")

    def places_of(self, request, rows):
        return Place.objects.visible_to(request.user).filter(volunteer__in=rows.values("pk"))

    @admin.display(description=gettext_lazy("stars"))
    def stars(self, volunteer):
        count = stars_for(volunteer.hours_total)
        return "★" * count if count else "—"


# --- Places and their history -------------------------------------------------------------


class PlaceEventInline(_TimelineInline):
    model = PlaceEvent
    statuses = PlaceStatus
    verbose_name_plural = gettext_lazy("attendance history")


@admin.register(Place)
class PlaceAdmin(HoursExportMixin, ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "volunteer",
        "session",
        "status",
        "signed_in_at",
        "signed_out_at",
        "hours",
        "source",
    )
    list_filter = ("status", PlaceCommunityFilter)
    list_select_related = ("volunteer", "session__activity")
    search_fields = ("volunteer__name", "session__activity__title")
    fields = (
        "session",
        "volunteer",
        "status",
        "signed_in_at",
        "signed_out_at",
        "sign_in_source",
        "sign_out_source",
        "hours",
    )
    inlines = (PlaceEventInline,)
    actions = ("export_hours", "export_totals")
    show_full_result_count = False

    def places_of(self, request, rows):
        return rows

    @admin.display(description=gettext_lazy("how recorded"))
    def source(self, place):
        sources = [place.get_sign_in_source_display(), place.get_sign_out_source_display()]
        return "、".join(dict.fromkeys(s for s in sources if s)) or "—"


# --- Supplements --------------------------------------------------------------------------


class PendingFilter(admin.SimpleListFilter):
    """Pending first: the list opens on what waits for a second person."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("all", _("All")), *SupplementStatus.choices]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            selected = self.value() == value or (self.value() is None and value == "pending")
            yield {
                "selected": selected,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or SupplementStatus.PENDING
        if value == "all":
            return queryset
        if value not in SupplementStatus.values:
            raise admin.options.IncorrectLookupParameters(value)
        return queryset.filter(status=value)


@admin.register(HoursSupplement)
class HoursSupplementAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Supplements are requested by the organizer on the session's page; here a second
    person approves or rejects them (the service refuses the requester's own approval)."""

    list_display = (
        "volunteer",
        "session",
        "signed_in_at",
        "signed_out_at",
        "hours_before",
        "hours_after",
        "reason",
        "requested_by",
        "status",
    )
    list_filter = (PendingFilter,)
    list_select_related = ("place__volunteer", "place__session__activity", "requested_by")
    search_fields = ("place__volunteer__name", "place__session__activity__title")
    fields = (
        "place",
        "signed_in_at",
        "signed_out_at",
        "hours_before",
        "hours_after",
        "reason",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_note",
    )
    actions = ("approve", "reject")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The actions need the change permission; a supplement itself is never edited.
        return obj is None and super().has_change_permission(request)

    @admin.display(description=gettext_lazy("volunteer"))
    def volunteer(self, supplement):
        return supplement.place.volunteer

    @admin.display(description=gettext_lazy("session"))
    def session(self, supplement):
        return supplement.place.session

    @admin.action(
        description=gettext_lazy("Approve the selected supplements"), permissions=["change"]
    )
    def approve(self, request, queryset):
        run_each(
            self,
            request,
            queryset.select_related("place__session__activity"),
            lambda s: supplements.supplement_approve(s, actor=request.user),
            _("%(count)d approved."),
            label=lambda s: s.place.volunteer.name,
        )

    @admin.action(
        description=gettext_lazy("Reject the selected supplements…"), permissions=["change"]
    )
    def reject(self, request, queryset):
        return _reason_action(
            self,
            request,
            queryset.select_related("place__volunteer", "place__session__activity"),
            action="reject",
            title=_("Reject supplements"),
            intro=_("Say why: the note is kept with the supplement."),
            button=_("Reject"),
            call=lambda s, note: supplements.supplement_reject(s, actor=request.user, note=note),
            done=_("%(count)d rejected."),
        )


# --- Certificates -------------------------------------------------------------------------


@admin.register(VolunteerCertificate)
class VolunteerCertificateAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Issued from the volunteer's record page; listed here, never edited."""

    list_display = ("number", "volunteer", "issued_at", "issued_by")
    list_select_related = ("volunteer", "issued_by")
    search_fields = ("number", "volunteer__name")
    fields = ("number", "volunteer", "issued_at", "issued_by", "sha256", "frozen_at")

    def get_queryset(self, request):
        # A certificate is seen with its volunteer (it has no scope of its own).
        visible = Volunteer.objects.visible_to(request.user).values("pk")
        return super(ScopedAdminMixin, self).get_queryset(request).filter(volunteer__in=visible)
