"""Staff work on party building here. Every save calls a service of
``partybuilding.services``; what has no service yet is read-only. Every page is scoped with
``visible_to`` (ScopedAdminMixin), and ID and phone numbers are masked for everyone but
street staff and superusers — in lists, on change pages and in exports."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import ScopedAdminMixin, VisibleCommunityFilter
from core.admin import (
    ByIdListFilter,
    EndedViaServiceMixin,
    ReadOnlyAdminMixin,
    ServiceAdminMixin,
    run_each,
)
from core.identifiers import mask_id_number, mask_phone
from partybuilding.admin_coverage import add_to_organization_admin
from partybuilding.admin_excel import PartyMemberExcelAdminMixin
from partybuilding.choices import MemberStatus, PartyOrgKind
from partybuilding.models import (
    ActivityPhoto,
    CommunityRegistration,
    Development,
    DevelopmentEvent,
    InstructorAssignment,
    LeadershipPreReview,
    MemberTransfer,
    PartyActivity,
    PartyCoverage,
    PartyMember,
    PartyOrganization,
)
from partybuilding.services import activities, coverage, members, tree

# --- Shared pieces ------------------------------------------------------------------------


class NoDeleteMixin:
    """No service deletes these rows (they end, or are corrected); the admin does not
    either."""

    def has_delete_permission(self, request, obj=None):
        return False


class MaskedPersonalDataMixin:
    """ID and phone numbers of people (members, people in development) appear masked to
    everyone but street staff and superusers: the list shows ``masked_*`` columns, change
    pages show them read-only and masked, and the changelist refuses lookups on them
    (``?id_number__startswith=`` would otherwise reveal a number digit by digit)."""

    masked_fields = {"id_number": "masked_id_number", "phone": "masked_phone"}

    def sees_personal_data(self, request) -> bool:
        return bool(members.can_see_personal_data(request.user))

    @admin.display(description=gettext_lazy("ID number"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description=gettext_lazy("phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    def _masked(self, request, names) -> list[str]:
        if self.sees_personal_data(request):
            return list(names)
        masked = []
        for name in names:
            name = self.masked_fields.get(name, name)
            if name not in masked:
                masked.append(name)
        return masked

    def get_list_display(self, request):
        return self._masked(request, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # Entering the numbers of a new person reveals nothing; showing stored ones would.
        return fields if obj is None else self._masked(request, fields)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not self.sees_personal_data(request):
            readonly += [name for name in self.masked_fields.values() if name not in readonly]
        return readonly

    def lookup_allowed(self, lookup, value, request=None):
        if (
            request is not None
            and lookup.split("__")[0] in self.masked_fields
            and not self.sees_personal_data(request)
        ):
            return False
        return super().lookup_allowed(lookup, value, request)


class VisibleBranchFilter(ByIdListFilter):
    """Branches the user sees (the stock related filter would list every street's)."""

    title = gettext_lazy("branch")
    parameter_name = "branch"
    lookup = "branch"

    def branches(self, request, model_admin):
        return PartyOrganization.objects.visible_to(request.user).branches()

    def lookups(self, request, model_admin):
        branches = self.branches(request, model_admin).order_by("name")
        return [(branch.pk, branch.name) for branch in branches.only("pk", "name")]


class MemberBranchFilter(VisibleBranchFilter):
    """The branches of the members the user sees (community staff see members of their
    community's organizations, whose branch may be a street-level one)."""

    def branches(self, request, model_admin):
        visible = model_admin.get_queryset(request).values("branch_id")
        return PartyOrganization.objects.filter(pk__in=visible)


class MemberCommunityFilter(VisibleCommunityFilter):
    lookup = "organization__community"


# --- The tree -----------------------------------------------------------------------------


class PartyOrganizationAdminForm(forms.ModelForm):
    class Meta:
        model = PartyOrganization
        fields = [
            "street",
            "kind",
            "name",
            "parent",
            "community",
            "establishment",
            "founded_on",
            "has_committee",
            "term_start",
            "term_end",
            "secretary",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        secretary = self.fields.get("secretary")
        if secretary is not None:
            # A secretary is a full member of this party organization.
            secretary.queryset = PartyMember.objects.filter(
                branch_id=self.instance.pk, status=MemberStatus.FULL
            ).order_by("name")

    def clean(self):
        data = super().clean()
        # The tree rules of the service (kind under kind, one street, establishment, term
        # length), so they show on their fields rather than as a refused save.
        values = {}
        for name in ("street", "kind", *tree.EDITABLE_FIELDS):
            if name in self.fields:
                if name in data:
                    values[name] = data[name]
            elif self.instance.pk:
                values[name] = getattr(self.instance, name)
        if not values.get("kind") or not values.get("street"):
            return data
        probe = PartyOrganization(pk=self.instance.pk, **values)
        probe._state.adding = self.instance._state.adding
        try:
            tree._clean(probe)  # noqa: SLF001 — the service's validation, until it is public
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                if name == NON_FIELD_ERRORS:
                    continue  # model constraints: the form's own model validation reports them
                self.add_error(name if name in self.fields else None, errors)
        return data


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    form = PartyOrganizationAdminForm
    list_display = [
        "name",
        "kind",
        "parent",
        "establishment",
        "secretary",
        "member_count",
        "term_end",
    ]
    list_filter = ["kind", "establishment"]
    search_fields = ["name"]
    list_select_related = ["parent", "secretary"]
    list_per_page = 50
    fields = [
        "street",
        "kind",
        "name",
        "parent",
        "community",
        "establishment",
        "founded_on",
        "has_committee",
        "term_years",
        "term_start",
        "term_end",
        "secretary",
        "worker_accounts",
    ]

    def get_queryset(self, request):
        # One COUNT per page in the same query, never one per row.
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=gettext_lazy("members"), ordering="member_count")
    def member_count(self, party_org):
        return party_org.member_count

    def get_readonly_fields(self, request, obj=None):
        # Workers are linked by a service that does not exist yet; term_years follows from
        # the kind. Kind and street never change (another kind or street is a new node).
        readonly = ["term_years", "worker_accounts"]
        if obj is None:
            return [*readonly, "secretary"]
        return [*readonly, "street", "kind"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.user.street_id:
            initial.setdefault("street", request.user.street_id)
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = PartyOrganization.objects.visible_to(request.user).exclude(
                kind=PartyOrgKind.BRANCH
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def create_via_service(self, request, obj, form):
        return tree.party_org_create(
            street=obj.street,
            kind=obj.kind,
            name=obj.name,
            parent=obj.parent,
            community=obj.community,
            establishment=obj.establishment,
            founded_on=obj.founded_on,
            term_start=obj.term_start,
            term_end=obj.term_end,
            has_committee=obj.has_committee,
            actor=request.user,
        )

    def update_via_service(self, request, obj, form):
        changes = {name: getattr(obj, name) for name in tree.EDITABLE_FIELDS if name in form.fields}
        tree.party_org_update(party_org=obj, actor=request.user, **changes)
        if "secretary" in form.changed_data:
            tree.party_org_set_secretary(party_org=obj, member=obj.secretary, actor=request.user)

    def saved_via_service(self, request, obj, form, change):
        # The size rules the coverage page flags, said where the branch is edited.
        for finding in tree.party_org_size_findings(obj):
            self.message_user(request, finding, messages.WARNING)

    def save_related(self, request, form, formsets, change):
        # worker_accounts is read-only here; nothing else is related.
        pass


# --- Members ------------------------------------------------------------------------------


class PartyMemberAdminForm(forms.ModelForm):
    # By user name, not a drop-down: a street holds thousands of accounts.
    account_username = forms.CharField(
        label=gettext_lazy("portal account (user name)"),
        required=False,
        max_length=150,
        help_text=gettext_lazy(
            "The member's own sign-in, so their claims, offers and volunteer hours count "
            "as a party member's. Leave empty for none."
        ),
    )

    class Meta:
        model = PartyMember
        fields = list(members.MEMBER_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.account_id:
            self.fields["account_username"].initial = self.instance.account.get_username()

    def clean_account_username(self):
        username = (self.cleaned_data.get("account_username") or "").strip()
        if not username:
            return ""  # none: the link is removed
        account = get_user_model().objects.filter(username=username).first()
        if account is None:
            raise ValidationError(
                gettext_lazy("There is no account with the user name %(name)s."),
                params={"name": username},
            )
        return account

    def clean(self):
        data = super().clean()
        # The service's own checks (ID number against birth date and sex, branch kind,
        # street of the organization, joining age), so they show on their fields.
        values = {}
        for name in members.MEMBER_FIELDS:
            if name in self.fields:
                if name in data:
                    values[name] = data[name]
            elif self.instance.pk:
                values[name] = getattr(self.instance, name)
        probe = PartyMember(**values)
        try:
            members.clean_member(probe)
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
            return data
        for name in ("id_number", "phone"):
            if name in self.fields and name in data:
                data[name] = getattr(probe, name)
        return data


class TransferInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MemberTransfer
    extra = 0
    can_delete = False
    fields = ["transferred_on", "from_branch", "to_branch", "actor", "note", "created_at"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Transfer history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_branch", "to_branch", "actor")


class MemberTransferForm(forms.Form):
    to_branch = forms.ModelChoiceField(
        label=gettext_lazy("to branch"), queryset=PartyOrganization.objects.none()
    )
    on = forms.DateField(
        label=gettext_lazy("transfer date"), initial=timezone.localdate, widget=AdminDateWidget
    )
    note = forms.CharField(label=gettext_lazy("note"), required=False, max_length=300)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = (
            PartyOrganization.objects.visible_to(user).branches().order_by("name")
        )


@admin.register(PartyMember)
class PartyMemberAdmin(
    PartyMemberExcelAdminMixin,
    MaskedPersonalDataMixin,
    ServiceAdminMixin,
    ScopedAdminMixin,
    admin.ModelAdmin,
):
    form = PartyMemberAdminForm
    list_display = [
        "name",
        "sex",
        "id_number",
        "phone",
        "branch",
        "organization",
        "status",
        "joined_on",
        "probation_ends_on",
    ]
    list_filter = [MemberBranchFilter, "status", MemberCommunityFilter]
    search_fields = ["name"]
    list_select_related = ["branch", "organization"]
    list_per_page = 50
    show_full_result_count = False
    fields = [
        "name",
        "sex",
        "birth_date",
        "id_number",
        "phone",
        "organization",
        "branch",
        "status",
        "joined_on",
        "probation_ends_on",
        "posts",
        "account_username",
    ]
    inlines = [TransferInline]
    actions = ["transfer_members"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["probation_ends_on"]
        if obj is not None:
            readonly.append("branch")  # a move is a transfer (the action), with its history
        return [*readonly, *super().get_readonly_fields(request, obj)]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "branch":
            kwargs["queryset"] = (
                PartyOrganization.objects.visible_to(request.user).branches().order_by("name")
            )
        elif db_field.name == "organization":
            from incubation.models import Organization

            # Any organization of the streets whose branches the user sees (the service
            # checks it is the branch's street).
            streets = PartyOrganization.objects.visible_to(request.user).values("street_id")
            kwargs["queryset"] = Organization.objects.filter(
                community__street_id__in=streets
            ).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # Leaving the roll (death, expulsion, transfer out of the street) needs a service
        # with a reason; until then nobody deletes a member here.
        return False

    def create_via_service(self, request, obj, form):
        created = members.member_create(
            actor=request.user, **{name: getattr(obj, name) for name in members.MEMBER_FIELDS}
        )
        self._link_account(request, created, form)
        return created

    def update_via_service(self, request, obj, form):
        changes = {
            name: getattr(obj, name) for name in members.EDITABLE_FIELDS if name in form.fields
        }
        members.member_update(member=obj, actor=request.user, **changes)
        self._link_account(request, obj, form)

    def _link_account(self, request, member, form):
        if "account_username" in form.changed_data:
            members.member_link_account(
                member=member,
                account=form.cleaned_data["account_username"] or None,
                actor=request.user,
            )

    def save_related(self, request, form, formsets, change):
        # The transfer history inline is read-only.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.action(description=gettext_lazy("Transfer to another branch…"), permissions=["change"])
    def transfer_members(self, request, queryset):
        form = MemberTransferForm(
            request.POST if "apply" in request.POST else None, user=request.user
        )
        if "apply" in request.POST and form.is_valid():
            run_each(
                self,
                request,
                queryset.select_related("branch"),
                lambda member: members.member_transfer(
                    member=member,
                    to_branch=form.cleaned_data["to_branch"],
                    on=form.cleaned_data["on"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                ),
                _("%(count)d member(s) transferred."),
                label=lambda member: member.name,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Transfer to another branch"),
            "members": queryset.select_related("branch"),
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/partybuilding/partymember/transfer.html", context)


@admin.register(MemberTransfer)
class MemberTransferAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["transferred_on", "member", "from_branch", "to_branch", "actor", "note"]
    list_select_related = ["member", "from_branch", "to_branch", "actor"]
    search_fields = ["member__name"]
    date_hierarchy = "transferred_on"

    def get_queryset(self, request):
        # MemberTransfer has no scoped queryset of its own: it is seen with its member.
        visible = PartyMember.objects.visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(member__in=visible)


# --- Development (the pipeline's services write it; read-only here for now) --------------


class DevelopmentEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DevelopmentEvent
    extra = 0
    can_delete = False
    fields = ["on", "from_value", "to_value", "actor", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Development)
class DevelopmentAdmin(
    ReadOnlyAdminMixin, MaskedPersonalDataMixin, ScopedAdminMixin, admin.ModelAdmin
):
    list_display = [
        "name",
        "sex",
        "id_number",
        "phone",
        "branch",
        "organization",
        "stage",
        "applied_on",
    ]
    list_filter = [VisibleBranchFilter, "stage"]
    search_fields = ["name"]
    list_select_related = ["branch", "organization"]
    fields = [
        "name",
        "sex",
        "birth_date",
        "id_number",
        "phone",
        "organization",
        "branch",
        "stage",
        "applied_on",
        "activist_on",
        "candidate_on",
        "admitted_on",
        "probation_extended_until",
        "full_on",
        "cancelled_on",
        "member",
    ]
    inlines = [DevelopmentEventInline]


@admin.register(DevelopmentEvent)
class DevelopmentEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["on", "development", "from_value", "to_value", "actor"]
    list_filter = ["to_value"]
    list_select_related = ["development", "actor"]
    search_fields = ["development__name"]

    def get_queryset(self, request):
        visible = Development.objects.visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(development__in=visible)


# --- Coverage, instructors, pre-reviews ---------------------------------------------------


class PartyChildAdmin(NoDeleteMixin, ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_per_page = 50

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "branch":
            kwargs["queryset"] = (
                PartyOrganization.objects.visible_to(request.user).branches().order_by("name")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PartyCoverage)
class PartyCoverageAdmin(EndedViaServiceMixin, PartyChildAdmin):
    list_display = ["organization", "branch", "liaison", "started_on", "ended_on"]
    list_filter = [VisibleBranchFilter, "ended_on"]
    search_fields = ["organization__name", "liaison"]
    list_select_related = ["organization", "branch"]
    autocomplete_fields = ["organization"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["ended_on"]
        # An existing coverage only ends (coverage_end).
        return ["branch", "organization", "liaison", "started_on"]

    def end_via_service(self, request, stored, ended_on):
        coverage.coverage_end(coverage=stored, ended_on=ended_on, actor=request.user)

    def create_via_service(self, request, obj, form):
        return coverage.coverage_assign(
            branch=obj.branch,
            organization=obj.organization,
            liaison=obj.liaison,
            started_on=obj.started_on,
            actor=request.user,
        )


@admin.register(InstructorAssignment)
class InstructorAssignmentAdmin(EndedViaServiceMixin, PartyChildAdmin):
    list_display = ["name", "organization", "sent_by", "started_on", "ended_on"]
    list_filter = ["ended_on"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization", "sent_by"]
    autocomplete_fields = ["organization"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["ended_on"]
        return ["organization", "name", "phone", "sent_by", "account", "started_on"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "sent_by":
            kwargs["queryset"] = PartyOrganization.objects.visible_to(request.user).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def end_via_service(self, request, stored, ended_on):
        coverage.instructor_end(assignment=stored, ended_on=ended_on, actor=request.user)

    def create_via_service(self, request, obj, form):
        return coverage.instructor_assign(
            organization=obj.organization,
            name=obj.name,
            phone=obj.phone,
            sent_by=obj.sent_by,
            started_on=obj.started_on,
            account=obj.account,
            actor=request.user,
        )


@admin.register(CommunityRegistration)
class CommunityRegistrationAdmin(EndedViaServiceMixin, PartyChildAdmin):
    """社区报到: where a member serves; a member claims in the marketplace only there."""

    list_display = ["member", "community", "registered_on", "ended_on"]
    list_filter = [VisibleCommunityFilter, "ended_on"]
    search_fields = ["member__name", "community__name"]
    list_select_related = ["member", "community"]
    autocomplete_fields = ["member"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["ended_on", "recorded_by"]
        return ["member", "community", "registered_on", "recorded_by"]

    def end_via_service(self, request, stored, ended_on):
        members.member_end_community_registration(
            registration=stored, ended_on=ended_on, actor=request.user
        )

    def create_via_service(self, request, obj, form):
        return members.member_register_in_community(
            member=obj.member, community=obj.community, actor=request.user, on=obj.registered_on
        )


@admin.register(LeadershipPreReview)
class LeadershipPreReviewAdmin(PartyChildAdmin):
    list_display = ["organization", "reviewed_by", "reviewed_on", "result"]
    list_filter = ["result"]
    search_fields = ["organization__name"]
    list_select_related = ["organization", "reviewed_by"]
    autocomplete_fields = ["organization"]

    def has_change_permission(self, request, obj=None):
        # A review is a record of a meeting: recorded once, never edited.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reviewed_by":
            kwargs["queryset"] = PartyOrganization.objects.visible_to(request.user).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def create_via_service(self, request, obj, form):
        return coverage.prereview_record(
            organization=obj.organization,
            reviewed_by=obj.reviewed_by,
            reviewed_on=obj.reviewed_on,
            candidates=obj.candidates,
            result=obj.result,
            note=obj.note,
            actor=request.user,
        )


# --- Organizational life ------------------------------------------------------------------


class ActivityPhotoInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ActivityPhoto
    extra = 0
    can_delete = False
    fields = ["image", "created_at"]
    readonly_fields = fields


@admin.register(PartyActivity)
class PartyActivityAdmin(PartyChildAdmin):
    list_display = ["date", "title", "kind", "branch", "attendees", "organization"]
    list_filter = ["kind", VisibleBranchFilter]
    search_fields = ["title"]
    list_select_related = ["branch", "organization"]
    date_hierarchy = "date"
    autocomplete_fields = ["organization"]
    fields = ["branch", "kind", "date", "title", "attendees", "organization", "notes"]
    inlines = [ActivityPhotoInline]

    def has_change_permission(self, request, obj=None):
        # Recorded by activity_record (photos included, on the portal); no edit service yet.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def create_via_service(self, request, obj, form):
        return activities.activity_record(
            branch=obj.branch,
            kind=obj.kind,
            date=obj.date,
            title=obj.title,
            attendees=obj.attendees,
            organization=obj.organization,
            notes=obj.notes,
            actor=request.user,
        )

    def save_related(self, request, form, formsets, change):
        # The photo inline is read-only.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


# The organization list in incubation's admin gets a "party coverage" filter from here.
add_to_organization_admin()
