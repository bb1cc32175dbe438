"""The membership pipeline: one transition function along the table, minimum durations
refused with the day they are met, the member record kept in step, every step audited."""

import datetime
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from core.errors import ActionRefused
from partybuilding.choices import DevelopmentStage as S
from partybuilding.choices import MemberStatus
from partybuilding.models import Development, DevelopmentEvent, PartyMember
from partybuilding.services.development import (
    development_advance,
    development_extend_probation,
    development_start,
)
from partybuilding.workflows import DEVELOPMENT_TRANSITIONS
from tests.partybuilding.helpers import (
    INVALID_ID,
    VALID_ID,
    VALID_ID_BIRTH,
    VALID_ID_SEX,
    link,
    make_tree,
    member,
    resident_id,
)

TODAY = date(2027, 6, 15)
APPLIED = date(2024, 3, 1)
ACTIVIST = date(2024, 9, 1)
CANDIDATE = date(2025, 9, 1)  # a year after ACTIVIST
ADMITTED = date(2025, 12, 1)
FULL = date(2026, 12, 1)  # a year after ADMITTED


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(
        datetime.datetime(2027, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        yield


@pytest.fixture
def tree(tenant):
    return make_tree(tenant.street)


def start(tree, tenant, actor=None, **fields):
    fields = {
        "name": "李梅",
        "sex": VALID_ID_SEX,
        "birth_date": VALID_ID_BIRTH,
        "id_number": VALID_ID,
        "phone": "13812345678",
        "organization": tenant.org,
        "branch": tree.joint,
        "applied_on": APPLIED,
        **fields,
    }
    return development_start(actor=actor, **fields)


def advance(development, to_stage, on, actor=None, note=""):
    return development_advance(
        development=development, to_stage=to_stage, on=on, actor=actor, note=note
    )


def walk(development, *steps):
    for to_stage, on in steps:
        advance(development, to_stage, on)
    return development


def to_probationary(development):
    return walk(
        development, (S.ACTIVIST, ACTIVIST), (S.CANDIDATE, CANDIDATE), (S.PROBATIONARY, ADMITTED)
    )


# --- The whole way ------------------------------------------------------------------------


def test_it_takes_an_applicant_all_the_way_to_full_member(tenant, tree):
    dev = start(tree, tenant, actor=tenant.street_admin)
    assert dev.stage == S.APPLICANT

    advance(dev, S.ACTIVIST, ACTIVIST, actor=tenant.street_admin)
    advance(dev, S.CANDIDATE, CANDIDATE, actor=tenant.street_admin)
    admitted = advance(dev, S.PROBATIONARY, ADMITTED, actor=tenant.street_admin)
    made_full = advance(dev, S.FULL, FULL, actor=tenant.street_admin, note="支部大会讨论通过")

    dev.refresh_from_db()
    assert dev.stage == S.FULL
    assert (dev.applied_on, dev.activist_on, dev.candidate_on, dev.admitted_on, dev.full_on) == (
        APPLIED,
        ACTIVIST,
        CANDIDATE,
        ADMITTED,
        FULL,
    )
    assert (admitted.from_value, admitted.to_value, admitted.on) == (
        S.CANDIDATE,
        S.PROBATIONARY,
        ADMITTED,
    )
    assert (made_full.note, made_full.actor) == ("支部大会讨论通过", tenant.street_admin)
    steps = list(dev.events.order_by("pk").values_list("from_value", "to_value", "on"))
    assert steps == [
        (S.APPLICANT, S.APPLICANT, APPLIED),
        (S.APPLICANT, S.ACTIVIST, ACTIVIST),
        (S.ACTIVIST, S.CANDIDATE, CANDIDATE),
        (S.CANDIDATE, S.PROBATIONARY, ADMITTED),
        (S.PROBATIONARY, S.FULL, FULL),
    ]


def test_admission_creates_a_probationary_member_and_full_membership_updates_it(tenant, tree):
    dev = to_probationary(start(tree, tenant))

    created = dev.member
    assert created.status == MemberStatus.PROBATIONARY
    assert (created.name, created.id_number, created.sex) == ("李梅", VALID_ID, "F")
    assert (created.branch, created.organization) == (tree.joint, tenant.org)
    assert (created.joined_on, created.probation_ends_on) == (ADMITTED, date(2026, 12, 1))

    advance(dev, S.FULL, FULL)

    created.refresh_from_db()
    assert created.status == MemberStatus.FULL
    assert PartyMember.objects.count() == 1


# --- The table ----------------------------------------------------------------------------


def test_the_table_goes_forward_one_step_and_cancels_from_every_open_stage():
    expected = {
        S.APPLICANT: {S.ACTIVIST, S.CANCELLED},
        S.ACTIVIST: {S.CANDIDATE, S.CANCELLED},
        S.CANDIDATE: {S.PROBATIONARY, S.CANCELLED},
        S.PROBATIONARY: {S.FULL, S.CANCELLED},
        S.FULL: set(),
        S.CANCELLED: set(),
    }
    assert expected == DEVELOPMENT_TRANSITIONS


def test_it_refuses_to_skip_a_stage_naming_the_possible_next(tenant, tree):
    dev = start(tree, tenant)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        advance(dev, S.CANDIDATE, CANDIDATE)

    assert "Applicant cannot move to Development candidate" in exc.value.message
    assert "Activist" in exc.value.message
    dev.refresh_from_db()
    assert dev.stage == S.APPLICANT


def test_asking_for_the_current_stage_again_changes_nothing(tenant, tree):
    dev = walk(start(tree, tenant), (S.ACTIVIST, ACTIVIST))

    assert advance(dev, S.ACTIVIST, date(2024, 10, 1)) is None

    dev.refresh_from_db()
    assert dev.activist_on == ACTIVIST
    assert dev.events.count() == 2


def test_it_refuses_a_step_dated_in_the_future(tenant, tree):
    dev = start(tree, tenant)

    with pytest.raises(ValidationError) as exc:
        advance(dev, S.ACTIVIST, date(2027, 6, 16))

    assert "on" in exc.value.message_dict


def test_it_refuses_a_step_dated_before_the_current_stage(tenant, tree):
    dev = start(tree, tenant)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        advance(dev, S.ACTIVIST, date(2024, 2, 1))

    assert "March 1, 2024" in exc.value.message


# --- Minimum durations ----------------------------------------------------------------------


def test_an_activist_becomes_a_candidate_only_after_a_year_naming_the_day(tenant, tree):
    dev = walk(start(tree, tenant), (S.ACTIVIST, ACTIVIST))

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        advance(dev, S.CANDIDATE, date(2025, 8, 31))

    assert "after a full year as an activist" in exc.value.message
    assert "Sept. 1, 2025" in exc.value.message
    dev.refresh_from_db()
    assert (dev.stage, dev.candidate_on) == (S.ACTIVIST, None)
    assert advance(dev, S.CANDIDATE, date(2025, 9, 1)) is not None


def test_a_probationary_member_becomes_full_only_after_a_year_naming_the_day(tenant, tree):
    dev = to_probationary(start(tree, tenant))

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        advance(dev, S.FULL, date(2026, 11, 30))

    assert "probation has ended" in exc.value.message
    assert "Dec. 1, 2026" in exc.value.message
    dev.member.refresh_from_db()
    assert dev.member.status == MemberStatus.PROBATIONARY


# --- Extending the probation ----------------------------------------------------------------


def test_it_extends_the_probation_by_up_to_a_year_once(tenant, tree):
    dev = to_probationary(start(tree, tenant))

    development_extend_probation(development=dev, until=date(2027, 6, 1), actor=None)

    dev.refresh_from_db()
    assert dev.probation_extended_until == date(2027, 6, 1)
    dev.member.refresh_from_db()
    assert dev.member.probation_ends_on == date(2027, 6, 1)
    last = dev.events.order_by("-pk").first()
    assert (last.from_value, last.to_value, last.on) == (S.PROBATIONARY, S.PROBATIONARY, TODAY)
    assert "2027年6月1日" in last.note
    # Asking again for the same date changes nothing; another date is a second extension.
    development_extend_probation(development=dev, until=date(2027, 6, 1), actor=None)
    assert dev.events.count() == 5
    with pytest.raises(ActionRefused):
        development_extend_probation(development=dev, until=date(2027, 5, 1), actor=None)


def test_an_extension_lasts_at_most_a_year_beyond_the_normal_end(tenant, tree):
    dev = to_probationary(start(tree, tenant))

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        development_extend_probation(development=dev, until=date(2027, 12, 2), actor=None)

    assert "Dec. 1, 2027" in exc.value.message
    development_extend_probation(development=dev, until=date(2027, 12, 1), actor=None)


def test_an_extension_ends_after_the_normal_end(tenant, tree):
    dev = to_probationary(start(tree, tenant))

    with pytest.raises(ActionRefused):
        development_extend_probation(development=dev, until=date(2026, 12, 1), actor=None)


def test_full_membership_waits_for_the_extended_end(tenant, tree):
    dev = to_probationary(start(tree, tenant))
    development_extend_probation(development=dev, until=date(2027, 6, 1), actor=None)

    with translation.override("en"), pytest.raises(ActionRefused) as exc:
        advance(dev, S.FULL, FULL)
    assert "June 1, 2027" in exc.value.message

    advance(dev, S.FULL, date(2027, 6, 1))
    dev.refresh_from_db()
    assert dev.stage == S.FULL


def test_only_a_probationary_member_has_a_probation_to_extend(tenant, tree):
    dev = walk(start(tree, tenant), (S.ACTIVIST, ACTIVIST))

    with pytest.raises(ActionRefused):
        development_extend_probation(development=dev, until=date(2027, 6, 1), actor=None)


# --- Cancellation ---------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [S.APPLICANT, S.ACTIVIST, S.CANDIDATE])
def test_it_cancels_a_development_before_admission(tenant, tree, stage):
    dev = start(tree, tenant)
    steps = [(S.ACTIVIST, ACTIVIST), (S.CANDIDATE, CANDIDATE)]
    walk(dev, *steps[: [S.APPLICANT, S.ACTIVIST, S.CANDIDATE].index(stage)])

    event = advance(dev, S.CANCELLED, date(2026, 1, 1), note="本人撤回申请")

    dev.refresh_from_db()
    assert (dev.stage, dev.cancelled_on) == (S.CANCELLED, date(2026, 1, 1))
    assert (event.from_value, event.to_value, event.note) == (stage, S.CANCELLED, "本人撤回申请")


def test_cancelling_a_probationary_member_removes_the_member_record(tenant, tree):
    dev = to_probationary(start(tree, tenant))
    member_pk = dev.member.pk

    advance(dev, S.CANCELLED, date(2026, 6, 1), note="取消预备党员资格")

    dev.refresh_from_db()
    assert (dev.stage, dev.member) == (S.CANCELLED, None)
    assert not PartyMember.objects.filter(pk=member_pk).exists()
    assert dev.events.filter(to_value=S.PROBATIONARY).exists()  # the history stays


def test_a_cancellation_gives_its_reason(tenant, tree):
    dev = start(tree, tenant)

    with pytest.raises(ValidationError) as exc:
        advance(dev, S.CANCELLED, date(2026, 1, 1))

    assert "note" in exc.value.message_dict


@pytest.mark.parametrize("final", [S.CANCELLED, S.FULL])
def test_nothing_follows_a_final_stage(tenant, tree, final):
    dev = to_probationary(start(tree, tenant))
    advance(dev, final, FULL, note="理由")

    with pytest.raises(ActionRefused):
        advance(dev, S.ACTIVIST, TODAY)


# --- Starting: the ID number and the applicant --------------------------------------------


def test_it_keeps_the_id_number_normalized(tenant, tree):
    dev = start(tree, tenant, id_number=" 11010519491231002x ")

    assert dev.id_number == VALID_ID


def test_it_refuses_an_id_number_with_a_wrong_check_character(tenant, tree):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        start(tree, tenant, id_number=INVALID_ID)

    assert exc.value.message_dict["id_number"] == [
        "The check character (position 18) should be X, not 1."
    ]
    assert not Development.objects.exists()


def test_it_refuses_an_id_number_that_disagrees_with_birth_date_or_sex(tenant, tree):
    with pytest.raises(ValidationError) as exc:
        start(tree, tenant, birth_date=date(1950, 1, 1))
    assert "id_number" in exc.value.message_dict

    with pytest.raises(ValidationError) as exc:
        start(tree, tenant, sex="M")
    assert "id_number" in exc.value.message_dict


def test_it_refuses_an_applicant_under_eighteen(tenant, tree):
    born = date(2008, 3, 2)

    with pytest.raises(ValidationError) as exc:
        start(tree, tenant, birth_date=born, sex="M", id_number=resident_id(born, "M"))

    assert "birth_date" in exc.value.message_dict


def test_it_refuses_an_applicant_who_is_already_a_member(tenant, tree):
    existing = member(tree.joint)

    with pytest.raises(ValidationError) as exc:
        start(
            tree,
            tenant,
            birth_date=existing.birth_date,
            sex=existing.sex,
            id_number=existing.id_number,
        )

    assert "id_number" in exc.value.message_dict


def test_applications_go_to_a_branch(tenant, tree):
    with pytest.raises(ActionRefused):
        start(tree, tenant, branch=tree.general_branch)


# --- Permissions --------------------------------------------------------------------------


def test_it_refuses_street_staff_of_another_street(tenant, tree, outsider_tenant):
    with pytest.raises(ActionRefused):
        start(tree, tenant, actor=outsider_tenant.street_admin)

    dev = start(tree, tenant)
    with pytest.raises(ActionRefused):
        advance(dev, S.ACTIVIST, ACTIVIST, actor=outsider_tenant.street_admin)
    assert dev.events.count() == 1


def test_it_refuses_a_party_worker_not_linked_to_the_branch(tenant, tree):
    link(tenant.party_worker, tree.single)
    dev = start(tree, tenant)

    with pytest.raises(ActionRefused):
        advance(dev, S.ACTIVIST, ACTIVIST, actor=tenant.party_worker)
    with pytest.raises(ActionRefused):
        start(tree, tenant, actor=tenant.party_worker, id_number=resident_id(date(1990, 1, 1)))
    with pytest.raises(ActionRefused):
        development_extend_probation(development=dev, until=TODAY, actor=tenant.party_worker)


def test_a_party_worker_of_an_ancestor_advances_a_development(tenant, tree):
    link(tenant.party_worker, tree.general_branch)
    dev = start(tree, tenant, actor=tenant.party_worker)

    event = advance(dev, S.ACTIVIST, ACTIVIST, actor=tenant.party_worker)

    assert event.actor == tenant.party_worker
    assert DevelopmentEvent.objects.filter(development=dev).count() == 2
