import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from partybuilding.models import PartyActivity, PartyCoverage, PartyMember, PartyOrganization
from reporting.selectors import headline_figures, trend_figures
from tests.factories import OrganizationFactory, RegisteredOrganizationFactory


def party_tree(tenant):
    top = PartyOrganization.objects.create(street=tenant.street, kind="committee", name="党委")
    middle = PartyOrganization.objects.create(
        street=tenant.street, kind="general_branch", name="总支", parent=top
    )
    branch = PartyOrganization.objects.create(
        street=tenant.street,
        kind="branch",
        name="支部",
        parent=middle,
        establishment="joint",
        community=tenant.community,
    )
    return branch


@time_machine.travel("2026-11-28 10:00 +0800")
def test_it_counts_a_hand_made_street(tenant, outsider_tenant):
    RegisteredOrganizationFactory(community=tenant.community, grade="4A", stage="management")
    branch = party_tree(tenant)
    PartyCoverage.objects.create(
        branch=branch, organization=tenant.org, liaison="李", started_on=date(2025, 1, 1)
    )
    PartyMember.objects.create(
        name="赵一",
        sex="F",
        birth_date=date(1949, 12, 31),
        id_number="11010519491231002X",
        branch=branch,
        status="full",
        joined_on=date(2000, 7, 1),
        organization=tenant.org,
    )
    PartyActivity.objects.create(branch=branch, kind="theme_day", date=date(2026, 3, 5), title="a")
    PartyActivity.objects.create(branch=branch, kind="theme_day", date=date(2025, 3, 5), title="b")

    figures = headline_figures(street=tenant.street)

    assert figures["organizations_total"] == 3
    assert figures["organizations_by_stage"]["registration"] == 2
    assert figures["organizations_by_stage"]["management"] == 1
    assert figures["organizations_by_legal_status"] == {
        "social_group": 1,
        "private_non_enterprise": 0,
        "foundation": 0,
        "filed": 2,
    }
    assert figures["organizations_4a_or_above"] == 1
    assert (figures["party_committees"], figures["party_general_branches"]) == (1, 1)
    assert figures["party_branches"] == 1
    assert figures["party_members"] == 1
    assert figures["organization_coverage_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert figures["work_coverage_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert figures["party_activities_this_year"] == 1
    # The other street is not counted.
    assert headline_figures(street=outsider_tenant.street)["party_members"] == 0


@time_machine.travel("2026-11-28 10:00 +0800")
def test_it_breaks_organizations_down_and_draws_trends(tenant, outsider_tenant):
    RegisteredOrganizationFactory(
        community=tenant.community, grade="5A", growth_level="hub_org", founded_on=date(2024, 6, 1)
    )
    RegisteredOrganizationFactory(community=tenant.other_community, founded_on=date(2019, 6, 1))
    branch = party_tree(tenant)
    for day in (date(2026, 1, 5), date(2026, 1, 25), date(2026, 11, 2), date(2024, 5, 1)):
        PartyActivity.objects.create(branch=branch, kind="theme_day", date=day, title="x")
    # Planned for next month: not yet an activity held this year.
    PartyActivity.objects.create(
        branch=branch, kind="theme_day", date=date(2026, 12, 25), title="y"
    )

    figures = headline_figures(street=tenant.street)
    assert figures["organizations_by_grade"]["5A"] == 1
    assert figures["organizations_by_grade"]["ungraded"] == 3
    assert figures["organizations_by_growth_level"]["hub_org"] == 1
    assert figures["organizations_by_community"] == {"a一社区": 2, "a二社区": 2}

    trends = trend_figures(street=tenant.street)
    assert trends["party_activities_by_month"][1] == 2
    assert trends["party_activities_by_month"][11] == 1
    assert trends["party_activities_by_month"][12] == 0
    assert trends["party_activities_by_year"] == {2022: 0, 2023: 0, 2024: 1, 2025: 0, 2026: 3}
    assert trends["organizations_founded_by_year"][2024] == 1
    assert 2019 not in trends["organizations_founded_by_year"]
    assert trend_figures(street=outsider_tenant.street)["party_activities_by_year"][2026] == 0


def test_the_json_writes_money_as_yuan_strings_and_narrows_the_foundation(tenant, capsys):
    from funding.services.foundation import council_unit_add, donation_record, fund_create

    fund = fund_create(
        street=tenant.street,
        name="基金会",
        seed_capital=Decimal("2000000"),
        actor=tenant.street_admin,
    )
    donation_record(
        fund=fund,
        donor="某企业",
        amount=Decimal("1234.5"),
        received_on=date(2026, 3, 1),
        receipt_number="R-1",
        actor=tenant.street_admin,
    )
    council_unit_add(fund=fund, name="理事单位甲", actor=tenant.street_admin)
    call_command("stats", "--json", "--street", tenant.street.code)
    figures = json.loads(capsys.readouterr().out)
    assert figures["foundation_raised"] == "1234.50"
    assert figures["foundation_balance"] == "2001234.50"
    assert figures["grant_amount_awarded"] == "0.00"
    assert figures["foundation_council_units"] == 1


def test_a_new_organization_changes_the_total(tenant):
    before = headline_figures(street=tenant.street)["organizations_total"]
    OrganizationFactory(community=tenant.community)
    assert headline_figures(street=tenant.street)["organizations_total"] == before + 1


def test_the_query_count_does_not_grow_with_rows(tenant, count_queries):
    with count_queries() as few:
        headline_figures(street=tenant.street)
    for _ in range(20):
        OrganizationFactory(community=tenant.community)
    with count_queries() as many:
        headline_figures(street=tenant.street)
    assert few.count == many.count, many.dump()


def test_the_command_prints_json_narrowed_to_a_community(tenant, capsys):
    call_command(
        "stats", "--json", "--street", tenant.street.code, "--community", tenant.community.code
    )
    figures = json.loads(capsys.readouterr().out)
    assert figures["organizations_total"] == 1
    assert set(figures["organizations_by_stage"]) == {
        "registration",
        "onboarding",
        "management",
        "annual_review",
        "re_election",
        "awards",
    }


@time_machine.travel("2026-11-28 10:00 +0800")
def test_the_demo_reproduces_the_published_figures(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    figures = headline_figures()
    assert figures["organizations_total"] == 477
    assert figures["paired_grassroots_organizations"] == 138
    assert (figures["party_committees"], figures["party_general_branches"]) == (1, 6)
    assert figures["party_branches"] == 36
    assert figures["party_members"] == 326
    assert figures["leaders_serving_as_secretaries"] == 23
    assert figures["members_developed"] == 35
    assert figures["party_activities_this_year"] >= 300
    assert figures["grant_projects_funded"] == 130
    assert figures["foundation_council_units"] == 14
    assert Decimal("2400000") <= figures["foundation_raised"] <= Decimal("2600000")
    # 凯益集市: 850 micro-wishes, 340 matched projects, more than 15 million yuan drawn in,
    # each from records (a confirmed wish, a matched project, a line of a funds ledger).
    assert figures["wishes_fulfilled"] == 850
    assert figures["projects_matched"] == 340
    assert Decimal("15000000") < figures["social_funds_raised"] <= Decimal("15360000")
    assert figures["needs_listed"] >= 345 and figures["resources_listed"] >= 90
