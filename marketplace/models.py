"""凯益集市: the three lists (needs, resources, projects), claims and micro-wishes.

Residents do not post: community workers collect needs and wishes and staff verify them
before anybody sees them. What the public sees of a wish is on ``Wish``; who the person
is lives apart in ``WishBeneficiary``, which only that community's staff can reach."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Street
from accounts.roles import Role, roles_of
from accounts.scoping import ScopedQuerySet, ScopePaths
from core.models import StoredUpload, TimelineEvent, TimeStampedModel
from incubation.models import Organization
from marketplace.choices import (
    AgeBand,
    ClaimTarget,
    FundSource,
    ListKind,
    NeedNature,
    NeedSource,
    ProviderKind,
    TargetGroup,
)
from marketplace.workflows import (
    LIVE_CLAIM_STATUSES,
    OPEN_CLAIM_STATUSES,
    PUBLIC_WISH_STATUSES,
    BatchStatus,
    ClaimStatus,
    ListingStatus,
    ProjectStatus,
    WishStatus,
)
from partybuilding.models import PartyMember

MONEY = {"max_digits": 14, "decimal_places": 2}


class Category(models.Model):
    """A node of the service category tree (养老服务 → 助餐, …); configurable in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.parent.name} · {self.name}" if self.parent_id else self.name


class CommunityRowQuerySet(ScopedQuerySet):
    """Rows of a community (street staff: their street; community staff: their community)."""

    scope_paths = ScopePaths(street="community__street", community="community")


class StreetRowQuerySet(ScopedQuerySet):
    """Street-wide rows (resources, partner units, street lists): street staff manage them,
    community staff of the street read them."""

    scope_paths = ScopePaths(street="street")

    def extra_visibility_q(self, user, roles) -> Q:
        q = super().extra_visibility_q(user, roles)
        if Role.COMMUNITY_STAFF in roles and user.community_id:
            q |= Q(street__communities=user.community_id)
        return q


class PartnerUnit(TimeStampedModel):
    """A 共建单位: an enterprise, school, hospital or department that offers resources."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="partner_units", verbose_name=_("street")
    )
    name = models.CharField(_("name"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)

    objects = StreetRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner unit")
        verbose_name_plural = _("partner units")
        ordering = ["street", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="partner_unit_unique_name"),
        ]

    def __str__(self):
        return self.name


class ListBatchQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="street", community="community")

    def extra_visibility_q(self, user, roles) -> Q:
        # A street-wide batch (no community) is read by every community's staff too.
        q = super().extra_visibility_q(user, roles)
        if Role.COMMUNITY_STAFF in roles and user.community_id:
            q |= Q(community__isnull=True, street__communities=user.community_id)
        return q


class ListBatch(TimeStampedModel):
    """清单期次: a published edition of one of the three lists for a period."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="list_batches", verbose_name=_("street")
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="list_batches",
        verbose_name=_("community"),
        help_text=_("Leave empty for a street-wide list."),
    )
    kind = models.CharField(_("list"), max_length=20, choices=ListKind.choices)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    status = models.CharField(
        _("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ListBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("list batch")
        verbose_name_plural = _("list batches")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="batch_period_order"
            ),
        ]

    def __str__(self):
        return self.title


class BatchEvent(TimelineEvent):
    batch = models.ForeignKey(
        ListBatch, on_delete=models.CASCADE, related_name="events", verbose_name=_("list batch")
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("list batch event")
        verbose_name_plural = _("list batch events")


class Need(TimeStampedModel):
    """需求: a resident's need, collected by a community worker and verified before listing."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="needs", verbose_name=_("community")
    )
    batch = models.ForeignKey(
        ListBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("list batch"),
    )
    grid = models.CharField(_("grid"), max_length=50, blank=True)
    title = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="needs", verbose_name=_("category")
    )
    nature = models.CharField(
        _("goods or service"), max_length=10, choices=NeedNature.choices, default=NeedNature.SERVICE
    )
    target_group = models.CharField(_("target group"), max_length=20, choices=TargetGroup.choices)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    window_start = models.DateField(_("needed from"))
    window_end = models.DateField(_("needed until"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(
        _("public description"),
        help_text=_("Shown on the list: write nothing that identifies the resident."),
    )
    estimated_value = models.DecimalField(
        _("estimated value (yuan)"), **MONEY, default=Decimal("0")
    )
    source = models.CharField(_("collected through"), max_length=20, choices=NeedSource.choices)
    max_claims = models.PositiveSmallIntegerField(
        _("claimants allowed"), default=1, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ListingStatus.choices, default=ListingStatus.PENDING
    )
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collected by"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    listed_at = models.DateTimeField(_("listed at"), null=True, blank=True)
    reject_reason = models.TextField(_("reason for rejection"), blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = CommunityRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")), name="need_window_order"
            ),
            models.CheckConstraint(condition=Q(max_claims__gte=1), name="need_max_claims"),
        ]
        indexes = [
            # Matching and the staff board read listed needs by category and community.
            models.Index(fields=["status", "category", "community"], name="need_status_cat"),
            # The public needs list: listed needs, soonest window end first.
            models.Index(
                fields=["window_end", "id"],
                condition=Q(status=ListingStatus.LISTED),
                name="need_listed_window",
            ),
            # The staff board's unmatched needs: listed the longest ago first.
            models.Index(fields=["status", "listed_at"], name="need_status_listed_at"),
            # The figures count a street's or a community's needs by status.
            models.Index(fields=["community", "status"], name="need_community_status"),
        ]

    def __str__(self):
        return self.title


class Resource(TimeStampedModel):
    """资源: what an organization, a party member, a partner unit or a volunteer team offers."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="resources", verbose_name=_("street")
    )
    batch = models.ForeignKey(
        ListBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("list batch"),
    )
    provider_kind = models.CharField(_("offered by"), max_length=20, choices=ProviderKind.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("organization"),
    )
    party_member = models.ForeignKey(
        PartyMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("party member"),
    )
    partner_unit = models.ForeignKey(
        PartnerUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("partner unit"),
    )
    team_name = models.CharField(_("volunteer team"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="resources", verbose_name=_("category")
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    target_groups = models.CharField(
        _("target groups"),
        max_length=200,
        blank=True,
        help_text=_("Codes of the groups served, separated by commas; empty means everyone."),
    )
    capacity_per_month = models.PositiveIntegerField(_("times per month"), default=1)
    communities = models.ManyToManyField(
        Community,
        blank=True,
        related_name="resources",
        verbose_name=_("served communities"),
        help_text=_("Leave empty to serve the whole street."),
    )
    time_slots = models.CharField(_("time slots"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ListingStatus.choices, default=ListingStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("audited by"),
    )
    listed_at = models.DateTimeField(_("listed at"), null=True, blank=True)
    reject_reason = models.TextField(_("reason for rejection"), blank=True)

    objects = StreetRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Exactly the provider its kind names.
            models.CheckConstraint(
                condition=(
                    Q(
                        provider_kind=ProviderKind.ORGANIZATION,
                        organization__isnull=False,
                        party_member__isnull=True,
                        partner_unit__isnull=True,
                    )
                    | Q(
                        provider_kind=ProviderKind.PARTY_MEMBER,
                        organization__isnull=True,
                        party_member__isnull=False,
                        partner_unit__isnull=True,
                    )
                    | Q(
                        provider_kind=ProviderKind.PARTNER_UNIT,
                        organization__isnull=True,
                        party_member__isnull=True,
                        partner_unit__isnull=False,
                    )
                    | (
                        Q(
                            provider_kind=ProviderKind.VOLUNTEER_TEAM,
                            organization__isnull=True,
                            party_member__isnull=True,
                            partner_unit__isnull=True,
                        )
                        & ~Q(team_name="")
                    )
                ),
                name="resource_one_provider",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "category", "street"], name="resource_status_cat"),
            # The public resources list: listed resources, most recently listed first.
            models.Index(
                fields=["-listed_at", "id"],
                condition=Q(status=ListingStatus.LISTED),
                name="resource_listed_recent",
            ),
            # The figures count a street's listed resources (with the id: index-only
            # joins to the communities they serve).
            models.Index(fields=["street", "status", "id"], name="resource_street_status"),
            # Matching walks a street's listed resources newest first and stops at the
            # shortlist (the category read from the index, not the table).
            models.Index(
                fields=["street", "-listed_at", "-id"],
                include=["category"],
                condition=Q(status=ListingStatus.LISTED),
                name="resource_street_listed",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def provider_name(self) -> str:
        provider = self.organization or self.party_member or self.partner_unit
        return str(provider) if provider else self.team_name


class Project(TimeStampedModel):
    """项目: needs met with resources, a budget and the social funds drawn in."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="projects", verbose_name=_("community")
    )
    batch = models.ForeignKey(
        ListBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("list batch"),
    )
    title = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="projects", verbose_name=_("category")
    )
    needs = models.ManyToManyField(Need, related_name="projects", verbose_name=_("needs"))
    resources = models.ManyToManyField(
        Resource, blank=True, related_name="projects", verbose_name=_("resources")
    )
    description = models.TextField(_("description"), blank=True)
    budget = models.DecimalField(_("budget (yuan)"), **MONEY, default=Decimal("0"))
    beneficiaries = models.PositiveIntegerField(_("beneficiaries"), default=0)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    max_claims = models.PositiveSmallIntegerField(
        _("claimants allowed"), default=1, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED
    )
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = CommunityRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="project_dates_order"
            ),
        ]
        # Matching reads this month's matches (a resource's use against its capacity).
        indexes = [models.Index(fields=["matched_at"], name="project_matched_at")]

    def __str__(self):
        return self.title


class ProjectEvent(TimelineEvent):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="events", verbose_name=_("project")
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("project event")
        verbose_name_plural = _("project events")


class FundCommitmentQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="project__community__street", community="project__community")


class FundCommitment(TimeStampedModel):
    """One line of a project's ledger of social funds. "Social funds drawn in" is the sum
    of these lines, never a typed total; in-kind gifts count at their valued amount."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="funds", verbose_name=_("project")
    )
    source = models.CharField(_("source"), max_length=20, choices=FundSource.choices)
    funder = models.CharField(_("funder"), max_length=200)
    amount = models.DecimalField(
        _("amount (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    committed_on = models.DateField(_("committed on"))
    in_kind_description = models.CharField(_("what was given"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = FundCommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("social fund commitment")
        verbose_name_plural = _("social fund commitments")
        ordering = ["-committed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_amount_positive"),
            models.CheckConstraint(
                condition=~Q(source=FundSource.IN_KIND) | ~Q(in_kind_description=""),
                name="fund_in_kind_described",
            ),
        ]
        indexes = [models.Index(fields=["committed_on"], name="fund_committed_on")]

    def __str__(self):
        return f"{self.funder} {self.amount}"


class Wish(TimeStampedModel):
    """微心愿: what the public wall shows of a wish — never who the person is."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="wishes", verbose_name=_("community")
    )
    alias = models.CharField(
        _("alias"), max_length=30, help_text=_("e.g. 王奶奶, 小林: never the full name.")
    )
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices)
    target_group = models.CharField(_("target group"), max_length=20, choices=TargetGroup.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="wishes", verbose_name=_("category")
    )
    title = models.CharField(_("wish"), max_length=100)
    description = models.TextField(_("public description"), blank=True)
    value = models.DecimalField(_("value (yuan)"), **MONEY)
    status = models.CharField(
        _("status"), max_length=20, choices=WishStatus.choices, default=WishStatus.COLLECTED
    )
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collected by"),
    )
    collected_on = models.DateField(_("collected on"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)

    objects = CommunityRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        ordering = ["-collected_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="wish_value_positive"),
        ]
        indexes = [
            # The public wall: published wishes, newest first, by community.
            models.Index(fields=["status", "-published_at"], name="wish_wall"),
            # The wall's pages read in this order over every public status at once.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status__in=sorted(PUBLIC_WISH_STATUSES)),
                name="wish_wall_recent",
            ),
            models.Index(
                fields=["community", "-published_at", "-id"],
                condition=Q(status__in=sorted(PUBLIC_WISH_STATUSES)),
                name="wish_wall_community",
            ),
            # The figures and the staff board count and read a community's wishes by status.
            models.Index(fields=["community", "status"], name="wish_community_status"),
        ]

    def __str__(self):
        return f"{self.alias} · {self.title}"


class WishTally(models.Model):
    """How many of a community's wishes are in each status, kept by the wish service in
    the same transaction as the wish (marketplace.wish_tally). The public wall and board
    read their counts here: counting 1,400,000 public wishes took 200–300 ms a page."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    status = models.CharField(_("status"), max_length=20, choices=WishStatus.choices)
    n = models.IntegerField(_("wishes"), default=0)

    class Meta:
        verbose_name = _("wish count")
        verbose_name_plural = _("wish counts")
        constraints = [
            models.UniqueConstraint(fields=["community", "status"], name="wish_tally_once"),
        ]

    def __str__(self):
        return f"{self.community} · {self.get_status_display()}: {self.n}"


class WishBeneficiaryQuerySet(ScopedQuerySet):
    # Community staff of the wish's community only: street staff do not get the person's
    # details through street-wide scoping (``visible_to`` below narrows it).
    scope_paths = ScopePaths(street="wish__community__street", community="wish__community")

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if Role.COMMUNITY_STAFF in roles_of(user) and user.community_id:
            return self.filter(wish__community_id=user.community_id)
        return self.none()


class WishBeneficiary(TimeStampedModel):
    """Who the wish is for: seen by that community's staff only (the hand-over contact is
    shown to the claimant only after staff accepted the claim)."""

    wish = models.OneToOneField(
        Wish, on_delete=models.CASCADE, related_name="beneficiary", verbose_name=_("micro-wish")
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    handover_contact = models.CharField(
        _("hand-over contact"),
        max_length=100,
        help_text=_("Who the claimant meets to hand over, e.g. the grid worker and a phone."),
    )
    photo_consent = models.BooleanField(_("agrees to a delivery photo"), default=False)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )

    objects = WishBeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("wish beneficiary")
        verbose_name_plural = _("wish beneficiaries")

    def __str__(self):
        return str(self.wish)


class WishEvent(TimelineEvent):
    wish = models.ForeignKey(
        Wish, on_delete=models.CASCADE, related_name="events", verbose_name=_("micro-wish")
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("micro-wish event")
        verbose_name_plural = _("micro-wish events")


class ClaimQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="community__street", community="community", organization="organization"
    )

    def live(self):
        return self.filter(status__in=LIVE_CLAIM_STATUSES)


LIVE = Q(status__in=sorted(LIVE_CLAIM_STATUSES))


class Claim(TimeStampedModel):
    """认领: one claim of a need, a project or a wish, by an organization or a party member.

    ``slot`` numbers the claimants an item allows (1 … max_claims); the database keeps at
    most one live claim per item and slot, so two people claiming the last slot at the
    same second cannot both win."""

    target = models.CharField(_("claimed item"), max_length=10, choices=ClaimTarget.choices)
    need = models.ForeignKey(
        Need,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("need"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("project"),
    )
    wish = models.ForeignKey(
        Wish,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("micro-wish"),
    )
    # The item's community, kept on the claim for scoping and the staff board.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="claims", verbose_name=_("community")
    )
    slot = models.PositiveSmallIntegerField(_("slot"), default=1)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("organization"),
    )
    party_member = models.ForeignKey(
        PartyMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("party member"),
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.CLAIMED
    )
    deadline = models.DateField(_("deliver by"))
    evidence_note = models.TextField(_("what was done"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField(_("comment on the rating"), blank=True)
    closing_reason = models.TextField(_("reason (cancelled or revoked)"), blank=True)
    reminded_on = models.DateField(_("deadline reminder sent on"), null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(target=ClaimTarget.NEED, need__isnull=False, project=None, wish=None)
                    | Q(target=ClaimTarget.PROJECT, project__isnull=False, need=None, wish=None)
                    | Q(target=ClaimTarget.WISH, wish__isnull=False, need=None, project=None)
                ),
                name="claim_one_target",
            ),
            models.CheckConstraint(
                condition=(
                    Q(organization__isnull=False, party_member=None)
                    | Q(organization=None, party_member__isnull=False)
                ),
                name="claim_one_claimant",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="claim_rating_1_to_5",
            ),
            models.CheckConstraint(condition=Q(slot__gte=1), name="claim_slot_positive"),
            models.UniqueConstraint(
                fields=["need", "slot"],
                condition=LIVE & Q(need__isnull=False),
                name="claim_one_live_per_need_slot",
            ),
            models.UniqueConstraint(
                fields=["project", "slot"],
                condition=LIVE & Q(project__isnull=False),
                name="claim_one_live_per_project_slot",
            ),
            models.UniqueConstraint(
                fields=["wish", "slot"],
                condition=LIVE & Q(wish__isnull=False),
                name="claim_one_live_per_wish_slot",
            ),
        ]
        indexes = [
            # The nightly sweep and the reminders read open claims by deadline.
            models.Index(fields=["status", "deadline"], name="claim_status_deadline"),
            # Figures and rankings count done claims by the confirmation time.
            models.Index(fields=["status", "confirmed_at"], name="claim_status_confirmed"),
            # The figures count a street's or a community's open claims.
            models.Index(fields=["community", "status"], name="claim_community_status"),
            # The staff board's overdue claims, earliest deadline first: walked in order
            # (claim_status_deadline holds two statuses, so it sorted every open claim of
            # the province: 125 ms of the board at 1,200,000 claims).
            models.Index(
                fields=["deadline"],
                condition=Q(status__in=sorted(OPEN_CLAIM_STATUSES)),
                name="claim_open_deadline",
            ),
            # The staff board's evidence to confirm, oldest first: walked in order for a
            # community, or across the street's communities (it sorted the 84,000 such
            # claims of a province: 95–125 ms of the board).
            models.Index(
                fields=["community", "updated_at"],
                condition=Q(status=ClaimStatus.EVIDENCE_SUBMITTED),
                name="claim_evidence_community",
            ),
            models.Index(
                fields=["updated_at"],
                condition=Q(status=ClaimStatus.EVIDENCE_SUBMITTED),
                name="claim_evidence_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.item} · {self.claimant}"

    @property
    def item(self):
        return self.need or self.project or self.wish

    @property
    def claimant(self):
        return self.organization or self.party_member


class ClaimEvent(TimelineEvent):
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="events", verbose_name=_("claim")
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")

    def __str__(self):
        return f"{self.from_label} → {self.to_label}"

    @property
    def from_label(self) -> str:
        return ClaimStatus(self.from_value).label if self.from_value else ""

    @property
    def to_label(self) -> str:
        return ClaimStatus(self.to_value).label if self.to_value else ""


class ClaimEvidence(StoredUpload):
    """A file the claimant uploaded as evidence of delivery (a wish's photo only with the
    beneficiary's recorded consent)."""

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("claim")
    )

    class Meta(StoredUpload.Meta):
        verbose_name = _("claim evidence")
        verbose_name_plural = _("claim evidence")
        ordering = ["claim", "pk"]
