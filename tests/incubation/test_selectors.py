"""What comes next for an organization, when its council is due, and what keeps it from
graduating: the dated rules read from the registry."""

import datetime
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from incubation import services
from incubation.selectors import (
    NextAction,
    blocking_reasons,
    graduation_unmet,
    next_required_action,
    organization_timeline,
    organizations_for,
    term_due,
)
from incubation.workflows import Stage
from tests.factories import RegisteredOrganizationFactory, record_party_facts

TODAY = date(2026, 2, 10)
SHANGHAI = ZoneInfo("Asia/Shanghai")

ROUTE = {
    Stage.REGISTRATION: [],
    Stage.ONBOARDING: [Stage.ONBOARDING],
    Stage.MANAGEMENT: [Stage.ONBOARDING, Stage.MANAGEMENT],
    Stage.ANNUAL_REVIEW: [Stage.ONBOARDING, Stage.MANAGEMENT, Stage.ANNUAL_REVIEW],
    Stage.RE_ELECTION: [Stage.ONBOARDING, Stage.MANAGEMENT, Stage.RE_ELECTION],
    Stage.AWARDS: [Stage.ONBOARDING, Stage.MANAGEMENT, Stage.AWARDS],
    Stage.WITHDRAWN: [Stage.ONBOARDING, Stage.WITHDRAWN],
    Stage.DEREGISTERED: [Stage.DEREGISTERED],
    Stage.GRADUATED: [Stage.ONBOARDING, Stage.MANAGEMENT],  # then graduate
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 2, 10, 9, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def org_in(stage, reviewed=2025, **fields):
    """An organization walked to ``stage`` through the service; by default it has filed
    last year's 年检 report, so no report is owed."""
    fields.setdefault("founded_on", date(2018, 3, 1))
    # 入驻, 管理 and 换届 read the party facts: recorded before the walk.
    org = record_party_facts(RegisteredOrganizationFactory(**fields))
    if reviewed:
        services.organization_record_annual_review(
            organization=org, year=reviewed, result="passed", actor=None
        )
    for step in ROUTE[stage]:
        services.organization_change_stage(organization=org, to_stage=step, actor=None)
    if stage == Stage.GRADUATED:
        incubate(org, date(2024, 9, 1))
        services.organization_confirm_independence(organization=org, actor=None)
        services.organization_graduate(organization=org, actor=None)
    org.refresh_from_db()
    return org


def incubate(org, agreement_on, months=12):
    services.incubation_intake(
        organization=org,
        agreement_on=agreement_on,
        planned_months=months,
        incubation_type="growing",
        actor=None,
    )
    org.refresh_from_db()
    return org


# --- next_required_action --------------------------------------------------------------------


def test_it_asks_for_the_registration_facts_first(db):
    action = next_required_action(org_in(Stage.REGISTRATION))
    assert action.label.startswith("Record the leader's political status and party members")
    assert action.due is None and not action.overdue(TODAY)


def test_it_asks_for_party_coverage_while_onboarding(db):
    action = next_required_action(org_in(Stage.ONBOARDING))
    assert action == NextAction(
        "Arrange party coverage and a party liaison, then start management", None
    )


def test_it_warns_of_a_term_ending_within_three_months(db):
    org = org_in(Stage.MANAGEMENT, term_start=date(2021, 5, 10), term_end=date(2026, 5, 10))
    action = next_required_action(org)
    assert action == NextAction("Re-elect the council (term ends May 10, 2026)", date(2026, 5, 10))
    with translation.override("zh-hans"):
        assert "2026年5月10日" in next_required_action(org).label


def test_it_warns_of_an_overdue_term(db):
    org = org_in(Stage.MANAGEMENT, term_start=date(2021, 1, 10), term_end=date(2026, 1, 10))
    action = next_required_action(org)
    assert action.due == date(2026, 1, 10) and action.overdue(TODAY)


def test_it_shows_the_next_re_election_when_nothing_is_pressing(db):
    org = org_in(Stage.MANAGEMENT, term_start=date(2021, 5, 11), term_end=date(2026, 5, 11))
    assert next_required_action(org) == NextAction("Next re-election", date(2026, 5, 11))
    assert next_required_action(org_in(Stage.MANAGEMENT)) is None  # no term, nothing owed


def test_it_asks_for_last_year_annual_report_due_at_the_end_of_march(db):
    org = org_in(Stage.MANAGEMENT, reviewed=None)
    action = next_required_action(org)
    assert action == NextAction("Submit the 2025 annual review report", date(2026, 3, 31))
    assert not action.overdue(TODAY)
    with time_machine.travel(datetime.datetime(2026, 4, 1, 0, 30, tzinfo=SHANGHAI), tick=False):
        # Half past midnight in Hangzhou is still March 31 in UTC: the local date counts.
        action = next_required_action(org)
        assert action.overdue(date(2026, 4, 1))
        assert action.due == date(2026, 3, 31)


def test_an_organization_reviewed_for_an_older_year_still_owes_last_year(db):
    org = org_in(Stage.MANAGEMENT, reviewed=2024)
    assert next_required_action(org).label == "Submit the 2025 annual review report"


@pytest.mark.parametrize(
    ("founded_on", "owes"),
    [(date(2025, 6, 30), True), (date(2025, 7, 1), False), (date(2026, 1, 5), False)],
)
def test_an_organization_founded_after_june_skips_that_year(db, founded_on, owes):
    org = org_in(Stage.MANAGEMENT, reviewed=None, founded_on=founded_on)
    action = next_required_action(org)
    if owes:
        assert action == NextAction("Submit the 2025 annual review report", date(2026, 3, 31))
    else:
        assert action is None


@pytest.mark.parametrize(
    ("term_end", "expected_due"),
    [(date(2026, 3, 15), date(2026, 3, 15)), (date(2026, 5, 1), date(2026, 3, 31))],
)
def test_it_picks_the_earliest_due_action(db, term_end, expected_due):
    org = org_in(Stage.MANAGEMENT, reviewed=None, term_start=date(2021, 3, 1), term_end=term_end)
    assert next_required_action(org).due == expected_due


def test_it_reminds_of_the_end_of_the_incubation_period(db):
    org = incubate(org_in(Stage.MANAGEMENT), date(2025, 3, 1))
    action = next_required_action(org)
    assert action == NextAction("Incubation period ends: assess graduation", date(2026, 3, 1))
    later = incubate(org_in(Stage.MANAGEMENT), date(2025, 3, 11))
    assert next_required_action(later) is None  # ends more than a month ahead


def test_it_asks_to_finish_the_annual_review_by_the_end_of_may(db):
    action = next_required_action(org_in(Stage.ANNUAL_REVIEW))
    assert action == NextAction("Finish the annual review", date(2026, 5, 31))


def test_it_asks_to_complete_a_re_election_by_the_term_end(db):
    org = org_in(Stage.RE_ELECTION, term_start=date(2021, 6, 1), term_end=date(2026, 5, 31))
    action = next_required_action(org)
    assert action.label == "Complete the re-election with the party organization's pre-review"
    assert action.due == date(2026, 5, 31)


def test_it_counts_an_approved_extension_for_a_re_election(db):
    org = org_in(Stage.MANAGEMENT, term_start=date(2021, 6, 1), term_end=date(2026, 5, 31))
    services.term_extend(
        organization=org, until=date(2026, 11, 30), actor=None, reason="延期", today=TODAY
    )
    org.refresh_from_db()
    assert next_required_action(org) == NextAction("Next re-election", date(2026, 11, 30))
    services.organization_change_stage(organization=org, to_stage="re_election", actor=None)
    assert next_required_action(org).due == date(2026, 11, 30)


@pytest.mark.parametrize("stage", [Stage.GRADUATED, Stage.WITHDRAWN, Stage.DEREGISTERED])
def test_it_asks_nothing_of_an_organization_that_left(db, stage):
    org = org_in(stage, term_start=date(2021, 3, 1), term_end=date(2026, 3, 1))
    assert org.stage == stage
    assert next_required_action(org) is None
    assert blocking_reasons(org, "grant") == [f"has left the hub ({Stage(stage).label})"]


def test_it_takes_today_from_the_frozen_clock_or_an_argument(db):
    org = org_in(Stage.MANAGEMENT, term_start=date(2022, 6, 1), term_end=date(2027, 1, 1))
    assert next_required_action(org) == NextAction("Next re-election", date(2027, 1, 1))
    action = next_required_action(org, today=date(2026, 10, 1))
    assert action.label == "Re-elect the council (term ends Jan. 1, 2027)"


# --- term_due ------------------------------------------------------------------------------------


def test_term_due_is_the_term_end_or_the_approved_extension(db):
    org = org_in(Stage.MANAGEMENT)
    assert term_due(org) is None
    org = org_in(Stage.MANAGEMENT, term_start=date(2021, 9, 1), term_end=date(2026, 8, 31))
    assert term_due(org) == date(2026, 8, 31)
    services.term_extend(organization=org, until=date(2027, 2, 28), actor=None, reason="延期")
    org.refresh_from_db()
    assert term_due(org) == date(2027, 2, 28)


def test_a_re_election_clears_the_extension(db):
    org = org_in(Stage.MANAGEMENT, term_start=date(2021, 9, 1), term_end=date(2026, 8, 31))
    services.term_extend(organization=org, until=date(2027, 2, 28), actor=None, reason="延期")
    services.organization_change_stage(organization=org, to_stage="re_election", actor=None)
    services.re_election_complete(
        organization=org,
        term_start=date(2026, 3, 1),
        term_end=date(2031, 2, 28),
        actor=None,
        evidence={"party_prereview_passed": True},
    )
    org.refresh_from_db()
    assert (org.term_extended_until, term_due(org)) == (None, date(2031, 2, 28))


# --- graduation_unmet ----------------------------------------------------------------------------


def ready(agreement_on=date(2025, 2, 10)):
    org = incubate(org_in(Stage.MANAGEMENT), agreement_on)
    services.organization_confirm_independence(organization=org, actor=None)
    org.refresh_from_db()
    return org


def test_it_finds_nothing_unmet_for_a_ready_organization(db):
    assert graduation_unmet(ready()) == []


def test_it_lists_each_unmet_graduation_criterion(db):
    org = incubate(org_in(Stage.MANAGEMENT, reviewed=None), date(2025, 2, 11))
    assert graduation_unmet(org) == [
        "incubated for less than 12 months (possible from Feb. 11, 2026)",
        "the last annual review is not 'passed'",
        "staff have not confirmed independent operation",
    ]
    # Twelve months to the day is enough.
    assert graduation_unmet(org, today=date(2026, 2, 11)) == [
        "the last annual review is not 'passed'",
        "staff have not confirmed independent operation",
    ]


def test_it_wants_an_organization_being_incubated(db):
    org = org_in(Stage.MANAGEMENT)
    services.organization_confirm_independence(organization=org, actor=None)
    org.refresh_from_db()
    assert graduation_unmet(org) == [
        "the organization is not being incubated",
        "no incubation agreement date is recorded",
    ]


def test_the_graduation_criteria_follow_the_configured_rules(db, settings):
    org = incubate(org_in(Stage.MANAGEMENT, reviewed=None), date(2025, 9, 1))
    settings.INCUBATION_RULES = {
        "graduation_min_months": 5,
        "graduation_requires_passed_review": False,
        "graduation_requires_independence": False,
        "not_a_rule": 1,
    }
    assert graduation_unmet(org) == []
    settings.INCUBATION_RULES = {"graduation_min_months": 6}
    assert graduation_unmet(org)[0] == (
        "incubated for less than 6 months (possible from March 1, 2026)"
    )


# --- Scoping and the timeline ---------------------------------------------------------------------


def test_organizations_for_a_user_are_scoped(tenant, outsider_tenant):
    assert set(organizations_for(tenant.community_staff)) == {tenant.org}
    assert set(organizations_for(tenant.street_admin)) == {tenant.org, tenant.other_org}
    assert not set(organizations_for(outsider_tenant.street_admin)) & {tenant.org}


def test_the_timeline_shows_the_newest_event_first(db):
    # The clock is frozen, so equal times fall back to the newest row first.
    org = org_in(Stage.MANAGEMENT)
    timeline = [(event.kind, event.to_value) for event in organization_timeline(org)]
    assert timeline == [
        ("stage_changed", "management"),
        ("stage_changed", "onboarding"),
        ("annual_review_result", "passed"),
    ]
