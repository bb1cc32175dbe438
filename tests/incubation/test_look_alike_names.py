"""Issue 13, item 9: look-alike names and codes. Organization names compare by their
normalized key (NFKC, invisible and control characters removed, whitespace dropped, case
folded) in the service, the admin form, the Excel import and the database; the
evaluator's conflict form finds a code however it was typed; and the import preview does
not tell community staff which community holds a code."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.identifiers import clean_name, complete_uscc, normalize_name
from evaluation.forms import ConflictForm
from incubation import services
from incubation.excel import import_organizations
from incubation.models import Organization
from incubation.resources import (
    COMMUNITY,
    FILING_NUMBER,
    HEADERS,
    LEGAL_STATUS,
    NAME,
    USCC,
)
from tests.factories import OrganizationFactory, RegisteredOrganizationFactory

pytestmark = pytest.mark.django_db

NAME_TYPED = "景新书画院"
# The same name as people paste it: a zero-width space, a BOM, full-width letters, an
# ideographic space, a compatibility ideograph (U+F9F4 林 for U+6797 林).
LOOK_ALIKES = [
    "景新书画院\u200b",
    "\ufeff景新书画院",
    "景新\u3000书画院",
    " 景新  书画院 ",
    "景新书\u2060画院",
    "景新书画院\u00ad",
]


def code(n: int) -> str:
    return complete_uscc(f"51330102MK{n:06d}")


def create(community, name, n, actor=None):
    return services.organization_create(
        actor=actor, name=name, legal_status="social_group", uscc=code(n), community=community
    )


# --- The key ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", LOOK_ALIKES)
def test_it_gives_a_look_alike_name_the_same_key(typed):
    assert normalize_name(typed) == normalize_name(NAME_TYPED)


def test_it_folds_full_width_letters_and_compatibility_ideographs():
    assert normalize_name("ＡＢＣ社区服务社") == normalize_name("abc社区服务社")
    assert normalize_name("\uf9f4业协会") == normalize_name("林业协会")
    assert normalize_name("景新（书画）院") == normalize_name("景新(书画)院")


def test_it_keeps_different_names_apart():
    assert normalize_name("景新书画院") != normalize_name("景新书法院")


def test_it_stores_the_name_without_invisible_characters_but_as_typed():
    assert clean_name(" 景新\u200b  书画院\x01（凯旋）\t") == "景新 书画院（凯旋）"


# --- The service and the database ---------------------------------------------------------


@pytest.mark.parametrize("typed", LOOK_ALIKES)
def test_it_refuses_a_look_alike_name_in_the_same_community(tenant, typed):
    create(tenant.community, NAME_TYPED, 1)
    with pytest.raises(ValidationError) as refused:
        create(tenant.community, typed, 2)
    assert "name" in refused.value.error_dict
    assert NAME_TYPED in str(refused.value.error_dict["name"])


def test_it_accepts_the_same_name_in_another_community(tenant):
    create(tenant.community, NAME_TYPED, 1)
    assert create(tenant.other_community, NAME_TYPED + "\u200b", 2).name == NAME_TYPED


def test_it_refuses_a_rename_to_a_look_alike(tenant):
    create(tenant.community, NAME_TYPED, 1)
    other = create(tenant.community, "凯旋合唱团", 2)
    with pytest.raises(ValidationError):
        services.organization_update(organization=other, actor=None, name="景新书画院\u200b")
    renamed = services.organization_update(organization=other, actor=None, name="凯旋\u200b合唱队")
    renamed.refresh_from_db()
    assert (renamed.name, renamed.name_key) == ("凯旋合唱队", "凯旋合唱队")


def test_the_database_refuses_a_look_alike_that_skips_the_service(tenant):
    """The key is computed on every save, so even a row written past the service (a
    shell, a data migration) cannot bring a look-alike in."""
    OrganizationFactory(community=tenant.community, name=NAME_TYPED)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(community=tenant.community, name="景新书画院\u200b")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.bulk_create(
            [OrganizationFactory.build(community=tenant.community, name="景新书画院\ufeff")]
        )


def test_a_rename_saved_with_update_fields_moves_the_key(tenant):
    org = OrganizationFactory(community=tenant.community, name="旧名")
    org.name = "新名"
    org.save(update_fields=["name"])
    org.refresh_from_db()
    assert org.name_key == "新名"


# --- The admin form -----------------------------------------------------------------------


def test_the_admin_form_refuses_a_look_alike_name(client, tenant):
    create(tenant.community, NAME_TYPED, 1)
    client.force_login(tenant.street_admin)
    response = client.post(
        reverse("admin:incubation_organization_add"),
        {
            "name": "景新书画院\u200b",
            "legal_status": "social_group",
            "uscc": code(2),
            "community": tenant.community.pk,
            "service_field": "other",
            "growth_level": "community_org",
        },
    )
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert Organization.objects.filter(community=tenant.community).count() == 2  # + tenant.org


# --- The import ---------------------------------------------------------------------------


def workbook(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append([row.get(header) for header in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def row(community, name, n, **cells):
    return {
        NAME: name,
        USCC: code(n),
        FILING_NUMBER: None,
        LEGAL_STATUS: "社会团体",
        COMMUNITY: community.name,
        **cells,
    }


def errors(report):
    return [(error.line, error.column, error.code) for error in report.errors]


def test_the_import_refuses_look_alike_names_within_the_file(tenant):
    rows = [row(tenant.community, NAME_TYPED, 1), row(tenant.community, "景新书画院\u200b", 2)]
    report = import_organizations(workbook(rows), street=tenant.street, dry_run=True)
    assert errors(report) == [(3, NAME, "duplicate_name")]


def test_the_import_refuses_a_look_alike_of_a_name_in_the_database(tenant):
    create(tenant.community, NAME_TYPED, 1)
    rows = [row(tenant.community, "ＡＢ" + NAME_TYPED, 3), row(tenant.community, " 景新 书画院", 2)]
    report = import_organizations(workbook(rows), street=tenant.street, dry_run=True)
    assert errors(report) == [(3, NAME, "name_taken")]


def test_the_import_stores_names_without_invisible_characters(tenant):
    rows = [row(tenant.community, "\ufeff凯旋\u200b合唱团 ", 4)]
    report = import_organizations(workbook(rows), street=tenant.street, dry_run=False)
    assert report.ok, [e.message for e in report.errors]
    assert Organization.objects.get(uscc=code(4)).name == "凯旋合唱团"


def test_the_import_preview_does_not_tell_community_staff_where_a_code_is(tenant):
    other = RegisteredOrganizationFactory(community=tenant.other_community, name="他社区组织")
    rows = [row(tenant.community, "我的组织", 1, **{USCC: other.uscc})]
    report = import_organizations(
        workbook(rows), street=tenant.street, actor=tenant.community_staff, dry_run=True
    )
    assert errors(report) == [(2, USCC, "out_of_scope")]
    message = report.errors[0].message
    assert tenant.other_community.name not in message and other.name not in message
    assert "another community of this street" in message or "本街道其他社区" in message


# --- The evaluator's conflict form --------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        lambda c: c,
        lambda c: "".join(chr(ord(ch) + 0xFEE0) for ch in c),  # full width
        lambda c: f" {c[:9].lower()} {c[9:]}\u200b",
        lambda c: f"{c[:6]}-{c[6:]}",
    ],
)
def test_the_conflict_form_reads_a_credit_code_however_it_was_typed(typed):
    form = ConflictForm({"identifier": typed(code(5)), "reason": "理事"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["identifier"] == code(5)


def test_the_conflict_form_reads_a_filing_number_with_its_hyphens():
    form = ConflictForm({"identifier": "ｋｘ－２０２１\u200b－００１", "reason": "理事"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["identifier"] == "KX-2021-001"


def test_an_evaluator_declares_a_conflict_with_a_full_width_code(client, tenant):
    org = RegisteredOrganizationFactory(community=tenant.community, name="全角组织")
    client.force_login(tenant.evaluator)
    typed = "".join(chr(ord(ch) + 0xFEE0) for ch in org.uscc) + "\u200b"
    response = client.post(reverse("evaluation:conflicts"), {"identifier": typed, "reason": "理事"})
    assert response.status_code == 302
    assert tenant.evaluator.evaluation_conflicts.filter(organization=org).exists()
