"""凯益榜单: the scoring schemes, the append-only score ledger and the ranking snapshots.

The ledger (``ScoreEntry``) holds one row per fact of a lower app that earns (or costs)
points, each with its source and a reason in words; nobody updates or deletes a row. A
ranking is a frozen snapshot of the ledger's sums for a period and a scope: its rows
never change; a changed result is a new snapshot that ``supersedes`` the old one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Community, Street
from accounts.scoping import ScopedQuerySet, ScopePaths
from core.models import StoredUpload, TimelineEvent, TimeStampedModel
from incubation.choices import GrowthLevel
from incubation.models import Organization
from rankings.choices import Dimension, PeriodKind, ScopeKind, SourceKind
from rankings.rules import default_rules, validate_rules
from rankings.workflows import ObjectionStatus, RankingStatus

POINTS = {"max_digits": 10, "decimal_places": 2}


class AppendOnlyModel(models.Model):
    """A record that is written once: the ledger's entries and a snapshot's rows. Saving
    a stored row again or deleting one is a programming error, stopped here as well as by
    the services (which only insert) and the admin (read-only)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are never changed once stored")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are never deleted")


class StreetRowQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="street")


class ScoringScheme(TimeStampedModel):
    """The weights, caps and dimensions of the ledger's sources, versioned per street. A
    published scheme is never edited: a change is a new version. A period is computed
    with the scheme in force when its first ranking was computed, for good."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="scoring_schemes", verbose_name=_("street")
    )
    version = models.PositiveIntegerField(_("version"))
    rules = models.JSONField(
        _("weights and caps"), default=default_rules, validators=[validate_rules]
    )
    effective_from = models.DateField(
        _("applies from"), help_text=_("The first month whose rankings use this scheme.")
    )
    note = models.TextField(_("what changed"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = StreetRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")
        ordering = ["street", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["street", "version"], name="scheme_street_version"),
            models.CheckConstraint(
                condition=Q(effective_from__day=1), name="scheme_effective_first_of_month"
            ),
        ]

    def __str__(self):
        return _("Scoring scheme v%(version)s") % {"version": self.version}

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ScoreEntryQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="organization__community__street",
        community="organization__community",
        organization="organization",
    )


class ScoreEntry(AppendOnlyModel):
    """One row of the append-only ledger: a fact that earned an organization points in a
    month under one scheme, with the reason in words. Written only by
    ``rankings.services.ledger``, which inserts and never updates or deletes."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="score_entries",
        verbose_name=_("organization"),
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    source_kind = models.CharField(_("source"), max_length=30, choices=SourceKind.choices)
    source_ref = models.CharField(
        _("source record"), max_length=60, help_text=_('The fact\'s record, e.g. "claim:123".')
    )
    points = models.DecimalField(_("points"), **POINTS)
    dimension = models.CharField(_("portrait dimension"), max_length=20, choices=Dimension.choices)
    # A credit-list veto caps the organization's total score in every ranking that
    # counts this month; other rows leave it empty.
    total_cap = models.DecimalField(_("caps the total at"), null=True, blank=True, **POINTS)
    reason = models.CharField(_("reason"), max_length=300)
    scheme = models.ForeignKey(
        ScoringScheme,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("scheme"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScoreEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("score ledger entry")
        verbose_name_plural = _("score ledger")
        ordering = ["-period", "organization", "pk"]
        constraints = [
            # Re-building a month adds nothing twice.
            models.UniqueConstraint(
                fields=["organization", "period", "source_kind", "source_ref", "scheme"],
                name="score_entry_once",
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="score_entry_period_month"),
        ]
        indexes = [
            # The ranking job sums a scheme's months per organization and dimension.
            models.Index(
                fields=["scheme", "period", "organization", "dimension"],
                name="score_scheme_period_org",
            ),
        ]

    def __str__(self):
        return self.reason


class RankingQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(street="street", community="community")

    def current(self):
        """Snapshots not superseded by a re-run."""
        return self.filter(superseded_by__isnull=True)


class Ranking(TimeStampedModel):
    """A frozen ranking of one period and scope. Its rows never change; a re-run after an
    upheld objection is a new ranking that ``supersedes`` this one, with the reason."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="rankings", verbose_name=_("street")
    )
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("period starts"))
    scope_kind = models.CharField(_("scope"), max_length=20, choices=ScopeKind.choices)
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rankings",
        verbose_name=_("community"),
    )
    growth_level = models.CharField(
        _("growth level"), max_length=20, choices=GrowthLevel.choices, blank=True
    )
    # "street", "community:<pk>" or "growth_level:<level>": one key for the constraint.
    scope_key = models.CharField(_("scope key"), max_length=40)
    scheme = models.ForeignKey(
        ScoringScheme,
        on_delete=models.PROTECT,
        related_name="rankings",
        verbose_name=_("scheme"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RankingStatus.choices, default=RankingStatus.COMPUTED
    )
    organizations = models.PositiveIntegerField(_("organizations ranked"), default=0)
    notice_until = models.DateTimeField(_("public notice until"), null=True, blank=True)
    published_at = models.DateTimeField(_("published for notice at"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("made final at"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    reason = models.TextField(_("why it was re-run"), blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("computed by"),
    )

    objects = RankingQuerySet.as_manager()

    class Meta:
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        ordering = ["-period_start", "period_kind", "scope_key", "-pk"]
        constraints = [
            # One first computation per period and scope; later ones are re-runs.
            models.UniqueConstraint(
                fields=["street", "period_kind", "period_start", "scope_key"],
                condition=Q(supersedes__isnull=True),
                name="ranking_one_first_per_scope",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(reason=""),
                name="ranking_rerun_has_reason",
            ),
            models.CheckConstraint(
                condition=(
                    Q(scope_kind=ScopeKind.STREET, community__isnull=True, growth_level="")
                    | Q(scope_kind=ScopeKind.COMMUNITY, community__isnull=False, growth_level="")
                    | (
                        Q(scope_kind=ScopeKind.GROWTH_LEVEL, community__isnull=True)
                        & ~Q(growth_level="")
                    )
                ),
                name="ranking_scope_matches_kind",
            ),
        ]
        indexes = [
            # The public board and the admin list a street's rankings by period.
            models.Index(fields=["street", "period_kind", "-period_start"], name="ranking_street"),
        ]

    def __str__(self):
        return _("%(period)s %(kind)s ranking · %(scope)s") % {
            "period": self.period_label,
            "kind": self.get_period_kind_display(),
            "scope": self.scope_label,
        }

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.YEAR:
            return f"{self.period_start:%Y}"
        return f"{self.period_start:%Y-%m}"

    @property
    def scope_label(self) -> str:
        if self.scope_kind == ScopeKind.COMMUNITY and self.community_id:
            return str(self.community)
        if self.scope_kind == ScopeKind.GROWTH_LEVEL:
            return str(GrowthLevel(self.growth_level).label)
        return str(ScopeKind.STREET.label)


class RankingEvent(TimelineEvent):
    ranking = models.ForeignKey(
        Ranking, on_delete=models.CASCADE, related_name="events", verbose_name=_("ranking")
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("ranking event")
        verbose_name_plural = _("ranking events")

    def __str__(self):
        return " → ".join(
            str(RankingStatus(value).label) for value in (self.from_value, self.to_value) if value
        )


class RankingRowQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="ranking__street", community="organization__community", organization="organization"
    )


class RankingRow(AppendOnlyModel):
    """One organization's place in a ranking snapshot, as frozen when it was computed."""

    ranking = models.ForeignKey(
        Ranking, on_delete=models.PROTECT, related_name="rows", verbose_name=_("ranking")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="ranking_rows",
        verbose_name=_("organization"),
    )
    rank = models.PositiveIntegerField(_("rank"))
    score = models.DecimalField(_("score"), **POINTS)
    raw_score = models.DecimalField(_("score before the veto cap"), **POINTS)
    dimension_scores = models.JSONField(_("scores by dimension"), default=dict)
    vetoes = models.PositiveSmallIntegerField(_("credit-list vetoes"), default=0)
    capped = models.BooleanField(_("capped by a veto"), default=False)

    objects = RankingRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("ranking row")
        verbose_name_plural = _("ranking rows")
        ordering = ["ranking", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "rank"], name="ranking_row_rank"),
            models.UniqueConstraint(
                fields=["ranking", "organization"], name="ranking_row_organization"
            ),
        ]
        indexes = [
            # An organization's rank over time (the portrait's line).
            models.Index(fields=["organization", "ranking"], name="ranking_row_org"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.organization}"


class ObjectionQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(
        street="ranking__street", community="organization__community", organization="organization"
    )


class Objection(TimeStampedModel):
    """An organization's objection to its place in a ranking on public notice (公示),
    filed by its own leader with evidence and decided by the street's staff with a
    reason (复核). An upheld objection re-runs the ranking into a new snapshot
    (``rerun``); the snapshot objected to never changes. Written only by
    ``rankings.services.objections``."""

    ranking = models.ForeignKey(
        Ranking, on_delete=models.PROTECT, related_name="objections", verbose_name=_("ranking")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="ranking_objections",
        verbose_name=_("organization"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    text = models.TextField(_("objection"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.FILED,
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
    rerun = models.ForeignKey(
        Ranking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caused_by_objections",
        verbose_name=_("re-run ranking"),
    )

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("ranking objection")
        verbose_name_plural = _("ranking objections")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open objection per organization and snapshot: a second one waits for
            # the decision (the service says so; this stops a double submit).
            models.UniqueConstraint(
                fields=["ranking", "organization"],
                condition=Q(status=ObjectionStatus.FILED),
                name="objection_one_open_per_org",
            ),
            models.CheckConstraint(
                condition=Q(status=ObjectionStatus.FILED)
                | (Q(decided_at__isnull=False) & ~Q(decision_reason="")),
                name="objection_decided_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(rerun__isnull=True) | Q(status=ObjectionStatus.UPHELD),
                name="objection_rerun_only_upheld",
            ),
        ]
        indexes = [
            # Finalizing asks for a ranking's open objections; the admin lists them.
            models.Index(fields=["ranking", "status"], name="objection_ranking_status"),
        ]

    def __str__(self):
        return _("Objection of %(organization)s to %(ranking)s") % {
            "organization": self.organization,
            "ranking": self.ranking,
        }


class ObjectionEvent(TimelineEvent):
    objection = models.ForeignKey(
        Objection, on_delete=models.CASCADE, related_name="events", verbose_name=_("objection")
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("objection event")
        verbose_name_plural = _("objection events")

    def __str__(self):
        return " → ".join(str(part) for part in (self.from_label, self.to_label) if part)

    @property
    def from_label(self) -> str:
        return ObjectionStatus(self.from_value).label if self.from_value else ""

    @property
    def to_label(self) -> str:
        return ObjectionStatus(self.to_value).label if self.to_value else ""


class ObjectionEvidence(StoredUpload):
    """A file the leader attached to an objection (a sign-in sheet, a receipt); its type
    is read from the bytes by ``core.uploads.stored_upload_fields``."""

    objection = models.ForeignKey(
        Objection, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("objection")
    )

    class Meta(StoredUpload.Meta):
        verbose_name = _("objection evidence")
        verbose_name_plural = _("objection evidence")
        ordering = ["objection", "pk"]
