from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Street
from accounts.roles import Role
from accounts.scoping import NOTHING, ScopedQuerySet, ScopePaths
from core.fields import NameKeyField
from core.models import TimelineEvent, TimeStampedModel
from incubation.models import Organization
from partybuilding.choices import (
    ActivityKind,
    DevelopmentStage,
    Establishment,
    MemberStatus,
    PartyOrgKind,
    PreReviewResult,
    Sex,
)


class PartyScopedQuerySet(ScopedQuerySet):
    """Party-building rows: party workers see the party organizations they are linked to
    (and everything under them)."""

    party_org_path: str = ""

    def extra_visibility_q(self, user, roles) -> Q:
        if Role.PARTY_WORKER not in roles:
            return NOTHING
        mine = PartyOrganization.objects.filter(
            Q(worker_accounts=user)
            | Q(parent__worker_accounts=user)
            | Q(parent__parent__worker_accounts=user)
        ).values("pk")
        lookup = f"{self.party_org_path}__in" if self.party_org_path else "pk__in"
        return Q(**{lookup: mine})


class PartyOrganizationQuerySet(PartyScopedQuerySet):
    scope_paths = ScopePaths(street="street", community="community", organization=None)
    party_org_path = ""

    def branches(self):
        return self.filter(kind=PartyOrgKind.BRANCH)


class PartyOrganization(TimeStampedModel):
    """A node of the 1+6+X tree: 党委 → 党总支 → 党支部."""

    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        related_name="party_organizations",
        verbose_name=_("street"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_organizations",
        verbose_name=_("community"),
        help_text=_("For a branch of one community; empty for street-level ones."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PartyOrgKind.choices)
    name = models.CharField(_("name"), max_length=200)
    # What names are compared by: "凯旋街道第一党支部" and a copy with a zero-width space
    # or full-width digits are the same party organization (core.identifiers.normalize_name).
    name_key = NameKeyField(_("name key"), max_length=200)
    establishment = models.CharField(
        _("establishment"), max_length=20, choices=Establishment.choices, blank=True
    )
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    has_committee = models.BooleanField(_("has a branch committee"), default=False)
    term_years = models.PositiveSmallIntegerField(_("term (years)"), default=3)
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)
    secretary = models.ForeignKey(
        "PartyMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="secretary_of",
        verbose_name=_("secretary"),
    )
    worker_accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="party_organizations",
        verbose_name=_("party worker accounts"),
    )

    objects = PartyOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("party organization")
        verbose_name_plural = _("party organizations")
        ordering = ["street", "kind", "name"]
        constraints = [
            # On the key, not the name: a look-alike name is the same name.
            models.UniqueConstraint(
                fields=["street", "name_key"], name="party_org_unique_name_key"
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gt=F("term_start")),
                name="party_org_term_order",
            ),
            models.CheckConstraint(
                condition=Q(term_years__gte=1, term_years__lte=5), name="party_org_term_years"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, update_fields=None, **kwargs):
        # A save limited to some fields would leave the name's key stale on a rename.
        if update_fields is not None and "name" in update_fields:
            update_fields = {*update_fields, "name_key"}
        super().save(*args, update_fields=update_fields, **kwargs)


class PartyCoverageQuerySet(PartyScopedQuerySet):
    scope_paths = ScopePaths(
        street="organization__community__street",
        community="organization__community",
        organization="organization",
    )
    party_org_path = "branch"

    def active(self):
        return self.filter(ended_on__isnull=True)


class PartyCoverage(TimeStampedModel):
    """A branch covers a social organization (its own branch, or a joint one)."""

    branch = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        related_name="coverages",
        verbose_name=_("branch"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="party_coverages",
        verbose_name=_("organization"),
    )
    liaison = models.CharField(_("party liaison"), max_length=50)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = PartyCoverageQuerySet.as_manager()

    class Meta:
        verbose_name = _("party coverage")
        verbose_name_plural = _("party coverage")
        ordering = ["-started_on", "-pk"]
        constraints = [
            # One covering branch per organization at a time.
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(ended_on__isnull=True),
                name="coverage_one_active",
            ),
        ]
        indexes = [
            # Counting a branch's active organizations (joint branches cover at most 5).
            models.Index(fields=["branch", "ended_on"], name="coverage_branch_active"),
        ]

    def __str__(self):
        return f"{self.branch} → {self.organization}"


class InstructorQuerySet(PartyCoverageQuerySet):
    party_org_path = "sent_by"


class InstructorAssignment(TimeStampedModel):
    """A party-building instructor (党建指导员) sent to an organization without members."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="party_instructors",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("instructor"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    sent_by = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        related_name="instructors",
        verbose_name=_("sent by"),
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructor_assignments",
        verbose_name=_("account"),
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = InstructorQuerySet.as_manager()

    class Meta:
        verbose_name = _("party-building instructor")
        verbose_name_plural = _("party-building instructors")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(ended_on__isnull=True),
                name="instructor_one_active",
            ),
        ]

    def __str__(self):
        return f"{self.name} → {self.organization}"


class PartyMemberQuerySet(PartyScopedQuerySet):
    scope_paths = ScopePaths(
        street="branch__street", community="organization__community", organization=None
    )
    party_org_path = "branch"


class PartyMember(TimeStampedModel):
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_members",
        verbose_name=_("works in"),
    )
    branch = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("branch"),
    )
    status = models.CharField(_("status"), max_length=20, choices=MemberStatus.choices)
    joined_on = models.DateField(_("joined the party on"))
    probation_ends_on = models.DateField(_("probation ends on"), null=True, blank=True)
    posts = models.CharField(_("posts held"), max_length=200, blank=True)
    # The member's own portal account, when they have one (claims, offers, hours).
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_member",
        verbose_name=_("portal account"),
    )

    objects = PartyMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["branch", "name", "pk"]
        indexes = [
            # Coverage counts full members per organization (应建未建 needs ≥ 3).
            models.Index(fields=["organization", "status"], name="member_org_status"),
            # The coverage page's size flags count members and full members per branch,
            # from this index alone.
            models.Index(fields=["branch", "status"], name="member_branch_status"),
        ]

    def __str__(self):
        return self.name


class MemberTransfer(models.Model):
    """History of a member's moves between branches."""

    member = models.ForeignKey(
        PartyMember, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("member")
    )
    from_branch = models.ForeignKey(
        PartyOrganization, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_branch = models.ForeignKey(
        PartyOrganization, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    transferred_on = models.DateField(_("date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("member transfer")
        verbose_name_plural = _("member transfers")
        ordering = ["-transferred_on", "-pk"]

    def __str__(self):
        return f"{self.member}: {self.from_branch} → {self.to_branch}"


class DevelopmentQuerySet(PartyScopedQuerySet):
    scope_paths = ScopePaths(
        street="branch__street", community="organization__community", organization=None
    )
    party_org_path = "branch"


class Development(TimeStampedModel):
    """One person's way into the party: 入党申请人 → 入党积极分子 → 发展对象 → 预备党员 →
    正式党员. Only ``partybuilding.services.development_advance`` changes ``stage``."""

    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_developments",
        verbose_name=_("works in"),
    )
    branch = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        related_name="developments",
        verbose_name=_("branch"),
    )
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=DevelopmentStage.choices,
        default=DevelopmentStage.APPLICANT,
    )
    applied_on = models.DateField(_("application date"))
    activist_on = models.DateField(_("became an activist on"), null=True, blank=True)
    candidate_on = models.DateField(_("became a candidate on"), null=True, blank=True)
    admitted_on = models.DateField(
        _("admitted on (branch meeting)"),
        null=True,
        blank=True,
        help_text=_("The branch general assembly that admitted the probationary member."),
    )
    probation_extended_until = models.DateField(
        _("probation extended until"), null=True, blank=True
    )
    full_on = models.DateField(_("full member on"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    member = models.OneToOneField(
        PartyMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="development",
        verbose_name=_("member record"),
    )

    objects = DevelopmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("member development")
        verbose_name_plural = _("member development")
        ordering = ["-applied_on", "-pk"]

    def __str__(self):
        return f"{self.name} · {self.get_stage_display()}"


class DevelopmentEvent(TimelineEvent):
    """One step of a member's development: from which stage to which, on which day (the
    date of the step, which may be before the row was written)."""

    development = models.ForeignKey(
        Development,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("development"),
    )
    from_value = models.CharField(_("from"), max_length=50, choices=DevelopmentStage.choices)
    to_value = models.CharField(_("to"), max_length=50, choices=DevelopmentStage.choices)
    on = models.DateField(_("date"))

    class Meta(TimelineEvent.Meta):
        verbose_name = _("development step")
        verbose_name_plural = _("development steps")
        ordering = ["-on", "-pk"]

    def __str__(self):
        return f"{self.development}: {self.from_label} → {self.to_label}"

    @property
    def from_label(self) -> str:
        return self.get_from_value_display()

    @property
    def to_label(self) -> str:
        return self.get_to_value_display()


class PartyActivityQuerySet(PartyScopedQuerySet):
    scope_paths = ScopePaths(street="branch__street", community="branch__community")
    party_org_path = "branch"


class PartyActivity(TimeStampedModel):
    """Organizational life of a branch (三会一课, 主题党日, 固定奉献日, …)."""

    branch = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("branch"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    attendees = models.PositiveIntegerField(_("attendees"), default=0)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_activities",
        verbose_name=_("with organization"),
        help_text=_("The social organization the activity was held with, if any."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = PartyActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("party activity")
        verbose_name_plural = _("party activities")
        ordering = ["-date", "-pk"]
        indexes = [
            # Compliance counts activities per branch, kind and month.
            models.Index(fields=["branch", "kind", "date"], name="activity_branch_kind_date"),
            # Dashboards count this year's activities street-wide.
            models.Index(fields=["date"], name="activity_date"),
            # The dashboard's trends count one street's branches' activities by month and
            # year: an index-only scan instead of reading a million rows.
            models.Index(fields=["branch", "date"], name="activity_branch_date"),
        ]

    def __str__(self):
        return f"{self.date} {self.title}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(
        PartyActivity,
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name=_("activity"),
    )
    image = models.ImageField(_("photo"), upload_to="party-activities/%Y/%m/")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")

    def __str__(self):
        return self.image.name


class PreReviewQuerySet(PartyCoverageQuerySet):
    party_org_path = "reviewed_by"


class LeadershipPreReview(TimeStampedModel):
    """换届前置审核: the party organization reviews an organization's new leadership."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="leadership_prereviews",
        verbose_name=_("organization"),
    )
    reviewed_by = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        related_name="prereviews",
        verbose_name=_("reviewed by"),
    )
    reviewed_on = models.DateField(_("review date"))
    candidates = models.TextField(_("candidates"))
    result = models.CharField(_("result"), max_length=20, choices=PreReviewResult.choices)
    note = models.TextField(_("note"), blank=True)

    objects = PreReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("leadership pre-review")
        verbose_name_plural = _("leadership pre-reviews")
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self):
        return f"{self.organization} · {self.reviewed_on}"


class CommunityRegistrationQuerySet(PartyScopedQuerySet):
    scope_paths = ScopePaths(street="community__street", community="community", organization=None)
    party_org_path = "member__branch"


class CommunityRegistration(TimeStampedModel):
    """社区报到 (双报到): a party member registered with the community where they live, to
    serve there. The marketplace lets a member claim in a community only after this."""

    member = models.ForeignKey(
        PartyMember,
        on_delete=models.CASCADE,
        related_name="community_registrations",
        verbose_name=_("party member"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="party_registrations",
        verbose_name=_("community"),
    )
    registered_on = models.DateField(_("registered on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = CommunityRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("community registration (双报到)")
        verbose_name_plural = _("community registrations (双报到)")
        ordering = ["-registered_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "community"],
                condition=Q(ended_on__isnull=True),
                name="registration_one_current",
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.community}"
