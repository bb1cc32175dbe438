"""Funding: the community foundation (fund, council units, donations, spending) and the
yearly micro-venture grants (calls, applications, review, delivery).

Money is ``Decimal`` yuan in ``DecimalField(max_digits=14, decimal_places=2)`` everywhere.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Street
from accounts.roles import Role
from accounts.scoping import ScopedQuerySet, ScopePaths
from core.certified import CertifiedDocument
from core.choices import label_of
from core.models import StoredUpload, TimelineEvent, TimeStampedModel
from funding.choices import AcceptanceResult, AttachmentKind, MilestoneKind, ReportKind, TrackKind
from funding.workflows import ApplicationStatus
from incubation.choices import ServiceField
from incubation.models import Organization

ZERO = Decimal("0")


def money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


class StreetWideQuerySet(ScopedQuerySet):
    """Rows that belong to a street as a whole (the foundation, calls): community staff
    read their own street's, as they read its organizations."""

    def extra_visibility_q(self, user, roles):
        q = super().extra_visibility_q(user, roles)
        if Role.COMMUNITY_STAFF in roles and user.street_id:
            q |= Q(**{_street_lookup(self.scope_paths.street): user.street_id})
        return q


def _street_lookup(path: str) -> str:
    return f"{path}__pk" if path else "pk"


# --- Community foundation -------------------------------------------------------------------


class FundQuerySet(StreetWideQuerySet):
    scope_paths = ScopePaths(street="street")


class Fund(TimeStampedModel):
    """A street's community foundation. ``balance`` is a stored running total kept by the
    services under a row lock; the ledger (seed + donations − spending) is the source of
    truth and the check constraint the backstop."""

    street = models.OneToOneField(
        Street, on_delete=models.PROTECT, related_name="fund", verbose_name=_("street")
    )
    name = models.CharField(_("name"), max_length=200)
    seed_capital = money(_("seed capital"))
    established_on = models.DateField(_("established on"), null=True, blank=True)
    balance = money(_("balance"), default=ZERO, editable=False)

    objects = FundQuerySet.as_manager()

    class Meta:
        verbose_name = _("community foundation")
        verbose_name_plural = _("community foundations")
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="fund_balance_not_negative"),
            models.CheckConstraint(condition=Q(seed_capital__gte=0), name="fund_seed_not_negative"),
        ]

    def __str__(self):
        return self.name


class FundChildQuerySet(StreetWideQuerySet):
    scope_paths = ScopePaths(street="fund__street")


class CouncilUnit(TimeStampedModel):
    """A council member unit (理事单位) of the foundation."""

    fund = models.ForeignKey(
        Fund, on_delete=models.CASCADE, related_name="council_units", verbose_name=_("fund")
    )
    name = models.CharField(_("name"), max_length=200)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    representative = models.CharField(_("representative"), max_length=50, blank=True)

    objects = FundChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("council member unit")
        verbose_name_plural = _("council member units")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "name"], name="council_unit_unique_name"),
        ]

    def __str__(self):
        return self.name


class Donation(TimeStampedModel):
    """One line of the donations ledger."""

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="donations", verbose_name=_("fund")
    )
    donor = models.CharField(_("donor"), max_length=200)
    amount = money(_("amount"))
    received_on = models.DateField(_("received on"))
    restricted_purpose = models.CharField(
        _("restricted purpose"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty for an unrestricted donation."),
    )
    receipt_number = models.CharField(_("receipt number"), max_length=50)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = FundChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
            models.UniqueConstraint(
                fields=["fund", "receipt_number"], name="donation_unique_receipt"
            ),
        ]
        indexes = [
            # The ledger page and the yearly totals read donations by date.
            models.Index(fields=["fund", "received_on"], name="donation_fund_date"),
        ]

    def __str__(self):
        return f"{self.donor} {self.amount}"


class FundSpending(TimeStampedModel):
    """Money the foundation spent on a community project."""

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="spendings", verbose_name=_("fund")
    )
    project = models.CharField(_("project"), max_length=200)
    amount = money(_("amount"))
    spent_on = models.DateField(_("spent on"))
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = FundChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("foundation spending")
        verbose_name_plural = _("foundation spending")
        ordering = ["-spent_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_spending_positive"),
        ]

    def __str__(self):
        return f"{self.project} {self.amount}"


# --- Calls ----------------------------------------------------------------------------------


class GrantCallQuerySet(StreetWideQuerySet):
    scope_paths = ScopePaths(street="street")

    def extra_visibility_q(self, user, roles):
        q = super().extra_visibility_q(user, roles)
        if Role.ORG_LEADER in roles:
            # Leaders see the calls of the streets their organizations belong to.
            led = Organization.objects.filter(leader_accounts=user).values("community__street")
            q |= Q(street__in=led)
        if Role.EVALUATOR in roles:
            q |= Q(pk__in=ExpertAssignment.objects.filter(expert=user).values("call"))
        return q


class GrantCall(TimeStampedModel):
    """A yearly call (征集) of the micro-venture grants."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="grant_calls", verbose_name=_("street")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    theme = models.TextField(_("theme"), blank=True)
    total_budget = money(_("total budget"))
    per_project_cap = money(_("per-project cap"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    objects = GrantCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant call")
        verbose_name_plural = _("grant calls")
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["street", "year"], name="grant_call_one_per_year"),
            models.CheckConstraint(condition=Q(total_budget__gt=0), name="call_budget_positive"),
            models.CheckConstraint(
                condition=Q(per_project_cap__gt=0, per_project_cap__lte=F("total_budget")),
                name="call_cap_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="call_dates_in_order"
            ),
        ]

    def __str__(self):
        return self.title

    def is_open(self, today) -> bool:
        return self.opens_on <= today <= self.closes_on


class CallChildQuerySet(StreetWideQuerySet):
    scope_paths = ScopePaths(street="call__street")


class CallTrack(models.Model):
    """A track of a call: registered or filed (备案) organizations, each with its cap."""

    call = models.ForeignKey(
        GrantCall, on_delete=models.CASCADE, related_name="tracks", verbose_name=_("call")
    )
    kind = models.CharField(_("track"), max_length=20, choices=TrackKind.choices)
    per_project_cap = money(
        _("per-project cap"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the call's cap."),
    )

    objects = CallChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["call", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["call", "kind"], name="call_track_unique"),
        ]

    def __str__(self):
        return self.get_kind_display()

    @property
    def cap(self) -> Decimal:
        if self.per_project_cap is None:
            return self.call.per_project_cap
        return min(self.per_project_cap, self.call.per_project_cap)


class Criterion(models.Model):
    """A scoring criterion with its weight (weights of a call sum to 100)."""

    call = models.ForeignKey(
        GrantCall, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call")
    )
    name = models.CharField(_("name"), max_length=100)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = CallChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "name"], name="criterion_unique_name"),
            models.CheckConstraint(
                condition=Q(weight__gt=0, weight__lte=100), name="criterion_weight_range"
            ),
        ]

    def __str__(self):
        return self.name


class Milestone(models.Model):
    """One tranche of the call's payment plan (percentages of a call sum to 100)."""

    call = models.ForeignKey(
        GrantCall, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("call")
    )
    kind = models.CharField(_("milestone"), max_length=20, choices=MilestoneKind.choices)
    percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)

    objects = CallChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["call", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "kind"], name="milestone_unique_kind"),
            models.CheckConstraint(
                condition=Q(percent__gt=0, percent__lte=100), name="milestone_percent_range"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.percent}%"


class ExpertAssignment(models.Model):
    """An expert (evaluator account) assigned to review a call."""

    call = models.ForeignKey(
        GrantCall, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("call")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="grant_assignments",
        verbose_name=_("expert"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CallChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        constraints = [
            models.UniqueConstraint(fields=["call", "expert"], name="expert_assignment_unique"),
        ]

    def __str__(self):
        return f"{self.expert} · {self.call}"


class ConflictDeclaration(models.Model):
    """An expert declares a conflict of interest with an organization in a call: they do
    not see or score its application."""

    call = models.ForeignKey(
        GrantCall, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("call")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="grant_conflicts",
        verbose_name=_("expert"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CallChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "expert", "organization"], name="conflict_unique"
            ),
        ]

    def __str__(self):
        return f"{self.expert} · {self.organization}"


# --- Applications ---------------------------------------------------------------------------


def expert_applications_q(user) -> Q:
    """An expert's applications: submitted ones of the calls they are assigned to, minus the
    organizations they lead or declared a conflict with."""
    declared = ConflictDeclaration.objects.filter(
        call=OuterRef("call"), organization=OuterRef("organization"), expert=user
    )
    return (
        Q(call__in=ExpertAssignment.objects.filter(expert=user).values("call"))
        & ~Q(status=ApplicationStatus.DRAFT)
        & ~Q(organization__in=Organization.objects.filter(leader_accounts=user).values("pk"))
        & ~Q(Exists(declared))
    )


class ApplicationQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="call__street", community="organization__community", organization="organization"
    )

    def extra_visibility_q(self, user, roles):
        q = super().extra_visibility_q(user, roles)
        if Role.EVALUATOR in roles:
            q |= expert_applications_q(user)
        return q


def attachment_path(instance, filename) -> str:
    # Stored names are generated: a client's file name never reaches the storage.
    return f"funding/{uuid.uuid4().hex}"


class Application(TimeStampedModel):
    """An organization's application to a call, and — once approved — its grant."""

    call = models.ForeignKey(
        GrantCall, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="grant_applications",
        verbose_name=_("organization"),
    )
    track = models.CharField(_("track"), max_length=20, choices=TrackKind.choices)
    title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    service_field = models.CharField(
        _("service field"), max_length=30, choices=ServiceField.choices, default=ServiceField.OTHER
    )
    target_community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target community"),
    )
    beneficiaries = models.CharField(_("beneficiaries"), max_length=300, blank=True)
    beneficiary_count = models.PositiveIntegerField(_("number of beneficiaries"), default=0)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    requested_amount = money(_("requested amount"), default=ZERO)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    awarded_amount = money(_("awarded amount"), null=True, blank=True)
    decision_message = models.TextField(_("message to the applicant"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    midterm_due_on = models.DateField(_("mid-term report due"), null=True, blank=True)
    final_due_on = models.DateField(_("final report due"), null=True, blank=True)
    acceptance_result = models.CharField(
        _("acceptance result"), max_length=20, choices=AcceptanceResult.choices, blank=True
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant application")
        verbose_name_plural = _("grant applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_amount__gte=0), name="application_requested_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(awarded_amount__isnull=True) | Q(awarded_amount__gt=0),
                name="application_award_positive",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="application_dates_in_order",
            ),
        ]
        indexes = [
            # The ranking table and the budget sum read a call's applications by status.
            models.Index(fields=["call", "status"], name="application_call_status"),
            # Eligibility looks for an organization's open or failed grants.
            models.Index(fields=["organization", "status"], name="application_org_status"),
        ]

    def __str__(self):
        return self.title


class ApplicationChildQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="application__call__street",
        community="application__organization__community",
        organization="application__organization",
    )

    def extra_visibility_q(self, user, roles):
        q = super().extra_visibility_q(user, roles)
        if Role.EVALUATOR in roles:
            q |= Q(application__in=Application.objects.filter(expert_applications_q(user)))
        return q


class BudgetLine(models.Model):
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="budget_lines",
        verbose_name=_("application"),
    )
    item = models.CharField(_("item"), max_length=200)
    amount = money(_("amount"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ApplicationChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_positive"),
        ]

    def __str__(self):
        return f"{self.item} {self.amount}"


class Attachment(StoredUpload):
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("application"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.APPLICATION
    )
    file = models.FileField(_("file"), upload_to=attachment_path)

    objects = ApplicationChildQuerySet.as_manager()

    class Meta(StoredUpload.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "pk"]


class Score(models.Model):
    """One expert's score (0–100) of one application on one criterion."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="scores", verbose_name=_("application")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="grant_scores",
        verbose_name=_("expert"),
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ApplicationChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert", "criterion"], name="score_unique"
            ),
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=100), name="score_range"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class GrantAgreement(CertifiedDocument):
    """The printed grant agreement (资助协议) of an application, an official record:
    issued with a snapshot when staff record the signed agreement, rendered and frozen
    once after commit (``funding.agreements``)."""

    CERTIFIED_FOLDER = "grant-agreements"

    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        related_name="agreement",
        verbose_name=_("grant"),
    )

    objects = ApplicationChildQuerySet.as_manager()

    class Meta(CertifiedDocument.Meta):
        verbose_name = _("grant agreement")
        verbose_name_plural = _("grant agreements")

    def __str__(self):
        return self.verification_code


class Tranche(models.Model):
    """One payment of a grant, released when its milestone is met."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="tranches", verbose_name=_("grant")
    )
    milestone = models.CharField(_("milestone"), max_length=20, choices=MilestoneKind.choices)
    percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    amount = money(_("amount"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paid by"),
    )

    objects = ApplicationChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "milestone"], name="tranche_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
            # A paid tranche names its payment.
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | ~Q(reference=""),
                name="tranche_paid_has_reference",
            ),
        ]

    def __str__(self):
        return f"{self.get_milestone_display()} {self.amount}"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


class ProjectReport(models.Model):
    """A mid-term or final report submitted by the organization in the portal."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reports", verbose_name=_("grant")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    content = models.TextField(_("report"))
    spent_amount = money(_("amount spent so far"), default=ZERO)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )

    objects = ApplicationChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="report_unique_kind"),
        ]

    def __str__(self):
        return self.get_kind_display()


class ApplicationEvent(TimelineEvent):
    """The audit trail of an application: status changes, payments, reports."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("application")
    )

    objects = ApplicationChildQuerySet.as_manager()

    class Meta(TimelineEvent.Meta):
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self):
        return f"{self.from_label} → {self.to_label}"

    @property
    def from_label(self) -> str:
        return _status_label(self.from_value)

    @property
    def to_label(self) -> str:
        return _status_label(self.to_value)


def _status_label(code: str) -> str:
    return label_of(ApplicationStatus, code)
