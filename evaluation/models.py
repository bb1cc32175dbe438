"""Evaluation: indicator templates, yearly cycles, annual reviews and their scoring."""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.scoping import NOTHING, ScopedQuerySet, ScopePaths
from core.certified import CertifiedDocument
from core.choices import label_of
from core.models import StoredUpload, TimelineEvent, TimeStampedModel
from evaluation.choices import (
    DEFAULT_BASIC_PASS_MARK,
    DEFAULT_PASS_MARK,
    DEFAULT_SPREAD_LIMIT,
    DEFAULT_THRESHOLDS,
    DEFAULT_WEIGHTS,
    EvaluatorGroup,
    IndicatorScope,
    ReviewEventKind,
)
from evaluation.workflows import AssignmentStatus, CycleStatus, ReviewStatus
from incubation.choices import AnnualReviewResult, Grade, LegalStatus
from incubation.models import Organization

POINTS = {"max_digits": 7, "decimal_places": 2}


def _default_thresholds():
    return dict(DEFAULT_THRESHOLDS)


def _default_weights():
    return dict(DEFAULT_WEIGHTS)


class StreetScopedQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="street")


class IndicatorTemplate(TimeStampedModel):
    """A versioned tree of dimensions and items with maximum points. A template used by a
    cycle that has opened is frozen: editing it means a new version (``template_new_version``),
    so a finished cycle keeps the version it used."""

    street = models.ForeignKey(
        "accounts.Street", on_delete=models.CASCADE, related_name="+", verbose_name=_("street")
    )
    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    frozen = models.BooleanField(
        _("frozen"), default=False, help_text=_("Used by an opened cycle: no longer editable.")
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous version"),
    )

    objects = StreetScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator template")
        verbose_name_plural = _("indicator templates")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "name", "version"], name="indicator_template_version"
            )
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class IndicatorQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="template__street")


class Indicator(models.Model):
    """A dimension (no parent) or an item (parent set). Items carry the points evaluators
    give; a dimension's maximum is the sum of its items."""

    template = models.ForeignKey(
        IndicatorTemplate,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("template"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("dimension"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    max_points = models.DecimalField(
        _("maximum points"), validators=[MinValueValidator(0)], default=0, **POINTS
    )
    scope = models.CharField(
        _("applies to"), max_length=10, choices=IndicatorScope.choices, default=IndicatorScope.ALL
    )
    is_party_section = models.BooleanField(
        _("party-building item"),
        default=False,
        help_text=_("The item scores the party-building section of the annual review."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    guidance = models.CharField(_("guidance"), max_length=300, blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["template", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="indicator_code"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="indicator_max_points"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def applies_to(self, org) -> bool:
        pne = org.legal_status == LegalStatus.PRIVATE_NON_ENTERPRISE
        if self.scope == IndicatorScope.PNE_ONLY:
            return pne
        if self.scope == IndicatorScope.NOT_PNE:
            return not pne
        return True


class Cycle(TimeStampedModel):
    """One year's evaluation of a street's organizations."""

    street = models.ForeignKey(
        "accounts.Street", on_delete=models.CASCADE, related_name="+", verbose_name=_("street")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    template = models.ForeignKey(
        IndicatorTemplate,
        on_delete=models.PROTECT,
        related_name="cycles",
        verbose_name=_("indicator template"),
    )
    opens_on = models.DateField(_("opening date"))
    deadline = models.DateField(_("submission deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.DRAFT
    )
    thresholds = models.JSONField(
        _("grade thresholds"),
        default=_default_thresholds,
        help_text=_(
            'Lowest total for each grade, e.g. {"5A": 900, "4A": 800, "3A": 700, '
            '"2A": 600}; below the lowest is 1A.'
        ),
    )
    weights = models.JSONField(
        _("evaluator-group weights"),
        default=_default_weights,
        help_text=_("Percent per evaluator group (street_leader, department, expert, community)."),
    )
    party_rule = models.BooleanField(_("no party organization means at most 4A"), default=True)
    pass_mark = models.DecimalField(
        _("annual review passed from"), default=DEFAULT_PASS_MARK, **POINTS
    )
    basic_pass_mark = models.DecimalField(
        _("annual review basically passed from"), default=DEFAULT_BASIC_PASS_MARK, **POINTS
    )
    spread_limit = models.DecimalField(
        _("evaluator spread flagged above"), default=DEFAULT_SPREAD_LIMIT, **POINTS
    )

    objects = StreetScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation cycle")
        verbose_name_plural = _("evaluation cycles")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["street", "year"], name="cycle_street_year"),
            models.CheckConstraint(condition=Q(deadline__gte=F("opens_on")), name="cycle_dates"),
        ]

    def __str__(self):
        return _("%(year)s evaluation") % {"year": self.year}


class CycleEvent(TimelineEvent):
    """Audit trail of a cycle's status."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="events", verbose_name=_("cycle")
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("cycle event")
        verbose_name_plural = _("cycle events")

    def __str__(self):
        return f"{self.cycle}: {self.from_value} → {self.to_value}"


def _assigned_reviews(user, roles) -> Q:
    if Role.EVALUATOR not in roles:
        return NOTHING
    assigned = EvaluatorAssignment.objects.filter(evaluator=user).exclude(
        status=AssignmentStatus.CONFLICT
    )
    return Q(pk__in=assigned.values("review"))


class ReviewQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="organization__community__street",
        community="organization__community",
        organization="organization",
    )

    def extra_visibility_q(self, user, roles):
        # Evaluators see exactly the reviews assigned to them (not withdrawn).
        return _assigned_reviews(user, roles) | super().extra_visibility_q(user, roles)


def _verification_code() -> str:
    return secrets.token_hex(8).upper()


class Review(TimeStampedModel):
    """An organization's annual review in one cycle: the leader's form, then the scores'
    outcome (total, grade, 年检 result) and the printed report."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("cycle")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="annual_reviews",
        verbose_name=_("organization"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    # The form.
    work_summary = models.TextField(_("work summary"), blank=True)
    activities_held = models.TextField(_("activities held"), blank=True)
    income = models.DecimalField(
        _("income (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    expenditure = models.DecimalField(
        _("expenditure (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    net_assets = models.DecimalField(
        _("net assets (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    staff_count = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    volunteer_count = models.PositiveIntegerField(_("volunteers"), null=True, blank=True)
    party_section = models.TextField(
        _("party building"),
        blank=True,
        help_text=_("Party organization, members, activities held with the party organization."),
    )
    self_assessment = models.JSONField(_("self-assessment"), default=dict, blank=True)
    prefill = models.JSONField(_("figures from the platform"), default=dict, blank=True)
    # Workflow.
    version = models.PositiveSmallIntegerField(_("submitted versions"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_comment = models.TextField(_("comments from staff"), blank=True)
    extension_until = models.DateField(_("extension until"), null=True, blank=True)
    # Outcome.
    graded = models.BooleanField(
        _("graded"), default=True, help_text=_("Off: the annual review result only, no grade.")
    )
    grading_note = models.CharField(_("why not graded"), max_length=500, blank=True)
    has_party_organization = models.BooleanField(
        _("has a party organization"), null=True, blank=True
    )
    group_scores = models.JSONField(_("scores by group"), default=dict, blank=True)
    item_scores = models.JSONField(_("scores by item"), default=dict, blank=True)
    total = models.DecimalField(_("total"), null=True, blank=True, **POINTS)
    grade = models.CharField(_("grade"), max_length=2, choices=Grade.choices, blank=True)
    annual_result = models.CharField(
        _("annual review result"), max_length=20, choices=AnnualReviewResult.choices, blank=True
    )
    spread_flagged = models.BooleanField(_("wide spread between evaluators"), default=False)
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True)
    verification_code = models.CharField(
        _("verification code"), max_length=16, unique=True, default=_verification_code
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual review")
        verbose_name_plural = _("annual reviews")
        ordering = ["-cycle__year", "organization__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organization"], name="review_one_per_cycle")
        ]
        indexes = [
            # Reminders and the staff list filter a cycle's reviews by status.
            models.Index(fields=["cycle", "status"], name="review_cycle_status"),
            # Street staff's list of a cycle's reviews changed last, walked newest first.
            models.Index(fields=["cycle", "-updated_at", "-id"], name="review_cycle_updated"),
        ]

    def __str__(self):
        return f"{self.organization} · {self.cycle.year}"


class ReviewReport(CertifiedDocument):
    """The official report of a finalized review: issued (snapshot) in the finalizing
    transaction, rendered and frozen once by a task (``evaluation.reports``). Its
    verification code is the review's, the one printed on the report and in its QR code."""

    CERTIFIED_FOLDER = "evaluation-reports"

    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, related_name="frozen_report", verbose_name=_("review")
    )

    class Meta(CertifiedDocument.Meta):
        verbose_name = _("frozen evaluation report")
        verbose_name_plural = _("frozen evaluation reports")

    def __str__(self):
        return f"{self.review_id} · {self.verification_code}"


class ReviewChildQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="review__organization__community__street",
        community="review__organization__community",
        organization="review__organization",
    )

    def extra_visibility_q(self, user, roles):
        q = _assigned_reviews(user, roles)
        if q is not NOTHING:
            q = Q(review__in=Review.objects.filter(q).values("pk"))
        return q | super().extra_visibility_q(user, roles)


class ReviewVersion(models.Model):
    """A submitted version of the form, kept for comparison."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="versions", verbose_name=_("review")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    data = models.JSONField(_("content"), default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    objects = ReviewChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="review_version_number")
        ]

    def __str__(self):
        return f"{self.review} v{self.number}"


class ReviewAttachment(StoredUpload):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("review")
    )
    # The review's own folder, as before the move onto StoredUpload (stored paths stay).
    file = models.FileField(_("file"), upload_to="evaluation/attachments/%Y/")

    objects = ReviewChildQuerySet.as_manager()

    class Meta(StoredUpload.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["review", "pk"]


class ReviewEvent(TimelineEvent):
    """Audit trail of a review: status changes, extensions, assignments, scores."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="events", verbose_name=_("review")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReviewEventKind.choices)

    objects = ReviewChildQuerySet.as_manager()

    class Meta(TimelineEvent.Meta):
        verbose_name = _("review event")
        verbose_name_plural = _("review events")

    def __str__(self):
        return f"{self.review} · {self.get_kind_display()}"

    def _label(self, value: str) -> str:
        choices = {
            ReviewEventKind.STATUS: ReviewStatus,
            ReviewEventKind.ASSIGNED: EvaluatorGroup,
            ReviewEventKind.CONFLICT: AssignmentStatus,
            ReviewEventKind.SCORES: AssignmentStatus,
            ReviewEventKind.SCORES_REOPENED: AssignmentStatus,
            ReviewEventKind.GRADE_DROPPED: Grade,
        }
        return label_of(choices.get(self.kind), value)

    @property
    def from_label(self) -> str:
        return self._label(self.from_value)

    @property
    def to_label(self) -> str:
        return self._label(self.to_value)


class EvaluatorAssignment(TimeStampedModel):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("review")
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evaluation_assignments",
        verbose_name=_("evaluator"),
    )
    group = models.CharField(_("group"), max_length=20, choices=EvaluatorGroup.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ASSIGNED,
    )
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ReviewChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluator assignment")
        verbose_name_plural = _("evaluator assignments")
        ordering = ["review", "group", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "evaluator"], name="assignment_once")
        ]
        indexes = [
            # An evaluator's list and the visibility subquery.
            models.Index(fields=["evaluator", "status"], name="assignment_evaluator"),
        ]

    def __str__(self):
        return f"{self.evaluator} → {self.review}"


class ScoreQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="assignment__review__organization__community__street",
        community="assignment__review__organization__community",
        organization=None,  # leaders see the aggregate, not each evaluator's marks
    )

    def extra_visibility_q(self, user, roles):
        if Role.EVALUATOR not in roles:
            return super().extra_visibility_q(user, roles)
        return Q(assignment__evaluator=user) | super().extra_visibility_q(user, roles)


class Score(models.Model):
    assignment = models.ForeignKey(
        EvaluatorAssignment,
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("assignment"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    points = models.DecimalField(_("points"), **POINTS)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "indicator"], name="score_once"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_not_negative"),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.points}"


class ConflictQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="organization__community__street",
        community="organization__community",
        organization=None,
    )

    def extra_visibility_q(self, user, roles):
        return Q(evaluator=user) | super().extra_visibility_q(user, roles)


class ConflictDeclaration(models.Model):
    """An evaluator declares an interest in an organization (member, relative, adviser…):
    they cannot be assigned to its reviews."""

    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="evaluation_conflicts",
        verbose_name=_("evaluator"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("organization")
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = ConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["evaluator", "organization"], name="conflict_once")
        ]

    def __str__(self):
        return f"{self.evaluator} ⟂ {self.organization}"
