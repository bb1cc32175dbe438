import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Community
from accounts.scoping import ScopedQuerySet, ScopePaths
from core.choices import label_of
from core.fields import NameKeyField
from core.models import StoredUpload, TimelineEvent, TimeStampedModel
from incubation.choices import (
    AnnualReviewResult,
    CreditGround,
    CreditList,
    DocumentKind,
    EventKind,
    Grade,
    GrowthLevel,
    IncubationServiceKind,
    IncubationType,
    LegalStatus,
    PoliticalStatus,
    ServiceField,
)
from incubation.workflows import IncubationPhase, Stage


class OrganizationQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="community__street", community="community", organization="")


class Organization(TimeStampedModel):
    """A community social organization served by the hub."""

    name = models.CharField(_("name"), max_length=200)
    # What names are compared by: "景新书画院" and a copy with a zero-width space or
    # full-width letters are the same organization (core.identifiers.normalize_name).
    name_key = NameKeyField(_("name key"), max_length=200)
    legal_status = models.CharField(_("legal status"), max_length=30, choices=LegalStatus.choices)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True
    )
    uscc_checksum_exempt = models.BooleanField(
        _("checksum exempt"),
        default=False,
        help_text=_("A legally issued code that fails the checksum, accepted by staff."),
    )
    uscc_exempt_reason = models.CharField(_("exemption reason"), max_length=300, blank=True)
    filing_number = models.CharField(
        _("filing number"), max_length=30, null=True, blank=True, unique=True
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("community"),
    )
    service_field = models.CharField(
        _("service field"), max_length=30, choices=ServiceField.choices, default=ServiceField.OTHER
    )
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    leader_name = models.CharField(_("leader"), max_length=50, blank=True)
    leader_phone = models.CharField(_("leader's phone"), max_length=20, blank=True)
    leader_political_status = models.CharField(
        _("leader's political status"), max_length=30, choices=PoliticalStatus.choices, blank=True
    )
    party_member_count = models.PositiveIntegerField(
        _("party members at intake"), null=True, blank=True
    )

    growth_level = models.CharField(
        _("growth level"),
        max_length=20,
        choices=GrowthLevel.choices,
        default=GrowthLevel.COMMUNITY_ORG,
    )
    incubation_phase = models.CharField(
        _("incubation phase"),
        max_length=20,
        choices=IncubationPhase.choices,
        default=IncubationPhase.NONE,
        blank=True,
    )
    incubation_type = models.CharField(
        _("incubation type"), max_length=20, choices=IncubationType.choices, blank=True
    )
    intake_agreement_on = models.DateField(_("incubation agreement date"), null=True, blank=True)
    planned_incubation_months = models.PositiveSmallIntegerField(
        _("planned incubation (months)"), null=True, blank=True
    )
    independent_operation_confirmed = models.BooleanField(
        _("independent operation confirmed"), default=False
    )

    stage = models.CharField(
        _("lifecycle stage"), max_length=20, choices=Stage.choices, default=Stage.REGISTRATION
    )
    stage_changed_at = models.DateTimeField(_("stage changed at"), null=True, blank=True)

    term_start = models.DateField(_("council term start"), null=True, blank=True)
    term_end = models.DateField(_("council term end"), null=True, blank=True)
    term_extended_until = models.DateField(
        _("term extended until"),
        null=True,
        blank=True,
        help_text=_("An approved extension of the council term (at most one year)."),
    )

    grade = models.CharField(_("grade"), max_length=2, choices=Grade.choices, blank=True)
    grade_valid_until = models.DateField(_("grade valid until"), null=True, blank=True)
    last_annual_review_year = models.PositiveSmallIntegerField(
        _("year of last annual review"), null=True, blank=True
    )
    last_annual_review_result = models.CharField(
        _("last annual review result"),
        max_length=20,
        choices=AnnualReviewResult.choices,
        blank=True,
    )

    leader_accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="led_organizations",
        verbose_name=_("leader accounts"),
        help_text=_("Portal accounts of the people who run this organization."),
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name", "pk"]
        constraints = [
            # A registered organization has a USCC and no filing number; a filed-only one
            # the other way round.
            models.CheckConstraint(
                condition=(
                    Q(
                        legal_status=LegalStatus.FILED,
                        uscc__isnull=True,
                        filing_number__isnull=False,
                    )
                    | (
                        ~Q(legal_status=LegalStatus.FILED)
                        & Q(uscc__isnull=False, filing_number__isnull=True)
                    )
                ),
                name="organization_one_identifier",
            ),
            # On the key, not the name: a look-alike name is the same name.
            models.UniqueConstraint(
                fields=["community", "name_key"], name="organization_unique_name_key"
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gt=F("term_start")),
                name="organization_term_order",
            ),
        ]
        indexes = [
            # The staff list filters by community and stage together. With the id in the
            # index, the coverage rates and the dashboards' counts of a street read only
            # the index (its 30,000 organizations in a province-sized street: 11 ms
            # instead of a 100 ms scan of the whole table). SQLite ignores "include".
            models.Index(
                fields=["community", "stage"], include=["id"], name="org_community_stage_id"
            ),
            # Dashboards and the admin filter count organizations by stage street-wide.
            models.Index(fields=["stage"], name="org_stage"),
            # Reminders look for terms ending soon.
            models.Index(fields=["term_end"], name="org_term_end"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, update_fields=None, **kwargs):
        # A save limited to some fields would leave the name's key stale on a rename.
        if update_fields is not None and "name" in update_fields:
            update_fields = {*update_fields, "name_key"}
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def identifier(self) -> str:
        return self.uscc or self.filing_number or ""

    @property
    def is_registered(self) -> bool:
        return self.legal_status != LegalStatus.FILED

    @property
    def has_left(self) -> bool:
        from incubation.workflows import EXIT_STAGES

        return self.stage in EXIT_STAGES


class OrganizationEventQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="organization__community__street",
        community="organization__community",
        organization="organization",
    )


class OrganizationEvent(TimelineEvent):
    """The audit trail and timeline of an organization: who changed what, when. Written
    only by the incubation services (``incubation.services.record_event`` for the other
    apps' steps on an organization's timeline)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("organization"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)

    objects = OrganizationEventQuerySet.as_manager()

    class Meta(TimelineEvent.Meta):
        verbose_name = _("organization event")
        verbose_name_plural = _("organization events")

    def __str__(self):
        return f"{self.organization} · {self.get_kind_display()}"

    def _label(self, value: str) -> str:
        choices = {
            EventKind.CREATED: Stage,
            EventKind.STAGE_CHANGED: Stage,
            EventKind.PHASE_CHANGED: IncubationPhase,
            EventKind.ANNUAL_REVIEW_RESULT: AnnualReviewResult,
            EventKind.CREDIT_LISTED: CreditList,
            EventKind.CREDIT_CLEARED: CreditList,
        }
        return label_of(choices.get(self.kind), value)

    @property
    def from_label(self) -> str:
        return self._label(self.from_value)

    @property
    def to_label(self) -> str:
        return self._label(self.to_value)


class IncubationServiceRecord(TimeStampedModel):
    """One dated incubation service (DB 3301/T 0346—2021) given to an organization."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="incubation_services",
        verbose_name=_("organization"),
    )
    kind = models.CharField(_("service"), max_length=20, choices=IncubationServiceKind.choices)
    date = models.DateField(_("date"))
    provider = models.CharField(_("provider"), max_length=100)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    notes = models.TextField(_("notes"), blank=True)

    objects = OrganizationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("incubation service")
        verbose_name_plural = _("incubation services")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="incubation_service_hours"),
        ]

    def __str__(self):
        return f"{self.organization} · {self.get_kind_display()} · {self.date}"


class PairingQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="mentee__community__street", community="mentee__community", organization="mentee"
    )

    def active(self):
        return self.filter(ended_on__isnull=True)


class Pairing(TimeStampedModel):
    """1+X: a mature organization mentors grassroots ones."""

    mentor = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="mentees", verbose_name=_("mentor")
    )
    mentee = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="mentors", verbose_name=_("mentee")
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("1+X pairing")
        verbose_name_plural = _("1+X pairings")
        ordering = ["-started_on", "-pk"]
        constraints = [
            # A grassroots organization has one active mentor at a time.
            models.UniqueConstraint(
                fields=["mentee"], condition=Q(ended_on__isnull=True), name="pairing_one_active"
            ),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="pairing_not_self"),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.mentee}"


class CreditListingQuerySet(OrganizationEventQuerySet):
    def active(self):
        return self.filter(cleared_on__isnull=True)


class CreditListing(TimeStampedModel):
    """An entry on the abnormal-activity list or the serious-violation list."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="credit_listings",
        verbose_name=_("organization"),
    )
    list_kind = models.CharField(_("list"), max_length=20, choices=CreditList.choices)
    ground = models.CharField(_("ground"), max_length=30, choices=CreditGround.choices)
    listed_on = models.DateField(_("listed on"))
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    escalated_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_to",
        verbose_name=_("escalated from"),
    )

    objects = CreditListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit listing")
        verbose_name_plural = _("credit listings")
        ordering = ["-listed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cleared_on__isnull=True) | Q(cleared_on__gte=F("listed_on")),
                name="credit_listing_dates",
            ),
        ]
        indexes = [
            # blocking_reasons() asks for the active listings of one organization.
            models.Index(fields=["organization", "cleared_on"], name="credit_org_active"),
        ]

    def __str__(self):
        return f"{self.organization} · {self.get_list_kind_display()}"


class CheckpointOverride(TimeStampedModel):
    """A street administrator let an organization leave a stage whose party-building
    checkpoint (双孵六同步) was missing, with a reason. Written by
    ``organization_change_stage`` together with the stage change's timeline event; the
    figures count it apart from real coverage ("covered by override")."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="checkpoint_overrides",
        verbose_name=_("organization"),
    )
    stage = models.CharField(_("checkpoint of stage"), max_length=20, choices=Stage.choices)
    to_stage = models.CharField(_("moved to"), max_length=20, choices=Stage.choices)
    missing = models.TextField(_("what was missing"))
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    event = models.OneToOneField(
        OrganizationEvent,
        on_delete=models.CASCADE,
        related_name="checkpoint_override",
        verbose_name=_("stage change"),
    )

    objects = OrganizationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("checkpoint override")
        verbose_name_plural = _("checkpoint overrides")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="checkpoint_override_reason"),
        ]
        indexes = [
            # "Covered by override": does an organization have an override of a coverage
            # checkpoint (partybuilding.selectors.coverage_rates).
            models.Index(fields=["organization", "stage"], name="checkpoint_override_org"),
        ]

    def __str__(self):
        return f"{self.organization} · {self.get_stage_display()}"


# --- Documents ------------------------------------------------------------------------------


def document_path(instance, filename) -> str:
    # Stored names are generated: a client's file name never reaches the storage (the
    # original name is kept in ``original_name`` for the download).
    return f"incubation/documents/{instance.organization_id}/{uuid.uuid4().hex}"


class OrganizationDocumentQuerySet(OrganizationEventQuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True)


class OrganizationDocument(StoredUpload):
    """One version of one of an organization's documents (章程, 登记证书, 年度审计报告,
    换届材料). A new version of a kind supersedes the previous one, which stays in the
    archive: versions are never edited or deleted through the platform. ``content_type``
    is the MIME type of the kind read from the bytes (``DOCUMENT_CONTENT_TYPES``)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("organization"),
    )
    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=document_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    # Moved when a newer version supersedes this one (the upload service saves it).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganizationDocumentQuerySet.as_manager()

    class Meta(StoredUpload.Meta):
        verbose_name = _("organization document")
        verbose_name_plural = _("organization documents")
        ordering = ["organization", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "version"], name="document_version_unique"
            ),
            # One current version per kind; the upload service supersedes the previous
            # one under a lock on the organization.
            models.UniqueConstraint(
                fields=["organization", "kind"],
                condition=Q(superseded_at__isnull=True),
                name="document_one_current",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="document_version_positive"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(expires_on__gte=F("valid_from")),
                name="document_dates_in_order",
            ),
        ]
        indexes = [
            # The daily expiry reminders look for current documents expiring soon.
            models.Index(
                fields=["expires_on"],
                condition=Q(superseded_at__isnull=True, expires_on__isnull=False),
                name="document_current_expiry",
            ),
        ]

    def __str__(self):
        return f"{self.organization} · {self.get_kind_display()} v{self.version}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None
