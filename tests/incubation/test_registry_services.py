"""The organization registry's services: identifiers, edits with their audit rows, 1+X
pairing, credit lists, and the facts evaluation reports (年检 result, grade)."""

import datetime
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from core.errors import ActionRefused
from core.identifiers import complete_uscc
from incubation import services
from incubation.choices import CreditList, EventKind
from incubation.models import CreditListing, Organization, OrganizationEvent, Pairing
from incubation.selectors import blocking_reasons
from tests.factories import (
    CommunityFactory,
    OrganizationFactory,
    RegisteredOrganizationFactory,
    StreetFactory,
)

TODAY = date(2026, 11, 28)
NOW = datetime.datetime(2026, 11, 28, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def code(n: int, kind: str = "1") -> str:
    """A valid 统一社会信用代码 of a social organization; ``kind`` is position 2."""
    return complete_uscc(f"5{kind}330102MK{n:06d}")


def bad_checksum(valid: str) -> str:
    return valid[:-1] + ("1" if valid[-1] != "1" else "2")


def create(community, actor=None, **fields):
    fields = {
        "name": "凯旋邻里互助会",
        "legal_status": "social_group",
        "uscc": code(1),
        "community": community,
        **fields,
    }
    return services.organization_create(actor=actor, **fields)


def events(org, kind):
    return OrganizationEvent.objects.filter(organization=org, kind=kind)


# --- Identifiers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "".join(chr(ord(c) + 0xFEE0) for c in code(7)),  # full width, as IMEs type it
        f" {code(7)[:6].lower()} {code(7)[6:12].lower()}\u3000{code(7)[12:].lower()} ",
        f"{code(7)[:9]}-{code(7)[9:]}",
    ],
)
def test_it_stores_the_code_normalized(tenant, typed):
    org = create(tenant.community, uscc=typed)
    org.refresh_from_db()
    assert org.uscc == code(7)
    assert org.filing_number is None
    assert events(org, EventKind.CREATED).get().to_value == "registration"


@pytest.mark.parametrize(
    ("legal_status", "kind"),
    [("social_group", "1"), ("private_non_enterprise", "2"), ("foundation", "3")],
)
def test_it_accepts_the_type_digit_of_each_legal_status(tenant, legal_status, kind):
    org = create(tenant.community, legal_status=legal_status, uscc=code(3, kind))
    assert org.uscc[1] == kind


@pytest.mark.parametrize(
    ("legal_status", "kind"), [("social_group", "2"), ("private_non_enterprise", "3")]
)
def test_it_refuses_a_code_whose_type_digit_contradicts_the_legal_status(
    tenant, legal_status, kind
):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        create(tenant.community, legal_status=legal_status, uscc=code(3, kind))
    assert list(exc.value.message_dict) == ["uscc"]
    assert f"Position 2 is {kind}" in exc.value.message_dict["uscc"][0]
    assert not Organization.objects.filter(name="凯旋邻里互助会").exists()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"legal_status": "filed", "filing_number": "KX-001"}, "uscc"),
        ({"legal_status": "filed", "uscc": None}, "filing_number"),
        ({"filing_number": "KX-001"}, "filing_number"),
        ({"uscc": ""}, "uscc"),
        ({"uscc": "51330102MK00000"}, "uscc"),  # too short
    ],
)
def test_it_keeps_one_identifier_per_legal_status(tenant, fields, error_field):
    with pytest.raises(ValidationError) as exc:
        create(tenant.community, **fields)
    assert error_field in exc.value.message_dict
    assert not Organization.objects.filter(community=tenant.community, name="凯旋邻里互助会")


def test_it_normalizes_a_filing_number(tenant):
    org = create(
        tenant.community, legal_status="filed", uscc=None, filing_number="凯民备〔2021〕３号"
    )
    assert (org.uscc, org.filing_number) == (None, "凯民备(2021)3号")


@pytest.mark.parametrize(
    ("legal_status", "uscc", "filing_number"),
    [
        ("filed", code(5), None),
        ("filed", code(5), "KX-005"),
        ("filed", None, None),
        ("social_group", None, "KX-005"),
        ("social_group", code(5), "KX-005"),
        ("social_group", None, None),
    ],
)
def test_the_database_refuses_a_wrong_identifier_even_past_the_service(
    tenant, legal_status, uscc, filing_number
):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(
            name="绕过服务",
            community=tenant.community,
            legal_status=legal_status,
            uscc=uscc,
            filing_number=filing_number,
        )


def test_it_refuses_a_code_already_registered(tenant):
    create(tenant.community)
    with pytest.raises(ValidationError) as exc:
        create(tenant.other_community)
    assert "uscc" in exc.value.message_dict


def test_it_refuses_a_failed_checksum_without_an_exemption(tenant):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        create(tenant.community, uscc=bad_checksum(code(9)))
    assert "position 18" in exc.value.message_dict["uscc"][0]


def test_it_accepts_a_failed_checksum_exempted_by_street_staff_with_a_reason(tenant):
    org = create(
        tenant.community,
        actor=tenant.street_admin,
        uscc=bad_checksum(code(9)),
        uscc_checksum_exempt=True,
        exempt_reason=" 2015年试点代码,民政局已确认 ",
    )
    org.refresh_from_db()
    assert org.uscc == bad_checksum(code(9)) and org.uscc_checksum_exempt
    assert org.uscc_exempt_reason == "2015年试点代码,民政局已确认"
    exempted = events(org, EventKind.CODE_EXEMPTED).get()
    assert (exempted.actor, exempted.to_value) == (tenant.street_admin, org.uscc)
    assert "2015年试点代码" in exempted.note


def test_it_requires_a_reason_for_the_exemption(tenant):
    with pytest.raises(ValidationError) as exc:
        create(
            tenant.community,
            actor=tenant.street_admin,
            uscc=bad_checksum(code(9)),
            uscc_checksum_exempt=True,
            exempt_reason="  ",
        )
    assert "uscc" in exc.value.message_dict


def test_it_refuses_the_exemption_to_community_staff(tenant):
    with pytest.raises(ActionRefused):
        create(
            tenant.community,
            actor=tenant.community_staff,
            uscc=bad_checksum(code(9)),
            uscc_checksum_exempt=True,
            exempt_reason="试点代码",
        )
    assert not Organization.objects.filter(uscc=bad_checksum(code(9))).exists()


def test_the_exemption_still_checks_the_type_digit(tenant):
    with pytest.raises(ValidationError):
        create(
            tenant.community,
            actor=tenant.street_admin,
            uscc=bad_checksum(code(9, "2")),
            uscc_checksum_exempt=True,
            exempt_reason="试点代码",
        )


def test_it_exempts_an_existing_code_once_by_street_staff_only(tenant, outsider_tenant):
    org = RegisteredOrganizationFactory(community=tenant.community)
    for actor in (tenant.community_staff, outsider_tenant.street_admin):
        with pytest.raises(ActionRefused):
            services.organization_exempt_checksum(organization=org, reason="试点", actor=actor)
    with pytest.raises(ValidationError):
        services.organization_exempt_checksum(
            organization=org, reason=" ", actor=tenant.street_admin
        )
    for _ in range(2):
        services.organization_exempt_checksum(
            organization=org, reason="试点", actor=tenant.street_admin
        )
    org.refresh_from_db()
    assert org.uscc_checksum_exempt and org.uscc_exempt_reason == "试点"
    assert events(org, EventKind.CODE_EXEMPTED).count() == 1


def test_it_refuses_a_founding_date_in_the_future(tenant):
    with pytest.raises(ValidationError) as exc:
        create(tenant.community, founded_on=date(2026, 11, 29))
    assert list(exc.value.message_dict) == ["founded_on"]
    assert create(tenant.community, founded_on=TODAY).founded_on == TODAY


def test_it_lets_staff_create_only_in_their_area(tenant):
    org = create(tenant.community, actor=tenant.community_staff)
    assert events(org, EventKind.CREATED).get().actor == tenant.community_staff
    for actor, community in [
        (tenant.community_staff, tenant.other_community),
        (tenant.leader, tenant.community),
    ]:
        with pytest.raises(ActionRefused):
            create(community, actor=actor, name="另一个组织", uscc=code(2))
    assert not Organization.objects.filter(name="另一个组织").exists()


# --- Edits and their audit rows ----------------------------------------------------------------


def test_it_records_only_the_fields_that_changed(tenant):
    org = RegisteredOrganizationFactory(community=tenant.community, address="")
    services.organization_update(
        organization=org,
        actor=tenant.community_staff,
        name=org.name,
        address="凯旋路 188 号",
        founded_on=date(2019, 5, 4),
        leader_name=org.leader_name,
    )
    event = events(org, EventKind.UPDATED).get()
    assert event.actor == tenant.community_staff
    assert event.evidence == {
        "changed": {"address": ["", "凯旋路 188 号"], "founded_on": [None, "2019-05-04"]}
    }
    org.refresh_from_db()
    assert org.address == "凯旋路 188 号"


def test_it_writes_nothing_for_an_update_that_changes_nothing(tenant):
    org = RegisteredOrganizationFactory(community=tenant.community)
    updated_at = org.updated_at
    retyped = " ".join([org.uscc[:9].lower(), org.uscc[9:].lower()])
    services.organization_update(
        organization=org, actor=tenant.street_admin, name=org.name, uscc=retyped
    )
    assert not events(org, EventKind.UPDATED).exists()
    org.refresh_from_db()
    assert org.updated_at == updated_at


def test_it_records_a_new_code_normalized(tenant):
    org = RegisteredOrganizationFactory(community=tenant.community)
    old = org.uscc
    services.organization_update(organization=org, actor=None, uscc=code(11).lower())
    org.refresh_from_db()
    assert org.uscc == code(11)
    assert events(org, EventKind.UPDATED).get().evidence == {"changed": {"uscc": [old, code(11)]}}


def test_it_upgrades_a_filed_organization_to_registered_keeping_its_history(tenant):
    org = tenant.org  # filed
    services.organization_update(
        organization=org,
        actor=tenant.street_admin,
        legal_status="social_group",
        uscc=code(12),
        filing_number=None,
    )
    org.refresh_from_db()
    assert (org.legal_status, org.uscc, org.filing_number) == ("social_group", code(12), None)
    changed = events(org, EventKind.UPDATED).get().evidence["changed"]
    assert set(changed) == {"legal_status", "uscc", "filing_number"}
    assert changed["filing_number"][1] is None


def test_it_saves_nothing_when_an_update_is_invalid(tenant):
    org = RegisteredOrganizationFactory(community=tenant.community)
    with pytest.raises(ValidationError):
        services.organization_update(
            organization=org, actor=None, name="新名字", uscc=code(13, "3")
        )
    org.refresh_from_db()
    assert org.name != "新名字"
    assert not events(org, EventKind.UPDATED).exists()


def test_it_refuses_edits_outside_the_actor_area(tenant):
    mine = RegisteredOrganizationFactory(community=tenant.community)
    theirs = RegisteredOrganizationFactory(community=tenant.other_community)
    with pytest.raises(ActionRefused):
        services.organization_update(organization=mine, actor=tenant.leader, name="改名")
    with pytest.raises(ActionRefused):
        services.organization_update(organization=theirs, actor=tenant.community_staff, name="改名")
    with pytest.raises(ActionRefused):  # moving one's own organization out of the area
        services.organization_update(
            organization=mine, actor=tenant.community_staff, community=tenant.other_community
        )
    mine.refresh_from_db()
    assert mine.community == tenant.community
    assert not OrganizationEvent.objects.filter(kind=EventKind.UPDATED).exists()


def test_it_keeps_the_lifecycle_out_of_plain_edits(tenant):
    with pytest.raises(TypeError):
        services.organization_update(organization=tenant.org, actor=None, stage="management")


def test_it_lets_a_leader_update_their_contact_details(tenant):
    org = RegisteredOrganizationFactory(community=tenant.community)
    org.leader_accounts.add(tenant.leader)
    services.organization_update_contact(
        organization=org, actor=tenant.leader, leader_phone="+86 139-0000-1111", address="新地址"
    )
    org.refresh_from_db()
    assert (org.leader_phone, org.address) == ("13900001111", "新地址")
    event = events(org, EventKind.UPDATED).get()
    assert event.actor == tenant.leader
    assert event.evidence == {"changed": ["address", "leader_phone"]}

    services.organization_update_contact(
        organization=org, actor=tenant.leader, leader_phone="139 0000 1111"
    )
    assert events(org, EventKind.UPDATED).count() == 1  # the same number, typed differently

    services.organization_update_contact(
        organization=org, actor=tenant.leader, leader_phone="057186001234"
    )
    org.refresh_from_db()
    assert org.leader_phone == "0571-86001234"


def test_it_refuses_an_invalid_phone(tenant):
    org = RegisteredOrganizationFactory(community=tenant.community)
    org.leader_accounts.add(tenant.leader)
    with pytest.raises(ValidationError) as exc:
        services.organization_update_contact(
            organization=org, actor=tenant.leader, leader_phone="12345"
        )
    assert list(exc.value.message_dict) == ["leader_phone"]
    org.refresh_from_db()
    assert org.leader_phone == "13812345678"


def test_it_refuses_the_contact_edit_to_a_leader_of_another_organization(tenant):
    with pytest.raises(ActionRefused):
        services.organization_update_contact(
            organization=tenant.other_org, actor=tenant.leader, address="别人的地址"
        )
    with pytest.raises(TypeError):  # a leader edits contact details only
        services.organization_update_contact(organization=tenant.org, actor=tenant.leader, name="x")
    tenant.other_org.refresh_from_db()
    assert tenant.other_org.address == ""


# --- 1+X pairing -------------------------------------------------------------------------------


def pair(mentor, mentee, actor):
    return services.pairing_create(mentor=mentor, mentee=mentee, started_on=TODAY, actor=actor)


@pytest.fixture
def hub(tenant):
    return OrganizationFactory(community=tenant.community, growth_level="hub_org")


def test_it_pairs_a_hub_organization_with_a_grassroots_one(tenant, hub):
    pairing = pair(hub, tenant.other_org, tenant.street_admin)
    assert (pairing.mentor, pairing.mentee, pairing.ended_on) == (hub, tenant.other_org, None)
    assert events(tenant.other_org, EventKind.PAIRED).get().to_value == hub.name


@pytest.mark.parametrize(("grade", "allowed"), [("4A", True), ("5A", True), ("3A", False)])
def test_it_accepts_a_graded_mentor_from_4a(tenant, grade, allowed):
    mentor = OrganizationFactory(community=tenant.community, grade=grade)
    if allowed:
        assert pair(mentor, tenant.org, None).mentor == mentor
    else:
        with translation.override("en"), pytest.raises(ActionRefused) as exc:
            pair(mentor, tenant.org, None)
        assert exc.value.missing == ["the mentor must be a hub organization or graded 4A or above"]


def test_it_refuses_a_mentee_that_is_not_grassroots(tenant, hub):
    other_hub = OrganizationFactory(community=tenant.community, growth_level="hub_org")
    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        pair(hub, other_hub, None)
    assert exc.value.missing == ["the mentee must be a grassroots organization"]


def test_it_refuses_a_pairing_across_streets(tenant, hub):
    far = OrganizationFactory(community=CommunityFactory(street=StreetFactory()))
    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        pair(hub, far, None)
    assert exc.value.missing == ["mentor and mentee must belong to the same street"]


def test_it_refuses_a_second_active_mentor(tenant, hub):
    first = pair(hub, tenant.org, None)
    second_hub = OrganizationFactory(community=tenant.community, growth_level="hub_org")
    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        pair(second_hub, tenant.org, None)
    assert exc.value.missing == ["the mentee already has a mentor"]
    services.pairing_end(pairing=first, ended_on=TODAY, actor=None)
    assert pair(second_hub, tenant.org, None).mentor == second_hub
    assert Pairing.objects.active().filter(mentee=tenant.org).count() == 1


def test_it_refuses_self_pairing(tenant, hub):
    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        pair(hub, hub, None)
    assert "an organization cannot mentor itself" in exc.value.missing
    assert not Pairing.objects.exists()


def test_it_leaves_pairing_to_street_staff_of_the_street(tenant, outsider_tenant, hub):
    for actor in (tenant.community_staff, tenant.leader, outsider_tenant.street_admin):
        with pytest.raises(ActionRefused):
            pair(hub, tenant.org, actor)
    assert not Pairing.objects.exists()


# --- Credit lists ---------------------------------------------------------------------------


def list_org(org, listed_on=TODAY, actor=None, list_kind=CreditList.ABNORMAL):
    return services.credit_list_add(
        organization=org,
        list_kind=list_kind,
        ground="late_annual_report",
        listed_on=listed_on,
        actor=actor,
    )


@pytest.mark.parametrize("purpose", ["grant", "evaluation", "award"])
def test_an_active_listing_blocks_every_purpose_until_cleared(tenant, purpose):
    org = RegisteredOrganizationFactory(community=tenant.community)
    assert blocking_reasons(org, purpose) == []
    listing = list_org(org, date(2026, 3, 1), actor=tenant.street_admin)

    with translation.override("en"):
        reasons = blocking_reasons(org, purpose)
    assert len(reasons) == 1
    assert "List of abnormal activities" in reasons[0] and "March 1, 2026" in reasons[0]

    services.credit_list_clear(listing=listing, cleared_on=TODAY, actor=tenant.street_admin)
    services.credit_list_clear(listing=listing, cleared_on=TODAY, actor=tenant.street_admin)
    assert blocking_reasons(org, purpose) == []
    assert events(org, EventKind.CREDIT_LISTED).count() == 1
    assert events(org, EventKind.CREDIT_CLEARED).count() == 1


def test_a_failed_annual_review_blocks_evaluation_and_awards_but_not_grants(db):
    org = services.organization_record_annual_review(
        organization=RegisteredOrganizationFactory(), year=2025, result="failed", actor=None
    )
    with translation.override("en"):
        assert blocking_reasons(org, "evaluation") == ["failed the annual review of 2025"]
        assert blocking_reasons(org, "award") == ["failed the annual review of 2025"]
    assert blocking_reasons(org, "grant") == []
    with pytest.raises(ValueError):
        blocking_reasons(org, "party")


def test_it_leaves_credit_lists_to_street_staff_of_the_street(tenant, outsider_tenant):
    org = RegisteredOrganizationFactory(community=tenant.community)
    for actor in (tenant.community_staff, outsider_tenant.street_admin):
        with pytest.raises(ActionRefused):
            list_org(org, actor=actor)
    listing = list_org(org)
    with pytest.raises(ActionRefused):
        services.credit_list_clear(listing=listing, cleared_on=TODAY, actor=tenant.community_staff)
    with pytest.raises(ValidationError):  # cleared before it was listed
        services.credit_list_clear(listing=listing, cleared_on=date(2026, 1, 1), actor=None)
    assert CreditListing.objects.active().count() == 1


def test_it_escalates_an_abnormal_listing_after_two_years_exactly_once(db):
    org = RegisteredOrganizationFactory()
    old = list_org(org, date(2024, 11, 28))
    list_org(RegisteredOrganizationFactory(), date(2024, 11, 29))  # one day short
    cleared = list_org(RegisteredOrganizationFactory(), date(2023, 1, 1))
    services.credit_list_clear(listing=cleared, cleared_on=date(2024, 1, 1), actor=None)

    assert services.credit_escalate_due() == 1
    assert services.credit_escalate_due() == 0  # the doubled beat run

    serious = CreditListing.objects.get(list_kind=CreditList.SERIOUS)
    assert (serious.organization, serious.escalated_from) == (org, old)
    assert (serious.ground, serious.listed_on) == ("two_years_abnormal", TODAY)
    assert len(blocking_reasons(org, "grant")) == 2


# --- Facts reported by evaluation -------------------------------------------------------------


def test_it_keeps_the_latest_annual_review_result(tenant):
    org = RegisteredOrganizationFactory(community=tenant.community)
    record = services.organization_record_annual_review
    record(organization=org, year=2025, result="basically_passed", actor=tenant.street_admin)
    record(organization=org, year=2024, result="failed", actor=None)  # older: ignored
    org.refresh_from_db()
    assert (org.last_annual_review_year, org.last_annual_review_result) == (
        2025,
        "basically_passed",
    )
    record(organization=org, year=2025, result="passed", actor=None)
    org.refresh_from_db()
    assert org.last_annual_review_result == "passed"
    recorded = events(org, EventKind.ANNUAL_REVIEW_RESULT).order_by("pk")
    assert [(e.from_value, e.to_value, e.evidence) for e in recorded] == [
        ("", "basically_passed", {"year": 2025}),
        ("basically_passed", "passed", {"year": 2025}),
    ]
    with pytest.raises(ValueError):
        record(organization=org, year=2026, result="合格", actor=None)


def test_it_sets_a_grade_valid_for_five_years(tenant):
    org = RegisteredOrganizationFactory(community=tenant.community)
    services.organization_set_grade(
        organization=org, grade="4A", awarded_on=date(2024, 2, 29), actor=tenant.street_admin
    )
    org.refresh_from_db()
    assert (org.grade, org.grade_valid_until) == ("4A", date(2029, 2, 28))
    event = events(org, EventKind.GRADE_SET).get()
    assert (event.from_value, event.to_value, event.actor) == ("", "4A", tenant.street_admin)

    services.organization_set_grade(organization=org, grade="", awarded_on=TODAY, actor=None)
    org.refresh_from_db()
    assert (org.grade, org.grade_valid_until) == ("", None)


def test_it_refuses_an_unknown_grade_or_an_actor_outside_the_street(tenant, outsider_tenant):
    org = RegisteredOrganizationFactory(community=tenant.community)
    with pytest.raises(ValidationError):
        services.organization_set_grade(organization=org, grade="6A", awarded_on=TODAY, actor=None)
    for actor in (tenant.community_staff, outsider_tenant.street_admin):
        with pytest.raises(ActionRefused):
            services.organization_set_grade(
                organization=org, grade="5A", awarded_on=TODAY, actor=actor
            )
    org.refresh_from_db()
    assert org.grade == ""
    assert not events(org, EventKind.GRADE_SET).exists()
