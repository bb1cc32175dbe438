"""Reads of funding: the call's budget, the ranking table, milestones, per-organization
grants, the foundation's ledger and the headline figures. Each runs a fixed number of
queries however many rows there are."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from funding.choices import AcceptanceResult, MilestoneKind, ReportKind
from funding.models import (
    Application,
    CouncilUnit,
    Donation,
    Fund,
    FundSpending,
    GrantCall,
    Score,
    Tranche,
)
from funding.workflows import COMMITTED_STATUSES, FUNDED_STATUSES, ApplicationStatus

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _sum(queryset, name: str) -> Decimal:
    return queryset.aggregate(total=Coalesce(Sum(name), Value(ZERO), output_field=MONEY))["total"]


# --- A call's budget ------------------------------------------------------------------------


def committed_amount(call: GrantCall) -> Decimal:
    """Money of the call's budget that is spoken for: awarded amounts of approved, running
    and completed grants, plus what was paid to terminated ones (the rest went back)."""
    awarded = _sum(
        Application.objects.filter(call=call, status__in=COMMITTED_STATUSES), "awarded_amount"
    )
    paid_to_terminated = _sum(
        Tranche.objects.filter(
            application__call=call,
            application__status=ApplicationStatus.TERMINATED,
            paid_on__isnull=False,
        ),
        "amount",
    )
    return awarded + paid_to_terminated


def _paid_subquery():
    return Coalesce(
        Subquery(
            Tranche.objects.filter(application=OuterRef("pk"), paid_on__isnull=False)
            .order_by()
            .values("application")
            .annotate(total=Sum("amount"))
            .values("total")[:1],
            output_field=MONEY,
        ),
        Value(ZERO),
        output_field=MONEY,
    )


def with_paid(applications):
    """Annotate ``paid`` (sum of paid tranches) in the same query."""
    return applications.annotate(paid=_paid_subquery())


def outstanding(application) -> Decimal:
    """Awarded but not paid yet (nothing for a terminated grant: the rest went back)."""
    if application.status not in COMMITTED_STATUSES or application.awarded_amount is None:
        return ZERO
    return application.awarded_amount - application.paid


def milestone_unmet(application, milestone: str) -> list[str]:
    """Why the tranche of ``milestone`` may not be paid yet (empty: it may)."""
    unmet = []
    if application.status == ApplicationStatus.TERMINATED:
        unmet.append(_("the grant was terminated"))
        return unmet
    if application.agreement_signed_on is None:
        unmet.append(_("the agreement has not been signed"))
    if (
        milestone == MilestoneKind.MIDTERM
        and not application.reports.filter(kind=ReportKind.MIDTERM).exists()
    ):
        unmet.append(_("the mid-term report has not been submitted"))
    if milestone == MilestoneKind.FINAL and application.acceptance_result not in (
        AcceptanceResult.PASSED,
        AcceptanceResult.BASICALLY_PASSED,
    ):
        unmet.append(_("the project has not passed its final acceptance"))
    return unmet


# --- The ranking table ----------------------------------------------------------------------


@dataclass
class RankRow:
    application: Application
    score: Decimal | None = None
    experts: int = 0
    by_criterion: dict = field(default_factory=dict)
    cumulative: Decimal = ZERO
    within_budget: bool = True

    @property
    def paid(self) -> Decimal:
        return self.application.paid

    @property
    def outstanding(self) -> Decimal:
        return outstanding(self.application)


@dataclass
class CallSummary:
    budget: Decimal
    committed: Decimal
    left: Decimal
    paid: Decimal
    outstanding: Decimal
    committed_percent: int
    counts: dict


RANKED_STATUSES = tuple(s for s in ApplicationStatus.values if s != ApplicationStatus.DRAFT)


def ranking(call: GrantCall, applications=None) -> list[RankRow]:
    """Submitted applications of ``call`` by weighted score (the mean over experts of
    Σ score × weight / 100), highest first, with the budget bar: ``within_budget`` is false
    from the first application whose amount (awarded, else requested) no longer fits in the
    budget counted down the table. Three queries."""
    if applications is None:
        applications = Application.objects.filter(call=call)
    applications = list(
        with_paid(applications.filter(status__in=RANKED_STATUSES))
        .select_related("organization", "organization__community")
        .order_by("pk")
    )
    criteria = {c.pk: c for c in call.criteria.all()}
    totals = defaultdict(lambda: defaultdict(Decimal))
    sums, experts = defaultdict(Decimal), defaultdict(set)
    scores = Score.objects.filter(application__in=[a.pk for a in applications]).values_list(
        "application_id", "expert_id", "criterion_id", "value"
    )
    for application_id, expert_id, criterion_id, value in scores:
        criterion = criteria.get(criterion_id)
        if criterion is None:
            continue
        sums[application_id] += value * criterion.weight / 100
        totals[application_id][criterion_id] += value
        experts[application_id].add(expert_id)
    rows = []
    for application in applications:
        n = len(experts[application.pk])
        row = RankRow(application=application, experts=n)
        if n:
            row.score = (sums[application.pk] / n).quantize(Decimal("0.01"))
            row.by_criterion = {
                pk: (totals[application.pk][pk] / n).quantize(Decimal("0.1")) for pk in criteria
            }
        rows.append(row)
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.application.pk))
    running = ZERO
    for row in rows:
        app = row.application
        if app.status in (ApplicationStatus.REJECTED, ApplicationStatus.TERMINATED):
            row.cumulative = running
            row.within_budget = False
            continue
        running += app.awarded_amount or app.requested_amount
        row.cumulative = running
        row.within_budget = running <= call.total_budget
    return rows


def call_summary(call: GrantCall, rows: list[RankRow] | None = None) -> CallSummary:
    committed = committed_amount(call)
    funded = with_paid(Application.objects.filter(call=call, status__in=FUNDED_STATUSES))
    paid = ZERO
    owed = ZERO
    for app in funded:
        paid += app.paid
        owed += outstanding(app)
    counts = dict(
        Application.objects.filter(call=call)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    percent = int(committed * 100 / call.total_budget) if call.total_budget else 0
    return CallSummary(
        budget=call.total_budget,
        committed=committed,
        left=call.total_budget - committed,
        paid=paid,
        outstanding=owed,
        committed_percent=min(percent, 100),
        counts=counts,
    )


# --- Per organization -----------------------------------------------------------------------


def grants_of_organization(organization):
    """Every grant the organization received (approved or later), newest call first, with
    ``paid`` annotated: one query."""
    return (
        with_paid(Application.objects.filter(organization=organization, status__in=FUNDED_STATUSES))
        .select_related("call")
        .order_by("-call__year", "-pk")
    )


def grants_received_total(organization, year: int) -> Decimal:
    """Total awarded to the organization's grants of ``year``'s call (the annual review's
    pre-fill)."""
    total = _sum(
        Application.objects.filter(
            organization=organization, call__year=year, status__in=FUNDED_STATUSES
        ),
        "awarded_amount",
    )
    return total.quantize(Decimal("0.01"))


# --- Foundation -----------------------------------------------------------------------------


def fund_ledger_balance(fund: Fund) -> Decimal:
    """The balance from the ledger (the source of truth): seed + donations − spending."""
    return (
        fund.seed_capital
        + _sum(Donation.objects.filter(fund=fund), "amount")
        - _sum(FundSpending.objects.filter(fund=fund), "amount")
    )


# --- Headline figures -----------------------------------------------------------------------


def _funded(street=None, community=None):
    grants = Application.objects.filter(status__in=FUNDED_STATUSES)
    if street is not None:
        grants = grants.filter(call__street=street)
    if community is not None:
        grants = grants.filter(organization__community=community)
    return grants


def headline_figures(*, street=None, community=None, today: datetime.date | None = None) -> dict:
    """Grant and foundation figures for the street dashboard and ``stats --json``.
    Community narrowing counts the grants of the community's organizations; the foundation
    belongs to the street, so its figures are the street's. Five queries."""
    grants = _funded(street, community).aggregate(
        n=Count("pk"), total=Coalesce(Sum("awarded_amount"), Value(ZERO), output_field=MONEY)
    )
    fund_street = street if street is not None else getattr(community, "street", None)
    funds = Fund.objects.all()
    if fund_street is not None:
        funds = funds.filter(street=fund_street)
    fund_ids = funds.values("pk")
    return {
        "grant_projects_funded": grants["n"],
        "grant_amount_awarded": grants["total"],
        "foundation_council_units": CouncilUnit.objects.filter(fund__in=fund_ids).count(),
        "foundation_raised": _sum(Donation.objects.filter(fund__in=fund_ids), "amount"),
        "foundation_balance": _sum(funds, "balance"),
    }


def grants_by_year(*, street=None, community=None) -> list[tuple[int, int, Decimal]]:
    """(year, funded projects, amount awarded) per call year, oldest first: one query."""
    rows = (
        _funded(street, community)
        .values_list("call__year")
        .annotate(
            n=Count("pk"),
            total=Coalesce(Sum("awarded_amount"), Value(ZERO), output_field=MONEY),
        )
        .order_by("call__year")
    )
    return [(year, n, total) for year, n, total in rows]


def open_calls(user, today: datetime.date):
    return (
        GrantCall.objects.visible_to(user)
        .filter(opens_on__lte=today, closes_on__gte=today)
        .order_by("-year")
    )


def expert_applications(user):
    """The applications an expert may review (visibility does the assignment and conflict
    filtering)."""
    return (
        Application.objects.visible_to(user)
        .filter(Q(status__in=RANKED_STATUSES))
        .select_related("call", "organization")
        .order_by("call__year", "title", "pk")
    )


def frozen_agreements_of(org) -> list[tuple[Application, object, str]]:
    """The organization's frozen grant agreements, oldest first, as
    ``(application, file, sha256)`` — for archives and dossiers that copy them byte for
    byte. Agreements recorded but not rendered yet are left out."""
    apps = (
        Application.objects.filter(organization=org, agreement__isnull=False)
        .exclude(agreement__sha256="")
        .select_related("call", "agreement")
        .order_by("agreement__issued_at", "pk")
    )
    return [(a, a.agreement.file, a.agreement.sha256) for a in apps]
