"""Public-benefit activities (公益伙伴日, the 25th dedication day, deliveries of claimed list
items), their sessions, who came, and the volunteer service hours that follow.

Records follow the national rules for volunteer service records (民政部令第67号): true,
complete and prompt; whoever organizes records, whoever records certifies. So an hour
counted comes from a sign-in and a sign-out (or an organizer's mark), a supplement needs a
reason and a second person, and every change leaves a row in ``PlaceEvent``."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Street
from accounts.scoping import ScopedQuerySet, ScopePaths
from core.certified import CertifiedDocument
from core.models import TimelineEvent, TimeStampedModel
from incubation.models import Organization
from marketplace.models import Claim, PartnerUnit
from partybuilding.models import PartyActivity, PartyMember, PartyOrganization
from volunteering.choices import AttendanceSource, Audience, OrganizerKind, Series
from volunteering.workflows import (
    LIVE_PLACE_STATUSES,
    ActivityStatus,
    PlaceStatus,
    SupplementStatus,
)

HOURS = {"max_digits": 7, "decimal_places": 1}


class ActivityQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="street", community="community", organization="organization")


class Activity(TimeStampedModel):
    """A public-benefit activity with one or more sessions; approved by staff before the
    public sees it."""

    title = models.CharField(_("title"), max_length=100)
    series = models.CharField(_("series"), max_length=20, choices=Series.choices)
    description = models.TextField(_("what volunteers will do"), blank=True)
    organizer_kind = models.CharField(
        _("organized by"), max_length=20, choices=OrganizerKind.choices
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="public_activities",
        verbose_name=_("organization"),
    )
    party_org = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="public_activities",
        verbose_name=_("party organization"),
    )
    partner_unit = models.ForeignKey(
        PartnerUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="public_activities",
        verbose_name=_("partner unit"),
    )
    claim = models.ForeignKey(
        Claim,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("delivers the claim"),
    )
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="public_activities", verbose_name=_("street")
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="public_activities",
        verbose_name=_("community"),
        help_text=_("Where it takes place; empty for street-wide activities."),
    )
    place = models.CharField(_("place"), max_length=200)
    audience = models.CharField(
        _("who may join"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    capacity = models.PositiveIntegerField(
        _("places per session"), validators=[MinValueValidator(1)]
    )
    recruit_until = models.DateTimeField(_("sign-up closes at"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("public-benefit activity")
        verbose_name_plural = _("public-benefit activities")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Exactly the organizer the kind names (the hub needs none).
            models.CheckConstraint(
                condition=(
                    Q(
                        organizer_kind=OrganizerKind.ORGANIZATION,
                        organization__isnull=False,
                        party_org__isnull=True,
                        partner_unit__isnull=True,
                    )
                    | Q(
                        organizer_kind=OrganizerKind.PARTY_ORG,
                        party_org__isnull=False,
                        partner_unit__isnull=True,
                    )
                    | Q(
                        organizer_kind=OrganizerKind.PARTNER_UNIT,
                        partner_unit__isnull=False,
                        party_org__isnull=True,
                    )
                    | Q(
                        organizer_kind=OrganizerKind.HUB,
                        party_org__isnull=True,
                        partner_unit__isnull=True,
                    )
                ),
                name="activity_organizer_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["street", "status"], name="activity_street_status"),
            models.Index(fields=["organization", "status"], name="activity_org_status"),
        ]

    def __str__(self):
        return self.title

    @property
    def organizer_name(self) -> str:
        for organizer in (self.organization, self.party_org, self.partner_unit):
            if organizer is not None:
                return str(organizer)
        return str(_("凯益荟"))


class ActivityEvent(TimelineEvent):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="events", verbose_name=_("activity")
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")


class SessionQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="activity__street",
        community="activity__community",
        organization="activity__organization",
    )


class Session(models.Model):
    """One occurrence of an activity, with its own places, QR code and attendance."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("activity")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # A dedication-day session is also the branch's organizational-life record: its
    # attendee count is the number of members who came (kept by the attendance service).
    party_activity = models.OneToOneField(
        PartyActivity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_session",
        verbose_name=_("party activity record"),
    )
    # Raising the version voids every QR code printed before (a photo sent around).
    qr_version = models.PositiveSmallIntegerField(_("QR code version"), default=1)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("attendance closed at"), null=True, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]
        indexes = [
            # The calendar and the reminders read sessions by time.
            models.Index(fields=["starts_at"], name="session_starts_at"),
            models.Index(fields=["activity", "starts_at"], name="session_activity_start"),
        ]

    def __str__(self):
        return f"{self.activity} · {self.starts_at:%Y-%m-%d %H:%M}"


class VolunteerQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="street", community="community")


class Volunteer(TimeStampedModel):
    """A person whose service hours are recorded: usually with a portal account (a party
    member's roster record links to it); people without a phone are recorded by the
    organizer all the same."""

    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(
        _("ID number"),
        max_length=18,
        blank=True,
        help_text=_("Printed masked on certificates; needed for one."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name=_("portal account"),
    )
    party_member = models.OneToOneField(
        PartyMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name=_("party member record"),
    )
    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="volunteers", verbose_name=_("street")
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteers",
        verbose_name=_("community"),
    )
    # Kept by the hours service in the same transaction as every change of hours, so the
    # record page and the figures never sum millions of rows.
    hours_total = models.DecimalField(_("service hours"), default=Decimal("0"), **HOURS)
    last_served_on = models.DateField(_("last served on"), null=True, blank=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["street", "last_served_on"], name="volunteer_street_served"),
        ]

    def __str__(self):
        return self.name


class PlaceQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="session__activity__street",
        community="session__activity__community",
        organization="session__activity__organization",
    )


class Place(TimeStampedModel):
    """A volunteer's place at a session: the sign-up, the waiting list, the attendance and
    the hours it gave."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="places", verbose_name=_("session")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="places", verbose_name=_("volunteer")
    )
    status = models.CharField(_("status"), max_length=20, choices=PlaceStatus.choices)
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    signed_out_at = models.DateTimeField(_("signed out at"), null=True, blank=True)
    sign_in_source = models.CharField(
        _("sign-in recorded by"), max_length=20, choices=AttendanceSource.choices, blank=True
    )
    sign_out_source = models.CharField(
        _("sign-out recorded by"), max_length=20, choices=AttendanceSource.choices, blank=True
    )
    hours = models.DecimalField(
        _("service hours"),
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        **HOURS,
    )

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["session", "created_at", "pk"]
        constraints = [
            # One live place per person and session: a double tap signs up once.
            models.UniqueConstraint(
                fields=["session", "volunteer"],
                condition=Q(status__in=sorted(LIVE_PLACE_STATUSES)),
                name="place_one_live_per_person",
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="place_hours_not_negative"),
            models.CheckConstraint(
                condition=Q(signed_out_at__isnull=True)
                | Q(signed_in_at__isnull=False, signed_out_at__gte=models.F("signed_in_at")),
                name="place_out_after_in",
            ),
        ]
        indexes = [
            # A session's roster and its waiting list in order.
            models.Index(fields=["session", "status", "created_at"], name="place_session_status"),
            # A volunteer's record.
            models.Index(fields=["volunteer", "status"], name="place_volunteer_status"),
            # "Did this member attend this session": the dedication-day attendance probes
            # one (volunteer, session) pair per member on the roll; without it PostgreSQL
            # read all of each member's places (1.4 s for a street at province scale).
            models.Index(
                fields=["volunteer", "session"],
                condition=Q(status=PlaceStatus.ATTENDED),
                name="place_attended_volunteer",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} @ {self.session}"


class PlaceEvent(TimelineEvent):
    """Every step of a place: signed up, moved up, signed in and out, hours corrected."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="events", verbose_name=_("place")
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("attendance event")
        verbose_name_plural = _("attendance events")


class SupplementQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="place__session__activity__street",
        community="place__session__activity__community",
        organization="place__session__activity__organization",
    )


class HoursSupplement(models.Model):
    """A supplement or correction of a place's times (forgotten sign-out, paper sign-in
    sheet): it takes effect only when a second person approves it."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="supplements", verbose_name=_("place")
    )
    signed_in_at = models.DateTimeField(_("signed in at"))
    signed_out_at = models.DateTimeField(_("signed out at"))
    hours_before = models.DecimalField(_("hours before"), **HOURS)
    hours_after = models.DecimalField(_("hours after"), **HOURS)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SupplementStatus.choices,
        default=SupplementStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = SupplementQuerySet.as_manager()

    class Meta:
        verbose_name = _("hours supplement")
        verbose_name_plural = _("hours supplements")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_out_at__gt=models.F("signed_in_at")),
                name="supplement_out_after_in",
            ),
        ]

    def __str__(self):
        return f"{self.place} · {self.get_status_display()}"


class VolunteerCertificate(CertifiedDocument):
    """志愿服务证明: the hours of one volunteer, certified by the hub (whoever records
    certifies), verifiable by the QR code printed on it."""

    CERTIFIED_FOLDER = "volunteer-certificates"

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("volunteer"),
    )
    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta(CertifiedDocument.Meta):
        verbose_name = _("volunteer service certificate")
        verbose_name_plural = _("volunteer service certificates")
        ordering = ["-issued_at", "-pk"]

    def __str__(self):
        return self.number
