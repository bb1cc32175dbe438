"""Ranking snapshots: computed as a job from the ledger, published for public notice
(公示), finalized. Every status change goes through ``ranking_transition`` and leaves a
``RankingEvent``. A snapshot's rows never change: a re-run (after an upheld objection)
is a new snapshot that supersedes the old one and says why.

Computing reads the street's organizations and the ledger's sums in a fixed number of
queries, whatever the number of organizations, and inserts the rows in batches."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.transitions import refuse_unless_allowed
from incubation.models import Organization
from incubation.workflows import EXIT_STAGES
from jobs.models import Job
from jobs.services import job_start
from rankings.choices import Dimension, PeriodKind, ScopeKind, SourceKind
from rankings.copy import copy_rows
from rankings.models import (
    Objection,
    Ranking,
    RankingEvent,
    RankingRow,
    ScoreEntry,
    ScoringScheme,
)
from rankings.permissions import can_manage_rankings
from rankings.rules import ranking_rules
from rankings.selectors import period_computed
from rankings.services.ledger import ledger_build
from rankings.services.schemes import scheme_for_period
from rankings.workflows import (
    RANKING_TRANSITIONS,
    RERUNNABLE_STATUSES,
    ObjectionStatus,
    RankingStatus,
)

S = RankingStatus
COMPUTE_JOB = "rankings.compute"
ZERO = Decimal("0.00")
DIMENSIONS = tuple(Dimension.values)
_ROW_FIELDS: tuple[str, ...] = ("ranking_id", "organization_id", "rank", "score", "raw_score")
_ROW_FIELDS += ("dimension_scores", "vetoes", "capped")
LAST_DAY = datetime.date.max

Progress = Callable[..., None]


def _no_progress(done: int, total: int | None = None) -> None:
    """A progress callback that shows nothing (outside a job)."""


# --- Periods and scopes -----------------------------------------------------------------


def check_period(period_kind: str, period_start: datetime.date) -> None:
    if period_kind not in PeriodKind.values:
        raise ActionRefused(_("Rankings are monthly or yearly."))
    if period_start.day != 1 or (period_kind == PeriodKind.YEAR and period_start.month != 1):
        raise ActionRefused(_("A ranking's period starts on the first day of a month or year."))


def period_months(period_kind: str, period_start: datetime.date) -> list[datetime.date]:
    if period_kind == PeriodKind.YEAR:
        return [period_start.replace(month=m) for m in range(1, 13)]
    return [period_start]


def scope_key(scope_kind: str, community_id: int | None = None, growth_level: str = "") -> str:
    if scope_kind == ScopeKind.COMMUNITY:
        return f"community:{community_id}"
    if scope_kind == ScopeKind.GROWTH_LEVEL:
        return f"growth_level:{growth_level}"
    return ScopeKind.STREET.value


# --- Scores -------------------------------------------------------------------------------


@dataclass
class Scored:
    organization_id: int
    community_id: int
    growth_level: str
    founded_on: datetime.date | None
    dimensions: dict[str, Decimal] = field(default_factory=dict)
    raw: Decimal = ZERO
    score: Decimal = ZERO
    vetoes: int = 0
    capped: bool = False

    def order(self):
        """Score first; on a tie fewer vetoes, then the earlier founding, then the pk."""
        return (-self.score, self.vetoes, self.founded_on or LAST_DAY, self.organization_id)


def scores(street_id: int, scheme: ScoringScheme, months: list[datetime.date]) -> list[Scored]:
    """Every organization of the street still in the hub with its sums over ``months``
    under ``scheme``: three queries, whatever the number of organizations."""
    scored = {
        pk: Scored(pk, community_id, growth_level, founded_on)
        for pk, community_id, growth_level, founded_on in Organization.objects.filter(
            community__street_id=street_id
        )
        .exclude(stage__in=sorted(EXIT_STAGES))
        .order_by()
        .values_list("pk", "community_id", "growth_level", "founded_on")
    }
    entries = ScoreEntry.objects.filter(scheme=scheme, period__in=months).order_by()
    for row in entries.values("organization_id", "dimension").annotate(s=Sum("points")):
        one = scored.get(row["organization_id"])
        if one is not None:
            one.dimensions[row["dimension"]] = row["s"]
    caps = {}
    for veto in (
        entries.filter(source_kind=SourceKind.CREDIT_VETO)
        .values("organization_id")
        .annotate(n=Count("source_ref", distinct=True), cap=Min("total_cap"))
    ):
        caps[veto["organization_id"]] = (veto["n"], veto["cap"])
    for one in scored.values():
        one.raw = sum(one.dimensions.values(), ZERO)
        one.score = one.raw
        one.vetoes, cap = caps.get(one.organization_id, (0, None))
        if cap is not None and one.raw > cap:
            one.score, one.capped = cap, True
    return list(scored.values())


def _in_scope(one: Scored, ranking: Ranking) -> bool:
    """For one scope (a re-run); computing sorts once and groups (``_by_scope``)."""
    if ranking.scope_kind == ScopeKind.COMMUNITY:
        return one.community_id == ranking.community_id
    if ranking.scope_kind == ScopeKind.GROWTH_LEVEL:
        return one.growth_level == ranking.growth_level
    return True


def _dimension_scores(one: Scored) -> dict[str, str]:
    return {d: str(one.dimensions.get(d, ZERO)) for d in DIMENSIONS}


def _by_scope(scored: list[Scored]) -> dict[str, list[Scored]]:
    """Every scope's members in rank order, keyed by ``scope_key``: one sort, one pass."""
    ordered = sorted(scored, key=Scored.order)
    groups: dict[str, list[Scored]] = {scope_key(ScopeKind.STREET): ordered}
    for one in ordered:
        for key in (
            scope_key(ScopeKind.COMMUNITY, one.community_id),
            scope_key(ScopeKind.GROWTH_LEVEL, growth_level=one.growth_level),
        ):
            groups.setdefault(key, []).append(one)
    return groups


def _freeze(ranking: Ranking, members: list[Scored], *, actor, note: str) -> Ranking:
    """Store the ranking with its rows, ranked, and its first event: one transaction.
    ``members`` are the scope's organizations in rank order (``Scored.order``)."""
    ranking.organizations = len(members)
    ranking.computed_by = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        ranking.full_clean()
        ranking.save()
        copy_rows(
            RankingRow,
            _ROW_FIELDS,
            (
                (
                    ranking.pk,
                    one.organization_id,
                    rank,
                    one.score,
                    one.raw,
                    _dimension_scores(one),
                    one.vetoes,
                    one.capped,
                )
                for rank, one in enumerate(members, start=1)
            ),
        )
        RankingEvent.record(ranking=ranking, actor=actor, to_value=S.COMPUTED, note=note)
    return ranking


def _build_ledger(scheme: ScoringScheme, months, progress: Progress, total: int) -> None:
    for done, month in enumerate(months, start=1):
        ledger_build(scheme=scheme, period=month)
        progress(done, total)


# --- Computing ----------------------------------------------------------------------------


def ranking_compute(
    *,
    street_id: int,
    period_kind: str,
    period_start: datetime.date,
    actor,
    progress: Progress = _no_progress,
) -> list[Ranking]:
    """Compute the period's rankings for the street: street-wide, per community and per
    growth level. A scope already computed is left alone (a job run again after a lost
    worker ends with each scope once); returns the rankings made now."""
    check_period(period_kind, period_start)
    refuse_unless(can_manage_rankings(actor, street_id))
    scheme = scheme_for_period(street_id, period_kind, period_start)
    months = period_months(period_kind, period_start)
    steps = len(months) + 1
    _build_ledger(scheme, months, progress, steps)
    scored = scores(street_id, scheme, months)
    groups = _by_scope(scored)
    done = set(
        Ranking.objects.filter(
            street_id=street_id,
            period_kind=period_kind,
            period_start=period_start,
            supersedes__isnull=True,
        ).values_list("scope_key", flat=True)
    )
    scopes: list[tuple[str, int | None, str]] = [(ScopeKind.STREET, None, "")]
    scopes += [(ScopeKind.COMMUNITY, c, "") for c in sorted({s.community_id for s in scored})]
    scopes += [(ScopeKind.GROWTH_LEVEL, None, g) for g in sorted({s.growth_level for s in scored})]
    made = []
    for kind, community_id, growth_level in scopes:
        key = scope_key(kind, community_id, growth_level)
        if key in done:
            continue
        ranking = Ranking(
            street_id=street_id,
            period_kind=period_kind,
            period_start=period_start,
            scope_kind=kind,
            community_id=community_id,
            growth_level=growth_level,
            scope_key=key,
            scheme=scheme,
        )
        note = _("Computed with scoring scheme v%(version)s.") % {"version": scheme.version}
        made.append(_freeze(ranking, groups[key], actor=actor, note=note))
    progress(steps, steps)
    return made


def ranking_rerun(
    ranking: Ranking, *, reason: str, actor, progress: Progress = _no_progress
) -> Ranking:
    """Compute the ranking's period and scope again into a new snapshot that supersedes
    it, with the scheme it was computed with; the old snapshot stays as it was. Asking
    again returns the re-run already made."""
    refuse_unless(can_manage_rankings(actor, ranking.street_id))
    successor = Ranking.objects.filter(supersedes=ranking).first()
    if successor is not None:
        return successor
    if not (reason or "").strip():
        raise ActionRefused(_("Say why the ranking is computed again."))
    if ranking.status not in RERUNNABLE_STATUSES:
        raise ActionRefused(_("A final ranking is not computed again."))
    months = period_months(ranking.period_kind, ranking.period_start)
    steps = len(months) + 1
    _build_ledger(ranking.scheme, months, progress, steps)
    scored = scores(ranking.street_id, ranking.scheme, months)
    new = Ranking(
        street_id=ranking.street_id,
        period_kind=ranking.period_kind,
        period_start=ranking.period_start,
        scope_kind=ranking.scope_kind,
        community_id=ranking.community_id,
        growth_level=ranking.growth_level,
        scope_key=ranking.scope_key,
        scheme=ranking.scheme,
        supersedes=ranking,
        reason=reason.strip(),
    )
    with transaction.atomic():
        members = sorted((one for one in scored if _in_scope(one, new)), key=Scored.order)
        _freeze(new, members, actor=actor, note=reason.strip())
        RankingEvent.record(
            ranking=ranking,
            actor=actor,
            note=_("Superseded by a re-run (#%(pk)s): %(reason)s")
            % {"pk": new.pk, "reason": new.reason},
        )
    progress(steps, steps)
    return new


def ranking_compute_start(*, street, period_kind: str, period_start: datetime.date, actor) -> Job:
    """Start the job that computes a period's rankings (checked now, and again when it
    runs)."""
    check_period(period_kind, period_start)
    refuse_unless(can_manage_rankings(actor, street))
    if period_computed(street.pk, period_kind, period_start):
        raise ActionRefused(
            _("This period is already computed; a changed result is a re-run of its ranking.")
        )
    scheme_for_period(street.pk, period_kind, period_start)  # refuses without a scheme
    label = PeriodKind(period_kind).label
    return job_start(
        kind=COMPUTE_JOB,
        actor=actor,
        street=street,
        title=_("Compute the %(kind)s ranking of %(period)s")
        % {
            "kind": label,
            "period": f"{period_start:%Y}"
            if period_kind == PeriodKind.YEAR
            else f"{period_start:%Y-%m}",
        },
        params={
            "street_id": street.pk,
            "period_kind": period_kind,
            "period_start": period_start.isoformat(),
        },
    )


def ranking_rerun_start(ranking: Ranking, *, reason: str, actor) -> Job:
    refuse_unless(can_manage_rankings(actor, ranking.street_id))
    if not (reason or "").strip():
        raise ActionRefused(_("Say why the ranking is computed again."))
    if Ranking.objects.filter(supersedes=ranking).exists():
        raise ActionRefused(_("This ranking was already computed again."))
    if ranking.status not in RERUNNABLE_STATUSES:
        raise ActionRefused(_("A final ranking is not computed again."))
    return job_start(
        kind=COMPUTE_JOB,
        actor=actor,
        street=ranking.street,
        title=_("Re-run: %(ranking)s") % {"ranking": ranking},
        params={"supersedes_id": ranking.pk, "reason": reason.strip()},
    )


# --- Notice and final ---------------------------------------------------------------------


def ranking_transition(ranking: Ranking, to: str, *, actor, note: str = "") -> Ranking:
    """The one way a ranking's status changes: checked against the table, with its
    event, in one transaction. Asking for the current status again changes nothing."""
    refuse_unless(can_manage_rankings(actor, ranking.street_id))
    with transaction.atomic():
        locked = Ranking.objects.select_for_update().get(pk=ranking.pk)
        if locked.status == to:
            return locked
        if Ranking.objects.filter(supersedes=locked).exists():
            raise ActionRefused(_("This ranking was superseded by a re-run; act on the new one."))
        refuse_unless_allowed(RANKING_TRANSITIONS, S, locked.status, to, _("ranking"))
        now = timezone.now()
        before = locked.status
        changed = ["status", "updated_at"]
        if to == S.NOTICE:
            locked.published_at = now
            locked.notice_until = now + datetime.timedelta(days=ranking_rules().notice_days)
            changed += ["published_at", "notice_until"]
        elif to == S.FINAL:
            _refuse_with_open_objections(locked)
            if locked.notice_until and now < locked.notice_until:
                raise ActionRefused(
                    _("The public notice runs until %(until)s; finalize it after that.")
                    % {"until": timezone.localtime(locked.notice_until).strftime("%Y-%m-%d %H:%M")}
                )
            locked.finalized_at = now
            changed.append("finalized_at")
        locked.status = to
        locked.save(update_fields=changed)
        RankingEvent.record(ranking=locked, actor=actor, from_value=before, to_value=to, note=note)
    return locked


def _refuse_with_open_objections(ranking: Ranking) -> None:
    """A ranking is not made final while an objection to it, or to a snapshot of the same
    period and scope that it superseded, awaits a decision (objections lock the ranking
    they are filed against, and this runs with it locked)."""
    waiting = Objection.objects.filter(
        status=ObjectionStatus.FILED,
        ranking__street_id=ranking.street_id,
        ranking__period_kind=ranking.period_kind,
        ranking__period_start=ranking.period_start,
        ranking__scope_key=ranking.scope_key,
    )
    count = waiting.count()
    if count:
        raise ActionRefused(
            _("%(count)d objection(s) to this ranking await a decision; decide them first.")
            % {"count": count}
        )


def ranking_publish(ranking: Ranking, *, actor, note: str = "") -> Ranking:
    """Publish for public notice (公示); objections may be filed until ``notice_until``."""
    return ranking_transition(ranking, S.NOTICE, actor=actor, note=note)


def ranking_finalize(ranking: Ranking, *, actor, note: str = "") -> Ranking:
    return ranking_transition(ranking, S.FINAL, actor=actor, note=note)
