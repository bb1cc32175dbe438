"""Party-building reminders: each sent once per branch (or member) and period, on the right
days, to the branch's party workers (street staff when a branch has none)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications.models import Notification
from partybuilding import reminders
from partybuilding.choices import ActivityKind, MemberStatus
from partybuilding.models import PartyActivity
from partybuilding.tasks import send_reminders
from tests.factories import UserFactory
from tests.partybuilding.member_helpers import make_member, make_tree

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def kinds():
    # PartybuildingConfig.ready() calls this in the running platform.
    reminders.register_kinds()


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 11, 1, 8, tzinfo=SHANGHAI), tick=False) as t:
        yield t


def go_to(clock, day: datetime.date):
    clock.move_to(datetime.datetime(day.year, day.month, day.day, 8, tzinfo=SHANGHAI))


@pytest.fixture
def tree(tenant):
    tree = make_tree(tenant)
    tree.branch.worker_accounts.add(tenant.party_worker)
    return tree


def sent(kind, **filters):
    return Notification.objects.filter(kind=kind, **filters)


# --- 党员固定奉献日 -------------------------------------------------------------------------


def test_the_dedication_day_notice_goes_to_branch_workers_on_the_20th(clock, tenant, tree):
    go_to(clock, datetime.date(2026, 11, 20))

    count = reminders.send_dedication_day_notices()

    notices = sent(reminders.KIND_DEDICATION_DAY)
    assert count == 1
    assert [(n.recipient, n.key) for n in notices] == [
        (tenant.party_worker, f"branch:{tree.branch.pk}:2026-11")
    ]
    assert "/admin/partybuilding/partyorganization/" in notices[0].url


def test_the_dedication_day_notice_is_sent_once_a_month(clock, tenant, tree):
    go_to(clock, datetime.date(2026, 11, 20))
    reminders.send_dedication_day_notices()

    assert reminders.send_dedication_day_notices() == 0
    go_to(clock, datetime.date(2026, 11, 21))
    assert reminders.send_dedication_day_notices() == 0
    go_to(clock, datetime.date(2026, 12, 20))
    assert reminders.send_dedication_day_notices() == 1
    assert sent(reminders.KIND_DEDICATION_DAY).count() == 2


@pytest.mark.parametrize("day", [1, 19, 26, 30])
def test_no_dedication_day_notice_outside_the_20th_to_the_25th(clock, tenant, tree, day):
    go_to(clock, datetime.date(2026, 11, day))

    assert reminders.send_dedication_day_notices() == 0


def test_a_missed_20th_is_caught_up_before_the_25th(clock, tenant, tree):
    go_to(clock, datetime.date(2026, 11, 23))

    assert reminders.send_dedication_day_notices() == 1


def test_the_dedication_day_notice_skips_branches_without_workers(clock, tenant, tree):
    go_to(clock, datetime.date(2026, 11, 20))

    reminders.send_dedication_day_notices()

    assert not sent(reminders.KIND_DEDICATION_DAY, recipient=tenant.street_admin).exists()


def test_an_inactive_worker_gets_nothing(clock, tenant, tree):
    tenant.party_worker.is_active = False
    tenant.party_worker.save()
    go_to(clock, datetime.date(2026, 11, 20))

    assert reminders.send_dedication_day_notices() == 0


# --- 支部党员大会 each quarter --------------------------------------------------------------


def test_a_quarter_without_a_general_assembly_is_reminded_in_its_last_month(clock, tenant, tree):
    go_to(clock, datetime.date(2026, 12, 1))

    reminders.send_assembly_due_reminders()

    keys = set(sent(reminders.KIND_ASSEMBLY_DUE).values_list("recipient", "key"))
    assert (tenant.party_worker.pk, f"branch:{tree.branch.pk}:2026-Q4") in keys


def test_the_assembly_reminder_is_sent_once_a_quarter(clock, tenant, tree):
    go_to(clock, datetime.date(2026, 12, 1))
    first = reminders.send_assembly_due_reminders()

    go_to(clock, datetime.date(2026, 12, 2))
    assert reminders.send_assembly_due_reminders() == 0
    assert first == sent(reminders.KIND_ASSEMBLY_DUE).count()


def test_a_branch_that_held_its_assembly_this_quarter_is_not_reminded(clock, tenant, tree):
    PartyActivity.objects.create(
        branch=tree.branch,
        kind=ActivityKind.GENERAL_ASSEMBLY,
        date=datetime.date(2026, 10, 15),
        title="第四季度支部党员大会",
    )
    PartyActivity.objects.create(
        branch=tree.other_branch,
        kind=ActivityKind.THEME_DAY,  # not an assembly
        date=datetime.date(2026, 11, 15),
        title="主题党日",
    )
    go_to(clock, datetime.date(2026, 12, 1))

    reminders.send_assembly_due_reminders()

    reminded = {n.key for n in sent(reminders.KIND_ASSEMBLY_DUE)}
    assert f"branch:{tree.branch.pk}:2026-Q4" not in reminded
    assert f"branch:{tree.other_branch.pk}:2026-Q4" in reminded


def test_an_assembly_of_the_last_quarter_does_not_count(clock, tenant, tree):
    PartyActivity.objects.create(
        branch=tree.branch,
        kind=ActivityKind.GENERAL_ASSEMBLY,
        date=datetime.date(2026, 9, 28),
        title="第三季度支部党员大会",
    )
    go_to(clock, datetime.date(2026, 12, 1))

    reminders.send_assembly_due_reminders()

    assert sent(reminders.KIND_ASSEMBLY_DUE, recipient=tenant.party_worker).exists()


@pytest.mark.parametrize("month", [10, 11])
def test_no_assembly_reminder_before_the_last_month_of_the_quarter(clock, tenant, tree, month):
    go_to(clock, datetime.date(2026, month, 1))

    assert reminders.send_assembly_due_reminders() == 0


def test_a_branch_without_workers_reminds_the_street_staff(clock, tenant, tree, outsider_tenant):
    go_to(clock, datetime.date(2026, 12, 1))

    reminders.send_assembly_due_reminders()

    other = sent(reminders.KIND_ASSEMBLY_DUE, key=f"branch:{tree.other_branch.pk}:2026-Q4")
    assert {n.recipient for n in other} == {tenant.street_admin}


# --- Probation ending -----------------------------------------------------------------------


def test_a_probation_ending_within_30_days_is_reminded_once(clock, tenant, tree):
    member = make_member(
        tree.branch,
        1,
        status=MemberStatus.PROBATIONARY,
        joined_on=datetime.date(2025, 11, 20),
        probation_ends_on=datetime.date(2026, 11, 20),
    )
    make_member(
        tree.branch,
        2,
        status=MemberStatus.PROBATIONARY,
        joined_on=datetime.date(2025, 12, 15),
        probation_ends_on=datetime.date(2026, 12, 15),  # 44 days away
    )
    go_to(clock, datetime.date(2026, 10, 31))

    assert reminders.send_probation_ending_reminders() == 1
    assert reminders.send_probation_ending_reminders() == 0

    notice = sent(reminders.KIND_PROBATION_ENDING).get()
    assert notice.recipient == tenant.party_worker
    assert notice.key == f"member:{member.pk}:2026-11-20"
    assert notice.url.endswith(f"/partymember/{member.pk}/change/")


def test_an_extended_probation_is_reminded_again(clock, tenant, tree):
    member = make_member(
        tree.branch,
        1,
        status=MemberStatus.PROBATIONARY,
        joined_on=datetime.date(2025, 11, 20),
        probation_ends_on=datetime.date(2026, 11, 20),
    )
    go_to(clock, datetime.date(2026, 11, 1))
    reminders.send_probation_ending_reminders()
    member.probation_ends_on = datetime.date(2027, 5, 20)
    member.save()

    go_to(clock, datetime.date(2027, 5, 1))

    assert reminders.send_probation_ending_reminders() == 1


def test_full_members_and_past_probations_are_not_reminded(clock, tenant, tree):
    make_member(tree.branch, 1)
    make_member(
        tree.branch,
        2,
        status=MemberStatus.PROBATIONARY,
        joined_on=datetime.date(2025, 10, 1),
        probation_ends_on=datetime.date(2026, 10, 1),
    )

    assert reminders.send_probation_ending_reminders() == 0


# --- Branch term ending ---------------------------------------------------------------------


def test_a_branch_term_ending_within_90_days_is_reminded_once(clock, tenant, tree):
    tree.branch.term_start, tree.branch.term_end = (
        datetime.date(2024, 1, 30),
        datetime.date(2027, 1, 30),
    )
    tree.branch.save()
    tree.other_branch.term_start = datetime.date(2024, 3, 1)
    tree.other_branch.term_end = datetime.date(2027, 3, 1)  # 120 days away
    tree.other_branch.save()

    assert reminders.send_branch_term_reminders() == 1
    assert reminders.send_branch_term_reminders() == 0
    notice = sent(reminders.KIND_BRANCH_TERM_ENDING).get()
    assert notice.key == f"branch:{tree.branch.pk}:2027-01-30"


def test_a_past_term_is_not_reminded_as_ending(clock, tenant, tree):
    tree.branch.term_start, tree.branch.term_end = (
        datetime.date(2023, 1, 1),
        datetime.date(2026, 1, 1),
    )
    tree.branch.save()

    assert reminders.send_branch_term_reminders() == 0


# --- The task -------------------------------------------------------------------------------


def test_the_daily_task_sends_each_reminder_once(clock, tenant, tree):
    extra = UserFactory(role="party_worker", street=tenant.street)
    tree.other_branch.worker_accounts.add(extra)
    go_to(clock, datetime.date(2026, 12, 20))

    first = send_reminders.delay().get()
    second = send_reminders.delay().get()

    assert first["dedication_day"] == 2
    assert first["assembly_due"] == 2
    assert set(second.values()) == {0}
