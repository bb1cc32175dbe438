"""The party-building admin: scoped lists, masked personal data for everyone but street
staff, saves through the services, constant query counts, and nothing of another street."""

import datetime

import pytest
import time_machine
from django import forms
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from core.identifiers import mask_id_number, mask_phone
from partybuilding.choices import MemberStatus, PartyOrgKind
from partybuilding.models import MemberTransfer, PartyMember, PartyOrganization
from tests.partybuilding.member_helpers import make_member, make_tree, member_fields

MEMBERS = "admin:partybuilding_partymember_changelist"
ORGS = "admin:partybuilding_partyorganization_changelist"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 11, 28, 10), tick=False):
        yield


@pytest.fixture
def tree(tenant):
    return make_tree(tenant)


def member_change_url(member) -> str:
    return reverse("admin:partybuilding_partymember_change", args=[member.pk])


def form_data(response, **overrides) -> dict:
    """What the browser sends back for an admin add/change page."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
    data.update({k: v for k, v in overrides.items() if v is not None})
    return data


def listed(response) -> list[str]:
    return sorted(member.name for member in response.context["cl"].result_list)


# --- The member list ----------------------------------------------------------------------


def test_street_staff_see_full_numbers_in_the_list(client, tenant, tree):
    member = make_member(tree.branch, 1, organization=tenant.org)
    client.force_login(tenant.street_admin)

    page = client.get(reverse(MEMBERS)).content.decode()

    assert member.id_number in page
    assert member.phone in page


@pytest.mark.parametrize("role", ["community_staff", "party_worker"])
def test_everyone_else_sees_masked_numbers_in_the_list(client, tenant, tree, role):
    tree.branch.worker_accounts.add(tenant.party_worker)
    member = make_member(tree.branch, 1, organization=tenant.org)
    client.force_login(getattr(tenant, role))

    response = client.get(reverse(MEMBERS))
    page = response.content.decode()

    assert listed(response) == [member.name]
    assert mask_id_number(member.id_number) in page
    assert mask_phone(member.phone) in page
    assert member.id_number not in page
    assert member.phone not in page


def test_community_staff_see_only_members_of_their_communitys_organizations(
    client, tenant, tree, outsider_tenant
):
    make_member(tree.branch, 1, organization=tenant.org)
    make_member(tree.branch, 2, organization=tenant.other_org)
    make_member(tree.other_branch, 3)  # works in no organization
    make_member(make_tree(outsider_tenant).branch, 4, organization=outsider_tenant.org)
    client.force_login(tenant.community_staff)

    assert listed(client.get(reverse(MEMBERS))) == ["党员1"]


def test_street_staff_see_their_streets_members_only(client, tenant, tree, outsider_tenant):
    make_member(tree.branch, 1)
    make_member(tree.other_branch, 2)
    make_member(make_tree(outsider_tenant).branch, 3)
    client.force_login(tenant.street_admin)

    assert listed(client.get(reverse(MEMBERS))) == ["党员1", "党员2"]


def test_a_party_worker_sees_the_members_of_their_branches(client, tenant, tree):
    tree.general_branch.worker_accounts.add(tenant.party_worker)
    make_member(tree.branch, 1)
    make_member(tree.other_branch, 2)  # under the general branch
    client.force_login(tenant.party_worker)

    assert listed(client.get(reverse(MEMBERS))) == ["党员2"]


def test_it_searches_by_name_and_filters_by_branch_and_status(client, tenant, tree):
    make_member(tree.branch, 1, name="王芳")
    make_member(tree.other_branch, 2, name="李强", status=MemberStatus.PROBATIONARY)
    client.force_login(tenant.street_admin)

    assert listed(client.get(reverse(MEMBERS), {"q": "王"})) == ["王芳"]
    assert listed(client.get(reverse(MEMBERS), {"branch": tree.other_branch.pk})) == ["李强"]
    assert listed(client.get(reverse(MEMBERS), {"status__exact": "probationary"})) == ["李强"]


def test_masked_users_cannot_filter_on_the_numbers(client, tenant, tree):
    member = make_member(tree.branch, 1, organization=tenant.org)
    client.force_login(tenant.community_staff)
    client.raise_request_exception = False

    response = client.get(reverse(MEMBERS), {"id_number__startswith": member.id_number[:10]})

    # Django answers a lookup the admin does not allow with 400 Bad Request.
    assert response.status_code == 400
    client.force_login(tenant.street_admin)
    allowed = client.get(reverse(MEMBERS), {"id_number__startswith": member.id_number[:10]})
    assert listed(allowed) == [member.name]


def test_the_branch_filter_lists_only_visible_branches(client, tenant, tree, outsider_tenant):
    outsider_branch = make_tree(outsider_tenant).branch
    make_member(tree.branch, 1)
    client.force_login(tenant.street_admin)

    response = client.get(reverse(MEMBERS))

    choices = {
        choice["display"]
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "parameter_name", None) == "branch"
        for choice in spec.choices(response.context["cl"])
    }
    assert tree.branch.name in choices
    assert outsider_branch.name not in choices


def _measure(client, count_queries, url):
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    return q


def test_the_member_list_query_count_does_not_grow_with_members(
    client, tenant, tree, count_queries
):
    client.force_login(tenant.community_staff)
    url = reverse(MEMBERS)
    for n in range(3):
        make_member(tree.branch, n + 1, organization=tenant.org)
    client.get(url)  # fill the per-process caches (content types, …) first
    small = _measure(client, count_queries, url)
    for n in range(3, 30):
        branch = tree.branch if n % 2 else tree.other_branch
        make_member(branch, n + 1, organization=tenant.org)
    large = _measure(client, count_queries, url)

    assert len(client.get(url).context["cl"].result_list) == 30
    assert small.count == large.count, large.dump()


# --- The member change page ---------------------------------------------------------------


@pytest.mark.parametrize("role", ["community_staff", "party_worker"])
def test_the_change_page_does_not_reveal_the_full_numbers(client, tenant, tree, role):
    tree.branch.worker_accounts.add(tenant.party_worker)
    member = make_member(tree.branch, 1, organization=tenant.org)
    client.force_login(getattr(tenant, role))

    response = client.get(member_change_url(member))
    page = response.content.decode()

    assert response.status_code == 200
    assert member.id_number not in page
    assert member.phone not in page
    assert mask_id_number(member.id_number) in page
    assert "id_number" not in response.context["adminform"].form.fields


def test_street_staff_edit_the_numbers(client, tenant, tree):
    member = make_member(tree.branch, 1)
    client.force_login(tenant.street_admin)

    response = client.get(member_change_url(member))

    assert response.context["adminform"].form["id_number"].value() == member.id_number


def test_a_party_worker_edits_a_member_through_the_service(client, tenant, tree):
    tree.branch.worker_accounts.add(tenant.party_worker)
    member = make_member(tree.branch, 1, status=MemberStatus.PROBATIONARY)
    client.force_login(tenant.party_worker)
    page = client.get(member_change_url(member))

    response = client.post(
        member_change_url(member), form_data(page, posts="组织委员", status="full")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert (member.posts, member.status, member.probation_ends_on) == ("组织委员", "full", None)
    assert member.branch == tree.branch


def test_adding_a_member_goes_through_the_service(client, tenant, tree):
    client.force_login(tenant.street_admin)
    add = reverse("admin:partybuilding_partymember_add")
    page = client.get(add)
    fields = member_fields(tree.branch, 1, status=MemberStatus.PROBATIONARY)
    fields["joined_on"] = datetime.date(2026, 7, 1)
    data = form_data(
        page,
        **{
            **{k: v for k, v in fields.items() if k not in ("branch", "organization")},
            "branch": tree.branch.pk,
            "id_number": fields["id_number"].lower(),
            "phone": "139 0000 0001",
        },
    )

    response = client.post(add, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    member = PartyMember.objects.get()
    assert member.id_number == fields["id_number"].upper()
    assert member.phone == "13900000001"
    assert member.probation_ends_on == datetime.date(2027, 7, 1)


def test_an_id_number_of_another_birth_date_shows_on_its_field(client, tenant, tree):
    client.force_login(tenant.street_admin)
    add = reverse("admin:partybuilding_partymember_add")
    fields = member_fields(tree.branch, 1)
    data = form_data(
        client.get(add),
        **{
            **{k: v for k, v in fields.items() if k not in ("branch", "organization")},
            "branch": tree.branch.pk,
            "birth_date": "1990-01-01",
        },
    )

    response = client.post(add, data)

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["id_number"]
    assert not PartyMember.objects.exists()


def test_the_branch_is_read_only_on_the_change_page(client, tenant, tree):
    member = make_member(tree.branch, 1)
    client.force_login(tenant.street_admin)

    response = client.get(member_change_url(member))

    assert "branch" not in response.context["adminform"].form.fields


def test_another_streets_member_does_not_exist_for_outsiders(client, tree, outsider_tenant):
    member = make_member(tree.branch, 1)
    client.force_login(outsider_tenant.street_admin)

    response = client.get(member_change_url(member), follow=True)

    assert member.id_number not in response.content.decode()
    assert response.redirect_chain or response.status_code == 404


def test_nobody_deletes_a_member_in_the_admin(client, tenant, tree):
    member = make_member(tree.branch, 1)
    client.force_login(tenant.street_admin)

    url = reverse("admin:partybuilding_partymember_delete", args=[member.pk])

    assert client.get(url).status_code == 403


# --- Transfers ----------------------------------------------------------------------------


def test_the_transfer_action_moves_members_and_records_the_history(client, tenant, tree):
    one, two = make_member(tree.branch, 1), make_member(tree.branch, 2)
    client.force_login(tenant.street_admin)

    response = client.post(
        reverse(MEMBERS),
        {
            "action": "transfer_members",
            ACTION_CHECKBOX_NAME: [one.pk, two.pk],
            "apply": "1",
            "to_branch": tree.other_branch.pk,
            "on": "2026-11-20",
            "note": "联合支部成立",
        },
    )

    assert response.status_code == 302
    assert set(PartyMember.objects.values_list("branch", flat=True)) == {tree.other_branch.pk}
    assert (
        MemberTransfer.objects.filter(to_branch=tree.other_branch, note="联合支部成立").count() == 2
    )
    history = client.get(member_change_url(one)).content.decode()
    assert "联合支部成立" in history


def test_the_transfer_form_offers_only_visible_branches(client, tenant, tree, outsider_tenant):
    outsider_branch = make_tree(outsider_tenant).branch
    member = make_member(tree.branch, 1)
    client.force_login(tenant.street_admin)

    response = client.post(
        reverse(MEMBERS), {"action": "transfer_members", ACTION_CHECKBOX_NAME: [member.pk]}
    )

    offered = set(response.context["form"].fields["to_branch"].queryset)
    assert tree.other_branch in offered and outsider_branch not in offered


def test_the_transfer_list_is_read_only_and_scoped(client, tenant, tree, outsider_tenant):
    member = make_member(tree.branch, 1, organization=tenant.org)
    MemberTransfer.objects.create(
        member=member,
        from_branch=tree.other_branch,
        to_branch=tree.branch,
        transferred_on=datetime.date(2026, 1, 1),
    )
    url = reverse("admin:partybuilding_membertransfer_changelist")

    client.force_login(tenant.street_admin)
    assert len(client.get(url).context["cl"].result_list) == 1
    assert client.get(reverse("admin:partybuilding_membertransfer_add")).status_code == 403
    client.force_login(outsider_tenant.street_admin)
    assert len(client.get(url).context["cl"].result_list) == 0


# --- The tree -----------------------------------------------------------------------------


def test_the_tree_list_counts_members_in_a_constant_number_of_queries(
    client, tenant, tree, count_queries
):
    client.force_login(tenant.street_admin)
    url = reverse(ORGS)
    make_member(tree.branch, 1)
    client.get(url)
    small = _measure(client, count_queries, url)
    for n in range(2, 30):
        make_member(tree.branch if n % 2 else tree.other_branch, n)
    large = _measure(client, count_queries, url)

    counts = {org.name: org.member_count for org in client.get(url).context["cl"].result_list}
    assert counts[tree.branch.name] == 15
    assert counts[tree.other_branch.name] == 14
    assert counts[tree.committee.name] == 0
    assert small.count == large.count, large.dump()


def test_the_tree_list_is_scoped(client, tenant, tree, outsider_tenant):
    make_tree(outsider_tenant)
    client.force_login(tenant.street_admin)

    names = {org.name for org in client.get(reverse(ORGS)).context["cl"].result_list}

    assert names == {
        tree.committee.name,
        tree.general_branch.name,
        tree.branch.name,
        tree.other_branch.name,
    }


def test_adding_a_branch_goes_through_the_tree_service(client, tenant, tree):
    client.force_login(tenant.street_admin)
    add = reverse("admin:partybuilding_partyorganization_add")
    data = form_data(
        client.get(add),
        street=tenant.street.pk,
        kind=PartyOrgKind.BRANCH,
        name="新建党支部",
        parent=tree.committee.pk,
        community=tenant.community.pk,
        establishment="single",
    )

    response = client.post(add, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    created = PartyOrganization.objects.get(name="新建党支部")
    assert created.term_years >= 1


def test_a_branch_without_its_establishment_is_refused_on_that_field(client, tenant, tree):
    client.force_login(tenant.street_admin)
    add = reverse("admin:partybuilding_partyorganization_add")
    data = form_data(
        client.get(add),
        street=tenant.street.pk,
        kind=PartyOrgKind.BRANCH,
        name="错误党支部",
        parent=tree.committee.pk,
        establishment="",
    )

    response = client.post(add, data)

    assert response.status_code == 200
    assert "establishment" in response.context["adminform"].form.errors
    assert not PartyOrganization.objects.filter(name="错误党支部").exists()


def test_community_staff_only_view_the_tree(client, tenant, tree):
    client.force_login(tenant.community_staff)
    url = reverse("admin:partybuilding_partyorganization_change", args=[tree.branch.pk])

    response = client.get(url)

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


# --- Read-only and service-backed neighbours ----------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        "development",
        "developmentevent",
        "partycoverage",
        "instructorassignment",
        "leadershipprereview",
        "partyactivity",
        "membertransfer",
    ],
)
def test_every_party_list_opens_for_street_staff(client, tenant, tree, model):
    client.force_login(tenant.street_admin)

    response = client.get(reverse(f"admin:partybuilding_{model}_changelist"))

    assert response.status_code == 200


def test_the_activity_list_filters_by_kind_and_branch(client, tenant, tree):
    from partybuilding.models import PartyActivity

    PartyActivity.objects.create(
        branch=tree.branch, kind="theme_day", date=datetime.date(2026, 11, 5), title="主题党日"
    )
    PartyActivity.objects.create(
        branch=tree.other_branch,
        kind="general_assembly",
        date=datetime.date(2026, 10, 5),
        title="党员大会",
    )
    client.force_login(tenant.street_admin)
    url = reverse("admin:partybuilding_partyactivity_changelist")

    by_kind = client.get(url, {"kind__exact": "theme_day"}).context["cl"].result_list
    by_branch = client.get(url, {"branch": tree.other_branch.pk}).context["cl"].result_list

    assert [a.title for a in by_kind] == ["主题党日"]
    assert [a.title for a in by_branch] == ["党员大会"]
