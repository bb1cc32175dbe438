"""Issue 13, item 9 for the party tree: party organization names compare by their
normalized key (core.identifiers.normalize_name) in the tree service, the admin form, the
member import and the database, one street at a time."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from partybuilding.choices import Establishment, PartyOrgKind
from partybuilding.members_excel import (
    BIRTH_DATE,
    BRANCH,
    ID_NUMBER,
    JOINED_ON,
    ORGANIZATION,
    SEX,
    STATUS,
    import_members,
)
from partybuilding.members_excel import NAME as MEMBER_NAME
from partybuilding.models import PartyMember, PartyOrganization
from partybuilding.services.tree import party_org_create, party_org_update
from tests.partybuilding.helpers import committee
from tests.partybuilding.member_helpers import resident_id, workbook

pytestmark = pytest.mark.django_db

NAME = "凯旋街道第一党支部"
# The same name as people paste or type it: a zero-width space, a BOM, an ideographic
# space, a word joiner, a soft hyphen.
LOOK_ALIKES = [
    "凯旋街道第一党支部\u200b",
    "\ufeff凯旋街道第一党支部",
    "凯旋街道\u3000第一党支部",
    "凯旋街道第一\u2060党支部",
    "凯旋街道第一党支部\u00ad",
]
WITH_DIGITS = "凯旋街道第1党支部"
FULL_WIDTH_DIGITS = "凯旋街道第１党支部"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 11, 28, 10), tick=False):
        yield


def create_branch(top, name):
    return party_org_create(
        street=top.street,
        kind=PartyOrgKind.BRANCH,
        name=name,
        parent=top,
        establishment=Establishment.JOINT,
        actor=None,
    )


# --- The service and the database ---------------------------------------------------------


@pytest.mark.parametrize("typed", LOOK_ALIKES)
def test_it_refuses_a_look_alike_name_in_the_same_street(tenant, typed):
    top = committee(tenant.street)
    create_branch(top, NAME)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        create_branch(top, typed)
    assert refused.value.message_dict["name"][0].startswith(f"本街道已有名为 {NAME} 的党组织")
    assert PartyOrganization.objects.filter(street=tenant.street).count() == 2


def test_it_refuses_full_width_digits_for_the_same_name(tenant):
    top = committee(tenant.street)
    create_branch(top, WITH_DIGITS)
    with pytest.raises(ValidationError) as refused:
        create_branch(top, FULL_WIDTH_DIGITS)
    assert WITH_DIGITS in str(refused.value.error_dict["name"])


def test_it_accepts_the_same_name_in_another_street(tenant, outsider_tenant):
    create_branch(committee(tenant.street), NAME)
    other = create_branch(committee(outsider_tenant.street), NAME + "\u200b")
    assert (other.name, other.name_key) == (NAME, NAME)


def test_it_stores_the_name_without_invisible_characters(tenant):
    created = create_branch(committee(tenant.street), " \ufeff凯旋街道\u200b第一党支部 ")
    created.refresh_from_db()
    assert (created.name, created.name_key) == (NAME, NAME)


def test_it_refuses_a_rename_to_a_look_alike(tenant):
    top = committee(tenant.street)
    create_branch(top, NAME)
    other = create_branch(top, "凯旋街道第二党支部")
    with pytest.raises(ValidationError) as refused:
        party_org_update(party_org=other, actor=None, name=NAME + "\u200b")
    assert NAME in str(refused.value.error_dict["name"])
    renamed = party_org_update(party_org=other, actor=None, name="凯旋街道\u200b第三党支部")
    renamed.refresh_from_db()
    assert (renamed.name, renamed.name_key) == ("凯旋街道第三党支部", "凯旋街道第三党支部")


def test_the_database_refuses_a_look_alike_that_skips_the_service(tenant):
    """The key is computed on every save, so a row written past the service (a shell, a
    data migration, a bulk create) cannot bring a look-alike in."""
    PartyOrganization.objects.create(street=tenant.street, kind=PartyOrgKind.COMMITTEE, name=NAME)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyOrganization.objects.create(
            street=tenant.street, kind=PartyOrgKind.COMMITTEE, name=NAME + "\u200b"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyOrganization.objects.bulk_create(
            [
                PartyOrganization(
                    street=tenant.street, kind=PartyOrgKind.COMMITTEE, name="\ufeff" + NAME
                )
            ]
        )


def test_a_rename_saved_with_update_fields_moves_the_key(tenant):
    party_org = committee(tenant.street, "旧党委")
    party_org.name = "新党委"
    party_org.save(update_fields=["name"])
    party_org.refresh_from_db()
    assert party_org.name_key == "新党委"


def test_the_migration_fills_the_key_and_marks_a_collision(tenant, outsider_tenant):
    migration = importlib.import_module("partybuilding.migrations.0003_party_org_name_key")
    top = committee(tenant.street)
    first = create_branch(top, "甲")
    second = create_branch(top, "乙")
    elsewhere = committee(outsider_tenant.street, "丙")
    # Rows as the old constraint on the name let them in: two spellings of one name in one
    # street, the same name in another street; their keys not filled yet.
    PartyOrganization.objects.filter(pk=first.pk).update(name=NAME, name_key="x1")
    PartyOrganization.objects.filter(pk=second.pk).update(name=NAME + "\u200b", name_key="x2")
    PartyOrganization.objects.filter(pk=elsewhere.pk).update(name=NAME, name_key="x3")

    migration.fill_keys(apps, None)

    stored = {
        party_org.pk: (party_org.name, party_org.name_key)
        for party_org in PartyOrganization.objects.filter(
            pk__in=[first.pk, second.pk, elsewhere.pk]
        )
    }
    assert stored == {
        first.pk: (NAME, NAME),
        second.pk: (NAME, f"{NAME}#{second.pk}"),
        elsewhere.pk: (NAME, NAME),  # another street: no collision
    }
    # The marked row's next edit is refused until staff give it another name.
    with pytest.raises(ValidationError):
        party_org_update(party_org=second, actor=None, founded_on=datetime.date(2020, 1, 1))
    renamed = party_org_update(party_org=second, actor=None, name="凯旋街道第二党支部")
    assert renamed.name_key == "凯旋街道第二党支部"


# --- The admin form -----------------------------------------------------------------------


def form_data(response, **overrides) -> dict:
    """What the browser sends back for an admin add page (text and choice fields)."""
    form = response.context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value is not False}
    data.update(overrides)
    return data


def test_the_admin_form_refuses_a_look_alike_name(client, tenant):
    top = committee(tenant.street)
    create_branch(top, NAME)
    client.force_login(tenant.street_admin)
    add = reverse("admin:partybuilding_partyorganization_add")
    data = form_data(
        client.get(add),
        street=tenant.street.pk,
        kind=PartyOrgKind.BRANCH,
        name="凯旋街道\u200b第一党支部",
        parent=top.pk,
        community=tenant.community.pk,
        establishment="single",
    )

    with translation.override("zh-hans"):
        response = client.post(add, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "name" in errors and NAME in errors["name"][0]
    assert PartyOrganization.objects.filter(street=tenant.street).count() == 2


# --- The member import --------------------------------------------------------------------


def member_row(n: int, branch_name: str, **cells) -> dict:
    birth = datetime.date(1985, 1, 1) + datetime.timedelta(days=n)
    return {
        MEMBER_NAME: f"导入党员{n}",
        SEX: "男",
        BIRTH_DATE: birth,
        ID_NUMBER: resident_id(birth, "M", seq=n),
        BRANCH: branch_name,
        STATUS: "正式党员",
        JOINED_ON: datetime.date(2012, 7, 1),
        **cells,
    }


def test_the_member_import_finds_a_branch_by_a_look_alike_name(tenant):
    branch = create_branch(committee(tenant.street), WITH_DIGITS)
    rows = [
        member_row(1, FULL_WIDTH_DIGITS),
        member_row(2, WITH_DIGITS + "\u200b", **{ORGANIZATION: "\ufeff" + tenant.org.name}),
    ]

    report = import_members(workbook(rows), street=tenant.street, actor=None, dry_run=False)

    assert report.ok, [(e.line, e.column, e.message) for e in report.errors]
    members = PartyMember.objects.filter(branch=branch).order_by("name")
    assert [(m.name, m.organization_id) for m in members] == [
        ("导入党员1", None),
        ("导入党员2", tenant.org.pk),
    ]
