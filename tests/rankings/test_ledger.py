"""The score ledger: one entry per fact, built again without doubles, capped per source
and month, each entry saying why."""

import datetime
from decimal import Decimal

import pytest

from core.errors import ActionRefused
from rankings.choices import Dimension, SourceKind
from rankings.models import ScoreEntry
from rankings.rules import default_rules
from rankings.services.ledger import ledger_build
from rankings.services.schemes import scheme_create
from tests.factories import record_party_facts
from tests.rankings.conftest import PERIOD, confirm_claims, list_on_credit_list

pytestmark = pytest.mark.django_db


def _entries(org, kind):
    return list(ScoreEntry.objects.filter(organization=org, source_kind=kind).order_by("pk"))


def test_it_records_each_fact_once_however_often_it_is_built(tenant, scheme):
    confirm_claims(tenant.org, 2)
    confirm_claims(tenant.org, 1, rating=5)
    assert ledger_build(scheme=scheme, period=PERIOD) == 4
    assert ledger_build(scheme=scheme, period=PERIOD) == 0
    confirmed = _entries(tenant.org, SourceKind.CLAIM_CONFIRMED)
    assert [e.points for e in confirmed] == [Decimal("3.00")] * 3
    assert {e.dimension for e in confirmed} == {Dimension.SERVICES}
    [rating] = _entries(tenant.org, SourceKind.CLAIM_RATING)
    assert rating.points == Decimal("2.50")
    assert rating.source_ref.startswith("claim:")
    # A claim confirmed later in the month is the only new entry of the next build.
    confirm_claims(tenant.org, 1)
    assert ledger_build(scheme=scheme, period=PERIOD) == 1
    assert ScoreEntry.objects.filter(organization=tenant.org).count() == 5


def test_each_entry_says_why_in_words(tenant, scheme):
    confirm_claims(tenant.org, 1)
    ledger_build(scheme=scheme, period=PERIOD)
    [entry] = _entries(tenant.org, SourceKind.CLAIM_CONFIRMED)
    assert "独居老人助餐" in entry.reason
    assert entry.reason.endswith("+3")
    assert "认领" in entry.reason or "Claim" in entry.reason


def test_a_source_earns_at_most_its_monthly_cap(tenant, scheme):
    confirm_claims(tenant.org, 12)
    ledger_build(scheme=scheme, period=PERIOD)
    entries = _entries(tenant.org, SourceKind.CLAIM_CONFIRMED)
    assert len(entries) == 12
    assert sum(e.points for e in entries) == Decimal("30")
    assert [e.points for e in entries[-2:]] == [Decimal("0.00")] * 2
    assert "30" in entries[-1].reason and (
        "上限" in entries[-1].reason or "cap" in entries[-1].reason
    )


def test_other_months_and_streets_are_not_counted(tenant, outsider_tenant, scheme):
    confirm_claims(tenant.org, 1, on=datetime.date(2026, 10, 31))
    confirm_claims(tenant.org, 1, on=datetime.date(2026, 12, 1))
    confirm_claims(outsider_tenant.org, 1)
    assert ledger_build(scheme=scheme, period=PERIOD) == 0


def test_party_facts_and_vetoes_are_recorded(tenant, scheme):
    record_party_facts(tenant.org, on=datetime.date(2026, 11, 10), prereview=False)
    list_on_credit_list(tenant.org, on=datetime.date(2026, 11, 20))
    ledger_build(scheme=scheme, period=PERIOD)
    [coverage] = _entries(tenant.org, SourceKind.PARTY_COVERAGE)
    assert (coverage.points, coverage.dimension) == (Decimal("3.00"), Dimension.PARTY)
    [life] = _entries(tenant.org, SourceKind.ORGANIZATIONAL_LIFE)
    assert life.points == Decimal("1.00")
    [veto] = _entries(tenant.org, SourceKind.CREDIT_VETO)
    assert (veto.points, veto.total_cap, veto.dimension) == (
        Decimal("0.00"),
        Decimal("60.00"),
        Dimension.CREDIT,
    )


def test_only_a_published_scheme_earns_points(tenant):
    draft = scheme_create(
        street=tenant.street, actor=tenant.street_admin, effective_from=datetime.date(2026, 1, 1)
    )
    with pytest.raises(ActionRefused, match="published|发布"):
        ledger_build(scheme=draft, period=PERIOD)


def test_the_rules_are_validated(tenant):
    rules = default_rules()
    rules["claim_confirmed"]["dimension"] = "charm"
    del rules["credit_veto"]["levels"]["serious"]
    with pytest.raises(Exception, match="dimension|维度") as error:
        scheme_create(
            street=tenant.street,
            actor=tenant.street_admin,
            effective_from=datetime.date(2026, 1, 1),
            rules=rules,
        )
    assert "serious" in str(error.value)


def test_activities_and_their_hours_are_recorded(tenant, scheme):
    from django.utils import timezone

    from tests.volunteering.helpers import make_volunteer, publish_activity
    from volunteering.models import Place
    from volunteering.workflows import PlaceStatus

    activity, session = publish_activity(tenant, starts_in=datetime.timedelta(days=1))
    for name in ("v1", "v2"):
        _user, volunteer = make_volunteer(tenant, name)
        Place.objects.create(
            session=session, volunteer=volunteer, status=PlaceStatus.ATTENDED, hours=Decimal("2")
        )
    month = timezone.localtime(session.starts_at).date().replace(day=1)
    ledger_build(scheme=scheme, period=month)
    [organized] = _entries(tenant.org, SourceKind.ACTIVITY_ORGANIZED)
    assert organized.source_ref == f"activity:{activity.pk}"
    assert organized.points == Decimal("2.00") and organized.dimension == Dimension.ACTIVITIES
    [hours] = _entries(tenant.org, SourceKind.VOLUNTEER_HOURS)
    assert hours.source_ref == f"session:{session.pk}"
    assert hours.points == Decimal("0.40")  # 4 hours at 0.1
    assert "4" in hours.reason and activity.title in hours.reason


def test_an_entry_is_never_changed_or_deleted(tenant, scheme):
    confirm_claims(tenant.org, 1)
    ledger_build(scheme=scheme, period=PERIOD)
    entry = ScoreEntry.objects.get()
    entry.points = Decimal("99")
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    assert ScoreEntry.objects.get().points == Decimal("3.00")


def test_a_grade_finalized_in_the_month_is_recorded(tenant, scheme):
    from evaluation.models import Review
    from evaluation.workflows import ReviewStatus
    from tests.evaluation.helpers import make_cycle
    from tests.rankings.conftest import at

    cycle = make_cycle(tenant.street)
    Review.objects.create(
        cycle=cycle,
        organization=tenant.org,
        status=ReviewStatus.FINALIZED,
        grade="4A",
        finalized_at=at(datetime.date(2026, 11, 20)),
    )
    ledger_build(scheme=scheme, period=PERIOD)
    [grade] = _entries(tenant.org, SourceKind.EVALUATION_GRADE)
    assert (grade.points, grade.dimension) == (Decimal("8.00"), Dimension.BASICS)
    assert "4A" in grade.reason
