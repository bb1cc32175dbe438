"""Staff work on organizations here. Every save and action calls a service; stage and
phase are read-only fields that only the stage-change action moves."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import ScopedAdminMixin, VisibleCommunityFilter
from accounts.power import can_manage_account
from core.admin import EndedViaServiceMixin, ReadOnlyAdminMixin, ServiceAdminMixin, run_each
from core.errors import ActionRefused
from core.fields import name_taken_by
from incubation import services
from incubation.admin_excel import OrganizationExcelAdminMixin
from incubation.checkpoints import COVERAGE_KINDS, reads_records
from incubation.models import (
    CheckpointOverride,
    CreditListing,
    IncubationServiceRecord,
    Organization,
    OrganizationDocument,
    OrganizationEvent,
    Pairing,
)
from incubation.permissions import (
    can_exempt_checksum,
    can_override_checkpoint,
    can_view_documents,
)
from incubation.selectors import checkpoint_status, next_required_action, stage_choices
from incubation.tools import tools_for
from incubation.workflows import Stage


class OrganizationAdminForm(forms.ModelForm):
    exempt_reason = forms.CharField(
        label=gettext_lazy("exemption reason"),
        required=False,
        help_text=gettext_lazy("Required when the code is marked checksum exempt."),
    )

    class Meta:
        model = Organization
        fields = [*services.EDITABLE_FIELDS, "uscc_checksum_exempt"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Codes are pasted with spaces and hyphens ("5133 0102 …"): the 18/30-character
        # limit applies to the normalized code, which clean() and the model check.
        for name in ("uscc", "filing_number"):
            field = self.fields.get(name)
            if field is not None:
                field.max_length = None
                field.validators = [
                    v for v in field.validators if not isinstance(v, MaxLengthValidator)
                ]
                field.widget.attrs.pop("maxlength", None)

    def clean(self):
        data = super().clean()
        # The checkbox is read-only for staff who may not grant exemptions: an exemption
        # already granted still applies to their edits.
        exempt = data.get("uscc_checksum_exempt", self.instance.uscc_checksum_exempt)
        # Normalize the code before the model's uniqueness check sees it.
        probe = Organization(
            legal_status=data.get("legal_status") or "",
            uscc=data.get("uscc") or None,
            filing_number=data.get("filing_number") or None,
            uscc_checksum_exempt=exempt,
            founded_on=data.get("founded_on"),
            term_start=data.get("term_start"),
            term_end=data.get("term_end"),
        )
        try:
            services.clean_identifiers(probe)
        except ValidationError as exc:
            self.add_error(None, exc)
        data["uscc"], data["filing_number"] = probe.uscc, probe.filing_number
        # Names are unique per community by their key, which the form does not carry, so
        # the model form's own uniqueness check cannot see a look-alike name.
        if data.get("name") and data.get("community"):
            named = Organization(
                pk=self.instance.pk, name=data["name"], community=data["community"]
            )
            holder = name_taken_by(named, within="community")
            if holder is not None:
                self.add_error(
                    "name",
                    _("This community already has an organization named %(name)s.")
                    % {"name": holder.name},
                )
        newly_exempt = exempt and not self.instance.uscc_checksum_exempt
        if newly_exempt and not data.get("exempt_reason", "").strip():
            self.add_error(
                "exempt_reason", _("Give the reason for accepting a code that fails the checksum.")
            )
        return data


class EventInline(admin.TabularInline):
    model = OrganizationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "from_label", "to_label", "actor", "note"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]
    verbose_name_plural = gettext_lazy("Timeline")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=gettext_lazy("from"))
    def from_label(self, event):
        return event.from_label

    @admin.display(description=gettext_lazy("to"))
    def to_label(self, event):
        return event.to_label


def _download_link(document):
    return format_html(
        '<a href="{}">{}</a>',
        reverse("incubation:document_download", args=[document.pk]),
        document.original_name,
    )


class DocumentInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The archive at a glance; uploads go through the documents page (one form for staff
    and leaders, checked by the same service)."""

    model = OrganizationDocument
    extra = 0
    can_delete = False
    fields = ["kind", "version", "title", "expires_on", "superseded_at", "download"]
    readonly_fields = fields
    ordering = ["kind", "-version"]
    verbose_name_plural = gettext_lazy("Documents")

    @admin.display(description=gettext_lazy("file"))
    def download(self, document):
        return _download_link(document)


# The typed evidence a stage's checkpoint reads (when its checker reads evidence, not
# records): the stage-change panel offers these fields for the organization's stage.
STAGE_EVIDENCE_FIELDS = {
    Stage.ONBOARDING: ("coverage", "party_liaison"),
    Stage.MANAGEMENT: ("party_activity_count",),
    Stage.ANNUAL_REVIEW: ("party_section_included",),
    Stage.RE_ELECTION: ("party_prereview_passed",),
    Stage.AWARDS: ("party_building_in_criteria",),
}


class StageChangeForm(forms.Form):
    to_stage = forms.ChoiceField(label=gettext_lazy("new stage"), choices=Stage.choices)
    note = forms.CharField(label=gettext_lazy("note"), required=False, widget=forms.Textarea)
    coverage = forms.ChoiceField(
        label=gettext_lazy("party coverage arranged"),
        required=False,
        choices=[
            ("", "—"),
            ("own_branch", gettext_lazy("Own party branch")),
            ("joint_branch", gettext_lazy("Joint party branch")),
            ("instructor", gettext_lazy("Party-building instructor")),
        ],
    )
    party_liaison = forms.CharField(label=gettext_lazy("party liaison"), required=False)
    party_activity_count = forms.IntegerField(
        label=gettext_lazy("party activities logged"), required=False, min_value=0
    )
    party_section_included = forms.BooleanField(
        label=gettext_lazy("the annual review includes the party-building section"),
        required=False,
    )
    party_prereview_passed = forms.BooleanField(
        label=gettext_lazy("the party organization pre-reviewed the new leadership"),
        required=False,
    )
    party_building_in_criteria = forms.BooleanField(
        label=gettext_lazy("party-building performance is in the award criteria"),
        required=False,
    )
    override_reason = forms.CharField(
        label=gettext_lazy("reason for letting a missing checkpoint pass"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Street staff only. Leave empty unless an organization must move on although its "
            "party-building checkpoint is not recorded; the override is recorded with this "
            "reason and counted on the dashboard as covered by override, not as coverage."
        ),
    )

    # The typed fields of the stages whose checkpoint reads records (they would be ignored).
    TYPED_FIELDS = {
        Stage.ONBOARDING: ("coverage", "party_liaison"),
        Stage.MANAGEMENT: ("party_activity_count",),
        Stage.RE_ELECTION: ("party_prereview_passed",),
    }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for stage, names in self.TYPED_FIELDS.items():
            if reads_records(stage):
                for name in names:
                    del self.fields[name]
        # Offered exactly to those the service accepts an override from.
        if user is None or not can_override_checkpoint(user):
            del self.fields["override_reason"]

    def evidence(self) -> dict:
        data = self.cleaned_data
        evidence = {}
        if data.get("coverage") in COVERAGE_KINDS:
            evidence["coverage"] = data["coverage"]
        if data.get("party_liaison"):
            evidence["party_liaison"] = data["party_liaison"]
        if data.get("party_activity_count") is not None:
            evidence["party_activity_count"] = data["party_activity_count"]
        for flag in (
            "party_section_included",
            "party_prereview_passed",
            "party_building_in_criteria",
        ):
            if data.get(flag):
                evidence[flag] = True
        return evidence


@admin.register(Organization)
class OrganizationAdmin(
    OrganizationExcelAdminMixin, ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin
):
    form = OrganizationAdminForm
    list_display = [
        "name",
        "identifier",
        "community",
        "legal_status",
        "stage",
        "growth_level",
        "incubation_phase",
        "grade",
    ]
    list_filter = [
        VisibleCommunityFilter,
        "stage",
        "legal_status",
        "growth_level",
        "incubation_phase",
        "grade",
        "service_field",
    ]
    search_fields = ["name", "=uscc", "=filing_number", "leader_name"]
    list_select_related = ["community"]
    list_per_page = 50
    show_full_result_count = False
    readonly_fields = [
        "stage",
        "stage_changed_at",
        "incubation_phase",
        "intake_agreement_on",
        "planned_incubation_months",
        "independent_operation_confirmed",
        "term_extended_until",
        "grade",
        "grade_valid_until",
        "last_annual_review_year",
        "last_annual_review_result",
        "uscc_exempt_reason",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "legal_status",
                    "uscc",
                    "uscc_checksum_exempt",
                    "exempt_reason",
                    "uscc_exempt_reason",
                    "filing_number",
                    "community",
                    "service_field",
                    "founded_on",
                    "address",
                ]
            },
        ),
        (
            gettext_lazy("Leader and party members"),
            {
                "fields": [
                    "leader_name",
                    "leader_phone",
                    "leader_political_status",
                    "party_member_count",
                ]
            },
        ),
        (
            gettext_lazy("Lifecycle"),
            {
                "fields": [
                    "stage",
                    "stage_changed_at",
                    "term_start",
                    "term_end",
                    "term_extended_until",
                    "last_annual_review_year",
                    "last_annual_review_result",
                    "grade",
                    "grade_valid_until",
                ]
            },
        ),
        (
            gettext_lazy("Incubation"),
            {
                "fields": [
                    "growth_level",
                    "incubation_phase",
                    "incubation_type",
                    "intake_agreement_on",
                    "planned_incubation_months",
                    "independent_operation_confirmed",
                ]
            },
        ),
    ]
    inlines = [DocumentInline, EventInline]
    actions = ["change_stage"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        org = self.get_object(request, admin.utils.unquote(object_id)) if object_id else None
        tools = []
        if org is not None:
            if can_view_documents(request.user, org):
                tools.append(
                    {
                        "label": _("Documents"),
                        "url": reverse("incubation:documents", args=[org.pk]),
                        "method": "get",
                    }
                )
            tools += tools_for(request.user, org)
        context = {**(extra_context or {}), "organization_tools": tools}
        if org is not None:
            context.update(self.panel_context(request, org))
        return super().change_view(request, object_id, form_url, extra_context=context)

    def panel_context(self, request, org) -> dict:
        """The panel above the form: what is due next, the organization's records in other
        modules, its leader accounts, and the stage change (allowed targets only)."""
        current = Stage(org.stage)
        may_change = self.has_change_permission(request, org)
        choices = stage_choices(request.user, org) if may_change else []
        form = StageChangeForm(user=request.user)
        evidence = [
            form[name] for name in STAGE_EVIDENCE_FIELDS.get(current, ()) if name in form.fields
        ]
        leaders = [
            {
                "name": leader.full_name or leader.username,
                "url": reverse("admin:accounts_user_change", args=[leader.pk])
                if can_manage_account(request.user, leader)
                else "",
            }
            for leader in org.leader_accounts.all()
        ]
        return {
            "next_action": next_required_action(org),
            "today": timezone.localdate(),
            "related_links": tools_for(request.user, org, group="related"),
            "leader_accounts": leaders,
            "stage_choices": choices,
            "checkpoint": checkpoint_status(org, current) if choices else None,
            "stage_form": form,
            "stage_evidence": evidence,
            "stage_url": reverse("admin:incubation_organization_stage", args=[org.pk]),
        }

    def get_urls(self):
        return [
            path(
                "<path:object_id>/stage/",
                self.admin_site.admin_view(self.stage_view),
                name="incubation_organization_stage",
            ),
            *super().get_urls(),
        ]

    def stage_view(self, request, object_id):
        """The stage-change buttons of the change page post here: one service call, its
        refusal (in Chinese, naming what is missing) shown as a message."""
        # The object first: another area's organization is the 404 of a missing one,
        # whatever the method.
        org = self.get_object(request, admin.utils.unquote(object_id))
        if org is None:
            raise Http404
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request, org):
            raise PermissionDenied
        change_url = reverse("admin:incubation_organization_change", args=[org.pk])
        form = StageChangeForm(request.POST, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, error, messages.ERROR)
            return HttpResponseRedirect(change_url)
        try:
            event = services.organization_change_stage(
                organization=org,
                to_stage=form.cleaned_data["to_stage"],
                actor=request.user,
                note=form.cleaned_data["note"],
                evidence=form.evidence(),
                override_reason=form.cleaned_data.get("override_reason", ""),
            )
        except ActionRefused as exc:
            self.message_user(request, exc.message, messages.ERROR)
            if hasattr(exc, "checkpoint") and "override_reason" in form.fields:
                self.message_user(
                    request,
                    _(
                        "To move an organization whose party-building checkpoint is missing, "
                        "record the missing facts first, or give a reason for letting it pass."
                    ),
                    messages.WARNING,
                )
            return HttpResponseRedirect(change_url)
        if event is not None:
            self.message_user(
                request,
                _("%(name)s moved to %(stage)s.")
                % {"name": org.name, "stage": Stage(org.stage).label},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(change_url)

    @admin.display(description=gettext_lazy("code / filing number"))
    def identifier(self, org):
        return org.identifier

    def create_via_service(self, request, obj, form):
        return services.organization_create(
            actor=request.user,
            exempt_reason=form.cleaned_data.get("exempt_reason", ""),
            uscc_checksum_exempt=obj.uscc_checksum_exempt,
            **{field: getattr(obj, field) for field in services.EDITABLE_FIELDS},
        )

    def update_via_service(self, request, obj, form):
        data = {field: getattr(obj, field) for field in services.EDITABLE_FIELDS}
        original = Organization.objects.get(pk=obj.pk)
        if obj.uscc_checksum_exempt and not original.uscc_checksum_exempt:
            services.organization_exempt_checksum(
                organization=original,
                reason=form.cleaned_data.get("exempt_reason", ""),
                actor=request.user,
            )
        services.organization_update(organization=original, actor=request.user, **data)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # Offer the exemption exactly to those the service accepts it from.
        if not can_exempt_checksum(request.user):
            readonly.append("uscc_checksum_exempt")
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if can_exempt_checksum(request.user):
            return fieldsets
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f != "exempt_reason"]})
            for title, options in fieldsets
        ]

    def save_related(self, request, form, formsets, change):
        # Only the read-only timeline is inline and nothing of it is saved; leader accounts
        # are linked by a service. The change message still reads what each formset saved.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    # Staff who may change organizations; the service still checks each transition.
    @admin.action(description=gettext_lazy("Change lifecycle stage…"), permissions=["change"])
    def change_stage(self, request, queryset):
        form = StageChangeForm(request.POST if "apply" in request.POST else None, user=request.user)
        if "apply" in request.POST and form.is_valid():
            refusals = run_each(
                self,
                request,
                queryset,
                lambda org: services.organization_change_stage(
                    organization=org,
                    to_stage=form.cleaned_data["to_stage"],
                    actor=request.user,
                    note=form.cleaned_data["note"],
                    evidence=form.evidence(),
                    override_reason=form.cleaned_data.get("override_reason", ""),
                ),
                _("%(count)d organization(s) moved."),
                label=lambda org: org.name,
            )
            checkpoint_refused = any(hasattr(exc, "checkpoint") for exc in refusals)
            if checkpoint_refused and "override_reason" in form.fields:
                self.message_user(
                    request,
                    _(
                        "To move an organization whose party-building checkpoint is missing, "
                        "record the missing facts first, or give a reason for letting it pass."
                    ),
                    messages.WARNING,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change lifecycle stage"),
            "organizations": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/incubation/change_stage.html", context)


class OrganizationChildAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Rows that belong to one organization: organization choices are scoped."""

    list_select_related = ["organization", "organization__community"]
    autocomplete_fields = ["organization"]


@admin.register(IncubationServiceRecord)
class IncubationServiceRecordAdmin(OrganizationChildAdmin):
    list_display = ["organization", "kind", "date", "provider", "hours"]
    list_filter = ["kind", "date"]
    search_fields = ["organization__name", "provider"]

    def get_readonly_fields(self, request, obj=None):
        return ["organization"] if obj else []

    def update_via_service(self, request, obj, form):
        fields = {f: getattr(obj, f) for f in services.SERVICE_RECORD_FIELDS}
        services.incubation_service_update(record=obj, actor=request.user, **fields)

    def create_via_service(self, request, obj, form):
        fields = {f: getattr(obj, f) for f in services.SERVICE_RECORD_FIELDS}
        return services.incubation_service_record(
            organization=obj.organization, actor=request.user, **fields
        )


@admin.register(CreditListing)
class CreditListingAdmin(OrganizationChildAdmin):
    list_display = ["organization", "list_kind", "ground", "listed_on", "cleared_on"]
    list_filter = ["list_kind", "ground", "cleared_on"]
    search_fields = ["organization__name"]
    readonly_fields = ["escalated_from"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["cleared_on", "escalated_from"]
        return ["organization", "list_kind", "ground", "listed_on", "escalated_from"]

    def update_via_service(self, request, obj, form):
        if obj.cleared_on:
            services.credit_list_clear(
                listing=obj, cleared_on=obj.cleared_on, actor=request.user, note=obj.note
            )

    def create_via_service(self, request, obj, form):
        return services.credit_list_add(
            organization=obj.organization,
            list_kind=obj.list_kind,
            ground=obj.ground,
            listed_on=obj.listed_on,
            actor=request.user,
            note=obj.note,
        )


@admin.register(Pairing)
class PairingAdmin(EndedViaServiceMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["mentor", "mentee", "started_on", "ended_on"]
    list_filter = ["ended_on"]
    search_fields = ["mentor__name", "mentee__name"]
    list_select_related = ["mentor", "mentee"]
    autocomplete_fields = ["mentor", "mentee"]

    def get_readonly_fields(self, request, obj=None):
        return ["mentor", "mentee", "started_on"] if obj else ["ended_on"]

    def end_via_service(self, request, stored, ended_on):
        services.pairing_end(pairing=stored, ended_on=ended_on, actor=request.user)

    def create_via_service(self, request, obj, form):
        return services.pairing_create(
            mentor=obj.mentor,
            mentee=obj.mentee,
            started_on=obj.started_on,
            actor=request.user,
        )


@admin.register(OrganizationEvent)
class OrganizationEventAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "organization", "kind", "from_value", "to_value", "actor"]
    list_filter = ["kind"]
    search_fields = ["organization__name"]
    list_select_related = ["organization", "actor"]
    date_hierarchy = "created_at"


@admin.register(CheckpointOverride)
class CheckpointOverrideAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Read only: an override is written by the stage change that it let through."""

    list_display = ["created_at", "organization", "stage", "to_stage", "actor", "reason"]
    list_filter = ["stage"]
    search_fields = ["organization__name"]
    list_select_related = ["organization", "actor"]


@admin.register(OrganizationDocument)
class OrganizationDocumentAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Every version of every organization's documents, read-only: uploads go through the
    documents page of the organization (``document_upload``)."""

    list_display = [
        "organization",
        "kind",
        "version",
        "title",
        "expires_on",
        "is_current",
        "created_at",
        "download",
    ]
    list_filter = ["kind", ("superseded_at", admin.EmptyFieldListFilter), "expires_on"]
    search_fields = ["organization__name", "title", "original_name", "=sha256"]
    list_select_related = ["organization"]
    readonly_fields = [
        field.name for field in OrganizationDocument._meta.fields if field.name != "file"
    ] + ["download"]
    exclude = ["file"]
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("current"), boolean=True)
    def is_current(self, document):
        return document.is_current

    @admin.display(description=gettext_lazy("file"))
    def download(self, document):
        return _download_link(document)
