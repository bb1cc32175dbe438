"""评选: award campaigns, their nominations, the panel's scores, objections during the
public notice, and the honours a closed campaign leaves on organizations, party
organizations and people.

The panel reuses evaluation's pieces: judges hold the evaluator role, and a conflict of
interest is evaluation's ``ConflictDeclaration`` (one per judge and organization), read
through ``evaluation.services.scoring.conflict_reason``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Street
from accounts.roles import Role
from accounts.scoping import ScopedQuerySet, ScopePaths
from awards.choices import AwardeeKind, CampaignEventKind, NominatedAs
from awards.workflows import CampaignStatus, NominationStatus, ObjectionStatus
from core.choices import label_of
from core.models import StoredUpload, TimelineEvent, TimeStampedModel
from incubation.choices import Grade
from incubation.models import Organization
from partybuilding.models import PartyOrganization

SCORE = {"max_digits": 5, "decimal_places": 2}


class CampaignQuerySet(ScopedQuerySet):
    """A campaign belongs to its street as a whole: community staff read their street's
    campaigns (they nominate their organizations), as they read its grant calls."""

    scope_paths = ScopePaths(street="street")

    def extra_visibility_q(self, user, roles):
        q = super().extra_visibility_q(user, roles)
        if Role.COMMUNITY_STAFF in roles and user.street_id:
            q |= Q(street_id=user.street_id)
        return q


class Campaign(TimeStampedModel):
    """One award campaign of a street (年度优秀社会组织, 十佳公益项目, 种子创投标兵,
    优秀党员志愿者): its criteria — always with the party-building criterion, since 评选
    keeps its party check —, its eligibility rules, the nomination window and the notice."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="award_campaigns", verbose_name=_("street")
    )
    title = models.CharField(_("title"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    awardee_kind = models.CharField(
        _("awarded to"),
        max_length=20,
        choices=AwardeeKind.choices,
        default=AwardeeKind.ORGANIZATION,
    )
    criteria = models.TextField(_("criteria"))
    party_criterion = models.TextField(
        _("party-building criterion"),
        help_text=_("How party-building performance counts in this campaign (required)."),
    )
    award_count = models.PositiveSmallIntegerField(_("number of awards"), default=1)
    min_grade = models.CharField(
        _("minimum grade"), max_length=2, choices=Grade.choices, blank=True
    )
    exclude_credit_listed = models.BooleanField(
        _("not on a credit list"),
        default=True,
        help_text=_(
            "Organizations on the abnormal-activity or serious-violation list are refused."
        ),
    )
    allowed_stages = models.JSONField(
        _("allowed lifecycle stages"),
        default=list,
        blank=True,
        help_text=_("Empty: any stage before leaving the hub."),
    )
    require_party_checkpoint = models.BooleanField(
        _("party checkpoint recorded"),
        default=True,
        help_text=_(
            "The party-building checkpoint of the organization's current stage must be recorded."
        ),
    )
    nominations_open_on = models.DateField(_("nominations open on"))
    nominations_close_on = models.DateField(_("nominations close on"))
    notice_days = models.PositiveSmallIntegerField(_("notice period (days)"), default=7)
    notice_ends_on = models.DateField(_("notice ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("award campaign")
        verbose_name_plural = _("award campaigns")
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "year", "title"], name="award_campaign_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(nominations_close_on__gte=models.F("nominations_open_on")),
                name="award_campaign_window",
            ),
            models.CheckConstraint(condition=~Q(party_criterion=""), name="award_party_criterion"),
            models.CheckConstraint(condition=Q(award_count__gte=1), name="award_count_positive"),
            models.CheckConstraint(condition=Q(notice_days__gte=1), name="award_notice_days"),
        ]
        indexes = [
            # The portal's open campaigns of a street.
            models.Index(fields=["street", "status"], name="award_campaign_street_status"),
        ]

    def __str__(self):
        return f"{self.year} {self.title}"


class CampaignEventQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="campaign__street")


class CampaignEvent(TimelineEvent):
    """A step of a campaign's timeline: a status change, a nomination, a judge, an
    objection decided, an honour (with the stage change it made or could not make)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="events", verbose_name=_("campaign")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CampaignEventKind.choices)

    objects = CampaignEventQuerySet.as_manager()

    class Meta(TimelineEvent.Meta):
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")

    def __str__(self):
        return f"{self.campaign} · {self.get_kind_display()}"

    def _label(self, value: str) -> str:
        choices = {
            CampaignEventKind.STATUS: CampaignStatus,
            CampaignEventKind.NOMINATION: NominationStatus,
            CampaignEventKind.OBJECTION: ObjectionStatus,
        }
        return label_of(choices.get(self.kind), value)

    @property
    def from_label(self) -> str:
        return self._label(self.from_value)

    @property
    def to_label(self) -> str:
        return self._label(self.to_value)


class NominationQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="campaign__street",
        community="organization__community",
        organization="organization",
    )


class Nomination(TimeStampedModel):
    """A candidate of a campaign: an organization, a party organization or a person (with
    the organization they serve in, if any). Nominated by street staff, by the staff of
    the organization's community, or by the organization's leader (self-nomination)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="nominations", verbose_name=_("campaign")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_nominations",
        verbose_name=_("organization"),
        help_text=_("The organization nominated, or the one the person serves in."),
    )
    party_org = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_nominations",
        verbose_name=_("party organization"),
    )
    person_name = models.CharField(_("person's name"), max_length=50, blank=True)
    statement = models.TextField(_("statement"))
    nominated_as = models.CharField(_("nominated as"), max_length=20, choices=NominatedAs.choices)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=NominationStatus.choices,
        default=NominationStatus.NOMINATED,
    )
    mean_score = models.DecimalField(_("mean score"), null=True, blank=True, **SCORE)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["campaign", "rank", "pk"]
        constraints = [
            # An organization (or party organization, or person) is nominated once per
            # campaign; a person by their name and organization.
            models.UniqueConstraint(
                fields=["campaign", "organization"],
                condition=Q(person_name=""),
                name="nomination_org_once",
            ),
            models.UniqueConstraint(
                fields=["campaign", "party_org"],
                condition=Q(party_org__isnull=False),
                name="nomination_party_org_once",
            ),
            models.UniqueConstraint(
                fields=["campaign", "person_name", "organization"],
                condition=~Q(person_name=""),
                name="nomination_person_once",
            ),
        ]
        indexes = [
            # A campaign's nominations in order of the result.
            models.Index(fields=["campaign", "status"], name="nomination_campaign_status"),
        ]

    def __str__(self):
        return self.awardee_name

    @property
    def awardee_name(self) -> str:
        if self.person_name:
            return self.person_name
        if self.party_org_id:
            return self.party_org.name
        return self.organization.name if self.organization_id else ""


class NominationChildQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="nomination__campaign__street",
        community="nomination__organization__community",
        organization="nomination__organization",
    )


class NominationMaterial(StoredUpload):
    """A file nominating someone (a report of deeds, photos, certificates)."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="materials", verbose_name=_("nomination")
    )

    objects = NominationChildQuerySet.as_manager()

    class Meta(StoredUpload.Meta):
        verbose_name = _("nomination material")
        verbose_name_plural = _("nomination materials")
        ordering = ["nomination", "pk"]


class JudgeQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="campaign__street")

    def extra_visibility_q(self, user, roles):
        # A judge sees their own places on panels.
        return Q(judge=user) | super().extra_visibility_q(user, roles)


class Judge(TimeStampedModel):
    """A member of a campaign's panel: an account with the evaluator role of the street
    (the same experts who score annual reviews and grant applications)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="judges", verbose_name=_("campaign")
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="award_panels",
        verbose_name=_("judge"),
    )

    objects = JudgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "judge"], name="award_judge_once"),
        ]

    def __str__(self):
        return f"{self.judge} → {self.campaign}"


class AwardScoreQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="nomination__campaign__street")

    def extra_visibility_q(self, user, roles):
        return Q(judge=user) | super().extra_visibility_q(user, roles)


class AwardScore(TimeStampedModel):
    """One judge's score of one nomination, 0 to 100."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="scores", verbose_name=_("nomination")
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="award_scores",
        verbose_name=_("judge"),
    )
    points = models.DecimalField(_("points"), **SCORE)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    objects = AwardScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("award score")
        verbose_name_plural = _("award scores")
        ordering = ["nomination", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "judge"], name="award_score_once"),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(points__lte=100), name="award_score_range"
            ),
        ]

    def __str__(self):
        return f"{self.nomination}: {self.points}"


class ObjectionQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="nomination__campaign__street")

    def extra_visibility_q(self, user, roles):
        return Q(filed_by=user) | super().extra_visibility_q(user, roles)


class Objection(TimeStampedModel):
    """An objection to a result on public notice, decided by staff with a reason. Upheld,
    the award is withdrawn (recorded on the campaign's timeline)."""

    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.CASCADE,
        related_name="objections",
        verbose_name=_("nomination"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.PENDING,
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="award_objection_reason"),
        ]

    def __str__(self):
        return f"{self.nomination} · {self.get_status_display()}"


class HonourQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="campaign__street",
        community="organization__community",
        organization="organization",
    )


class Honour(TimeStampedModel):
    """What a closed campaign leaves: an honour of an organization, a party organization
    or a person. Written only by ``campaign_close``; public pages mask a person's name."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="honours", verbose_name=_("campaign")
    )
    nomination = models.OneToOneField(
        Nomination, on_delete=models.PROTECT, related_name="honour", verbose_name=_("nomination")
    )
    awardee_kind = models.CharField(_("awarded to"), max_length=20, choices=AwardeeKind.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="honours",
        verbose_name=_("organization"),
    )
    party_org = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="honours",
        verbose_name=_("party organization"),
    )
    person_name = models.CharField(_("person's name"), max_length=50, blank=True)
    title = models.CharField(_("title"), max_length=100)
    awarded_on = models.DateField(_("awarded on"))

    objects = HonourQuerySet.as_manager()

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-awarded_on", "-pk"]
        indexes = [
            # latest_honours(): the newest first.
            models.Index(fields=["-awarded_on", "-id"], name="honour_latest"),
        ]

    def __str__(self):
        return f"{self.title} · {self.person_name or self.party_org or self.organization}"
