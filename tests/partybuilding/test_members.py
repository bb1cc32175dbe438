"""Member services: the ID number agrees with birth date and sex, branches and streets are
respected, probation follows the status, transfers keep their history, and only the right
people write."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.errors import ActionRefused
from partybuilding.choices import MemberStatus
from partybuilding.models import MemberTransfer, PartyMember
from partybuilding.services.members import (
    can_see_personal_data,
    member_create,
    member_transfer,
    member_update,
    members_bulk_create,
)
from tests.factories import OrganizationFactory
from tests.partybuilding.member_helpers import (
    BIRTH,
    make_member,
    make_tree,
    member_fields,
    resident_id,
)

TODAY = datetime.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 11, 28, 10), tick=False):
        yield


@pytest.fixture
def tree(tenant):
    return make_tree(tenant)


def create(branch, actor=None, n=1, **overrides):
    return member_create(actor=actor, **member_fields(branch, n, **overrides))


def field_errors(exc_info) -> dict:
    return {name: [e.code for e in errors] for name, errors in exc_info.value.error_dict.items()}


# --- Create -------------------------------------------------------------------------------


def test_it_creates_a_member_with_normalized_numbers(tenant, tree):
    number = resident_id(datetime.date(1975, 3, 9), "F", seq=7)
    lower_x = number.lower() if number.endswith("X") else number
    member = create(
        tree.branch,
        tenant.street_admin,
        sex="F",
        birth_date=datetime.date(1975, 3, 9),
        id_number=f" {lower_x} ",
        phone="139 1234 5678",
        organization=tenant.org,
    )

    member.refresh_from_db()
    assert member.id_number == number
    assert member.phone == "13912345678"
    assert member.organization == tenant.org
    assert member.probation_ends_on is None


def test_a_probationary_member_has_a_probation_of_one_year(tree):
    member = create(
        tree.branch, status=MemberStatus.PROBATIONARY, joined_on=datetime.date(2026, 7, 1)
    )

    assert member.probation_ends_on == datetime.date(2027, 7, 1)


def test_an_id_number_with_another_birth_date_is_refused_on_the_id_number(tree):
    fields = member_fields(tree.branch, 1)
    fields["birth_date"] = BIRTH + datetime.timedelta(days=30)

    with pytest.raises(ValidationError) as exc:
        member_create(actor=None, **fields)

    assert field_errors(exc) == {"id_number": ["resident_id_birth_date_mismatch"]}
    assert not PartyMember.objects.exists()


def test_an_id_number_of_the_other_sex_is_refused_on_the_id_number(tree):
    fields = member_fields(tree.branch, 1)  # n=1: a man
    fields["sex"] = "F"

    with pytest.raises(ValidationError) as exc:
        member_create(actor=None, **fields)

    assert field_errors(exc) == {"id_number": ["resident_id_sex_mismatch"]}


def test_a_wrong_check_character_is_refused(tree):
    fields = member_fields(tree.branch)
    number = fields["id_number"]
    fields["id_number"] = number[:17] + ("0" if number[17] != "0" else "1")

    with pytest.raises(ValidationError) as exc:
        member_create(actor=None, **fields)

    assert field_errors(exc) == {"id_number": ["resident_id_checksum"]}


def test_a_masked_id_number_is_refused(tree):
    fields = member_fields(tree.branch)
    fields["id_number"] = fields["id_number"][:6] + "********" + fields["id_number"][14:]

    with pytest.raises(ValidationError) as exc:
        member_create(actor=None, **fields)

    assert "id_number" in exc.value.error_dict


def test_a_wrong_phone_number_is_refused(tree):
    with pytest.raises(ValidationError) as exc:
        create(tree.branch, phone="12345")

    assert field_errors(exc) == {"phone": ["phone_invalid"]}


def test_a_member_belongs_to_a_branch_not_a_committee(tree):
    with pytest.raises(ValidationError) as exc:
        create(tree.committee)

    assert list(exc.value.error_dict) == ["branch"]


def test_the_organization_must_be_in_the_branchs_street(tree, outsider_tenant):
    with pytest.raises(ValidationError) as exc:
        create(tree.branch, organization=outsider_tenant.org)

    assert list(exc.value.error_dict) == ["organization"]


@pytest.mark.parametrize(
    "joined_on", [TODAY + datetime.timedelta(days=1), datetime.date(1997, 1, 1)]
)
def test_a_joining_date_in_the_future_or_before_18_is_refused(tree, joined_on):
    with pytest.raises(ValidationError) as exc:
        create(tree.branch, joined_on=joined_on)

    assert list(exc.value.error_dict) == ["joined_on"]


def test_an_id_number_is_recorded_once(tree):
    create(tree.branch, n=1)

    with pytest.raises(ValidationError) as exc:
        create(tree.other_branch, n=1)

    assert "id_number" in exc.value.error_dict
    assert PartyMember.objects.count() == 1


# --- Who may write ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["street_admin", "party_worker_of_branch", "worker_above"])
def test_it_lets_street_staff_and_linked_party_workers_add_members(tenant, tree, role):
    actor = tenant.street_admin if role == "street_admin" else tenant.party_worker
    if role == "party_worker_of_branch":
        tree.branch.worker_accounts.add(tenant.party_worker)
    elif role == "worker_above":
        tree.committee.worker_accounts.add(tenant.party_worker)

    assert create(tree.branch, actor).pk


@pytest.mark.parametrize("role", ["community_staff", "party_worker", "leader", "evaluator"])
def test_it_refuses_everyone_else_of_the_street(tenant, tree, role):
    tree.other_branch.worker_accounts.add(tenant.party_worker)  # another branch

    with pytest.raises(ActionRefused):
        create(tree.branch, getattr(tenant, role))

    assert not PartyMember.objects.exists()


def test_it_refuses_street_staff_of_another_street(tree, outsider_tenant):
    with pytest.raises(ActionRefused):
        create(tree.branch, outsider_tenant.street_admin)


def test_a_worker_of_a_general_branch_does_not_manage_a_branch_beside_it(tenant, tree):
    tree.general_branch.worker_accounts.add(tenant.party_worker)

    assert create(tree.other_branch, tenant.party_worker, n=1).pk
    with pytest.raises(ActionRefused):
        create(tree.branch, tenant.party_worker, n=2)


def test_it_lets_a_superuser_add_members(tree, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-x-12345")

    assert create(tree.branch, root).pk


def test_only_street_staff_see_personal_data(tenant, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-x-12345")

    assert can_see_personal_data(tenant.street_admin)
    assert can_see_personal_data(root)
    for user in (tenant.community_staff, tenant.party_worker, tenant.leader):
        assert not can_see_personal_data(user)


# --- Update -------------------------------------------------------------------------------


def test_it_updates_fields_and_normalizes_them(tenant, tree):
    member = make_member(tree.branch)

    updated = member_update(
        member=member,
        actor=tenant.street_admin,
        phone="0571 8600 1234",
        posts="组织委员",
        organization=tenant.org,
    )

    member.refresh_from_db()
    assert (member.phone, member.posts, member.organization) == (
        "0571-86001234",
        "组织委员",
        tenant.org,
    )
    assert updated.phone == member.phone


def test_the_branch_changes_only_by_a_transfer(tenant, tree):
    member = make_member(tree.branch)

    with pytest.raises(TypeError):
        member_update(member=member, actor=None, branch=tree.other_branch)


def test_a_change_of_status_sets_the_probation_again(tree):
    member = make_member(
        tree.branch, status=MemberStatus.PROBATIONARY, joined_on=datetime.date(2025, 12, 1)
    )

    member_update(member=member, actor=None, status=MemberStatus.FULL)

    member.refresh_from_db()
    assert member.probation_ends_on is None


def test_an_unrelated_edit_keeps_an_extended_probation(tree):
    extended = datetime.date(2027, 6, 1)
    member = make_member(
        tree.branch,
        status=MemberStatus.PROBATIONARY,
        joined_on=datetime.date(2025, 6, 1),
        probation_ends_on=extended,
    )

    member_update(member=member, actor=None, posts="宣传委员")

    member.refresh_from_db()
    assert member.probation_ends_on == extended


def test_a_birth_date_that_disagrees_with_the_stored_id_number_is_refused(tree):
    member = make_member(tree.branch)

    with pytest.raises(ValidationError) as exc:
        member_update(member=member, actor=None, birth_date=datetime.date(1990, 1, 1))

    assert field_errors(exc) == {"id_number": ["resident_id_birth_date_mismatch"]}
    member.refresh_from_db()
    assert member.birth_date != datetime.date(1990, 1, 1)


def test_an_update_needs_the_right_to_manage_the_branch(tenant, tree):
    member = make_member(tree.branch)

    with pytest.raises(ActionRefused):
        member_update(member=member, actor=tenant.community_staff, posts="x")


# --- Transfer -----------------------------------------------------------------------------


def test_a_transfer_moves_the_member_and_keeps_the_history(tenant, tree):
    member = make_member(tree.branch)

    record = member_transfer(
        member=member,
        to_branch=tree.other_branch,
        on=datetime.date(2026, 11, 1),
        actor=tenant.street_admin,
        note="工作调动",
    )

    member.refresh_from_db()
    assert member.branch == tree.other_branch
    assert MemberTransfer.objects.get() == record
    assert (record.from_branch, record.to_branch, record.actor, record.note) == (
        tree.branch,
        tree.other_branch,
        tenant.street_admin,
        "工作调动",
    )
    assert record.transferred_on == datetime.date(2026, 11, 1)


def test_transferring_to_the_same_branch_changes_nothing(tenant, tree):
    member = make_member(tree.branch)

    assert member_transfer(member=member, to_branch=tree.branch, on=TODAY, actor=None) is None
    assert not MemberTransfer.objects.exists()


def test_two_transfers_make_two_history_rows(tree):
    member = make_member(tree.branch)
    member_transfer(member=member, to_branch=tree.other_branch, on=TODAY, actor=None)
    member_transfer(member=member, to_branch=tree.branch, on=TODAY, actor=None)

    assert [(t.from_branch, t.to_branch) for t in MemberTransfer.objects.order_by("pk")] == [
        (tree.branch, tree.other_branch),
        (tree.other_branch, tree.branch),
    ]


def test_a_transfer_to_another_street_is_refused_with_the_reason(tree, outsider_tenant):
    member = make_member(tree.branch)
    elsewhere = make_tree(outsider_tenant).branch

    with pytest.raises(ActionRefused) as exc:
        member_transfer(member=member, to_branch=elsewhere, on=TODAY, actor=None)

    assert elsewhere.name in exc.value.message
    member.refresh_from_db()
    assert member.branch == tree.branch
    assert not MemberTransfer.objects.exists()


def test_a_transfer_to_a_committee_is_refused(tree):
    member = make_member(tree.branch)

    with pytest.raises(ValidationError) as exc:
        member_transfer(member=member, to_branch=tree.committee, on=TODAY, actor=None)

    assert list(exc.value.error_dict) == ["to_branch"]


@pytest.mark.parametrize(
    "on", [TODAY + datetime.timedelta(days=1), datetime.date(2009, 12, 31)], ids=["future", "early"]
)
def test_a_transfer_date_in_the_future_or_before_joining_is_refused(tree, on):
    member = make_member(tree.branch)  # joined 2010-07-01

    with pytest.raises(ValidationError) as exc:
        member_transfer(member=member, to_branch=tree.other_branch, on=on, actor=None)

    assert list(exc.value.error_dict) == ["on"]


def test_a_transfer_cannot_be_dated_before_the_last_one(tree):
    member = make_member(tree.branch)
    member_transfer(member=member, to_branch=tree.other_branch, on=TODAY, actor=None)

    with pytest.raises(ValidationError):
        member_transfer(
            member=member, to_branch=tree.branch, on=datetime.date(2026, 1, 1), actor=None
        )


def test_the_secretary_is_not_transferred_until_another_is_appointed(tree):
    member = make_member(tree.branch)
    tree.branch.secretary = member
    tree.branch.save()

    with pytest.raises(ActionRefused):
        member_transfer(member=member, to_branch=tree.other_branch, on=TODAY, actor=None)


def test_a_party_worker_needs_both_branches(tenant, tree):
    tree.branch.worker_accounts.add(tenant.party_worker)
    member = make_member(tree.branch)

    with pytest.raises(ActionRefused):
        member_transfer(
            member=member, to_branch=tree.other_branch, on=TODAY, actor=tenant.party_worker
        )

    tree.committee.worker_accounts.add(tenant.party_worker)
    tree.general_branch.worker_accounts.add(tenant.party_worker)
    assert member_transfer(
        member=member, to_branch=tree.other_branch, on=TODAY, actor=tenant.party_worker
    )


# --- Bulk ---------------------------------------------------------------------------------


def test_bulk_create_sets_the_probation_and_checks_each_branch(tenant, tree):
    rows = [
        member_fields(tree.branch, 1),
        member_fields(tree.other_branch, 2, status=MemberStatus.PROBATIONARY),
    ]

    created = members_bulk_create(rows=rows, actor=tenant.street_admin)

    assert len(created) == 2
    probationary = PartyMember.objects.get(status=MemberStatus.PROBATIONARY)
    assert probationary.probation_ends_on == datetime.date(2011, 7, 1)


def test_bulk_create_writes_nothing_when_one_branch_is_not_the_actors(tenant, tree):
    tree.branch.worker_accounts.add(tenant.party_worker)
    rows = [member_fields(tree.branch, 1), member_fields(tree.other_branch, 2)]

    with pytest.raises(ActionRefused):
        members_bulk_create(rows=rows, actor=tenant.party_worker)

    assert not PartyMember.objects.exists()


def test_an_organization_of_the_branch_street_is_accepted(tenant, tree):
    org = OrganizationFactory(community=tenant.other_community)

    assert create(tree.branch, organization=org).organization == org
