"""Staff work on organizations in the admin: scoped lists and filters, saves and actions
that go through the services, and nothing of another street."""

import datetime

import pytest
from django import forms
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from core.identifiers import complete_uscc
from incubation import services
from incubation.choices import CreditGround, CreditList, EventKind
from incubation.models import (
    CheckpointOverride,
    CreditListing,
    IncubationServiceRecord,
    Organization,
    OrganizationEvent,
    Pairing,
)
from tests.factories import (
    OrganizationFactory,
    RegisteredOrganizationFactory,
    record_party_facts,
)

CHANGELIST = "admin:incubation_organization_changelist"
ADMIN_ROLES = ["street_admin", "community_staff", "party_worker"]
# A valid social-group code; its last character is the GB 32100 check character.
VALID_USCC = complete_uscc("51330102MJA00001")
BAD_CHECKSUM_USCC = VALID_USCC[:17] + ("1" if VALID_USCC[17] != "1" else "2")


def changelist(client, **params):
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200, response
    return response


def listed(response) -> set[str]:
    return {org.name for org in response.context["cl"].result_list}


def form_data(response, **overrides) -> dict:
    """What the browser sends back for an admin add/change page: every field with its
    current value and the inline management forms."""
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
        for inline_form in formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                data[inline_form.add_prefix(name)] = "" if value is None else value
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def admin_client(client, tenant):
    client.force_login(tenant.street_admin)
    return client


# --- The changelist -----------------------------------------------------------------------


def test_street_staff_see_every_organization_of_their_street_only(
    admin_client, tenant, outsider_tenant
):
    response = changelist(admin_client)
    assert listed(response) == {tenant.org.name, tenant.other_org.name}
    body = response.content.decode()
    for name in (outsider_tenant.org.name, outsider_tenant.other_org.name):
        assert name not in body


def test_community_staff_see_only_their_community(client, tenant, outsider_tenant):
    client.force_login(tenant.community_staff)
    response = changelist(client)
    assert listed(response) == {tenant.org.name}
    community_filter = response.context["cl"].filter_specs[0]
    assert [name for _pk, name in community_filter.lookup_choices] == [tenant.community.name]


def test_the_community_filter_offers_only_visible_communities(
    admin_client, tenant, outsider_tenant
):
    response = changelist(admin_client)
    community_filter = response.context["cl"].filter_specs[0]
    assert {name for _pk, name in community_filter.lookup_choices} == {
        tenant.community.name,
        tenant.other_community.name,
    }
    body = response.content.decode()
    assert outsider_tenant.community.name not in body
    assert outsider_tenant.other_community.name not in body
    assert outsider_tenant.street.name not in body


def test_it_filters_by_community(admin_client, tenant):
    assert listed(changelist(admin_client, community=tenant.other_community.pk)) == {
        tenant.other_org.name
    }


def test_filtering_by_another_streets_community_shows_nothing(
    admin_client, tenant, outsider_tenant
):
    response = admin_client.get(reverse(CHANGELIST), {"community": outsider_tenant.community.pk})
    assert outsider_tenant.org.name not in response.content.decode()
    if response.status_code == 200:
        assert listed(response) == set()


@pytest.mark.parametrize(
    ("param", "value", "attrs"),
    [
        ("stage__exact", "management", {"stage": "management"}),
        ("legal_status__exact", "social_group", None),
        ("growth_level__exact", "hub_org", {"growth_level": "hub_org"}),
        ("incubation_phase__exact", "incubating", {"incubation_phase": "incubating"}),
        ("grade__exact", "4A", {"grade": "4A"}),
    ],
)
def test_it_filters_by_fixed_vocabularies(param, value, attrs, admin_client, tenant):
    if attrs is None:
        match = RegisteredOrganizationFactory(community=tenant.community, name="目标组织")
    else:
        match = OrganizationFactory(community=tenant.community, name="目标组织", **attrs)
    response = changelist(admin_client, **{param: value})
    assert listed(response) == {match.name}


def test_it_searches_by_name(admin_client, tenant):
    assert listed(changelist(admin_client, q="书画")) == {tenant.other_org.name}


def test_it_searches_by_exact_uscc(admin_client, tenant):
    org = RegisteredOrganizationFactory(community=tenant.community, uscc=VALID_USCC)
    RegisteredOrganizationFactory(community=tenant.community)
    assert listed(changelist(admin_client, q=VALID_USCC)) == {org.name}
    # Exact match only: a fragment finds nothing.
    assert listed(changelist(admin_client, q=VALID_USCC[:10])) == set()


def test_it_searches_by_filing_number(admin_client, tenant):
    assert listed(changelist(admin_client, q=tenant.org.filing_number)) == {tenant.org.name}


def test_it_searches_by_leader_name(admin_client, tenant):
    Organization.objects.filter(pk=tenant.other_org.pk).update(leader_name="王秀英")
    assert listed(changelist(admin_client, q="秀英")) == {tenant.other_org.name}


def test_search_never_reaches_another_street(admin_client, tenant, outsider_tenant):
    Organization.objects.filter(pk=outsider_tenant.org.pk).update(leader_name="王秀英")
    assert listed(changelist(admin_client, q="王秀英")) == set()
    assert listed(changelist(admin_client, q=outsider_tenant.org.filing_number)) == set()


def _measure(client, count_queries, url):
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    return q.count, q.dump()


def test_the_changelist_query_count_does_not_grow_with_organizations(
    admin_client, tenant, count_queries
):
    communities = [tenant.community, tenant.other_community]
    url = reverse(CHANGELIST)

    def add(count):
        for n in range(count):
            OrganizationFactory(community=communities[n % 2])

    add(3)  # 5 with the two of the fixture
    admin_client.get(url)  # fill the per-process caches (content types, …) first
    small = _measure(admin_client, count_queries, url)
    add(45)
    large = _measure(admin_client, count_queries, url)
    assert len(admin_client.get(url).context["cl"].result_list) == 50
    assert small[0] == large[0], (
        f"{small[0]} queries for 5 organizations, {large[0]} for 50\n"
        f"--- 5 ---\n{small[1]}\n--- 50 ---\n{large[1]}"
    )
    print(f"admin organization changelist: {large[0]} queries")


# --- The change page and the add form ---------------------------------------------------------


def test_the_change_page_shows_the_timeline(admin_client, tenant):
    services.organization_update(
        organization=tenant.org, actor=tenant.street_admin, address="凯旋路 1 号"
    )
    OrganizationEvent.objects.create(organization=tenant.other_org, kind=EventKind.GRADE_SET)
    response = admin_client.get(
        reverse("admin:incubation_organization_change", args=[tenant.org.pk])
    )
    assert response.status_code == 200
    (inline,) = [
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.formset.model is OrganizationEvent
    ]
    assert [event.kind for event in inline.formset.queryset] == ["updated"]
    body = response.content.decode()
    assert "时间线" in body
    assert "信息变更" in body
    assert str(tenant.street_admin) in body


def _add_page(client):
    response = client.get(reverse("admin:incubation_organization_add"))
    assert response.status_code == 200
    return response


def test_adding_an_organization_goes_through_the_service(admin_client, tenant):
    spaced = " ".join([VALID_USCC[:6], VALID_USCC[6:12], VALID_USCC[12:]]).lower()
    data = form_data(
        _add_page(admin_client),
        name="凯旋青年志愿者协会",
        legal_status="social_group",
        uscc=spaced,
        community=tenant.community.pk,
        leader_name="赵敏",
        leader_political_status="party_member",
        party_member_count=4,
    )
    response = admin_client.post(reverse("admin:incubation_organization_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    org = Organization.objects.get(name="凯旋青年志愿者协会")
    assert org.uscc == VALID_USCC
    assert org.filing_number is None
    assert org.stage == "registration"
    event = OrganizationEvent.objects.get(organization=org)
    assert (event.kind, event.actor, event.to_value) == (
        EventKind.CREATED,
        tenant.street_admin,
        "registration",
    )


def test_an_invalid_uscc_shows_what_is_wrong_and_creates_nothing(admin_client, tenant):
    data = form_data(
        _add_page(admin_client),
        name="凯旋青年志愿者协会",
        legal_status="social_group",
        uscc=BAD_CHECKSUM_USCC,
        community=tenant.community.pk,
    )
    response = admin_client.post(reverse("admin:incubation_organization_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["uscc"] == [
        f"校验码（第18位）应为{VALID_USCC[17]}，而不是{BAD_CHECKSUM_USCC[17]}。"
    ]
    assert "校验码（第18位）" in response.content.decode()
    assert not Organization.objects.filter(name="凯旋青年志愿者协会").exists()
    assert not OrganizationEvent.objects.exists()


def test_a_code_of_the_wrong_type_is_refused(admin_client, tenant):
    # Position 2 is 1 (social group) but the legal status says foundation (3).
    data = form_data(
        _add_page(admin_client),
        name="凯旋慈善基金会",
        legal_status="foundation",
        uscc=VALID_USCC,
        community=tenant.community.pk,
    )
    response = admin_client.post(reverse("admin:incubation_organization_add"), data)
    assert response.status_code == 200
    assert "第2位" in " ".join(response.context["adminform"].form.errors["uscc"])
    assert not Organization.objects.filter(name="凯旋慈善基金会").exists()


def test_an_organization_cannot_be_added_to_another_streets_community(
    admin_client, tenant, outsider_tenant
):
    data = form_data(
        _add_page(admin_client),
        name="越界组织",
        legal_status="filed",
        filing_number="KX-2026-999",
        community=outsider_tenant.community.pk,
    )
    response = admin_client.post(reverse("admin:incubation_organization_add"), data)
    assert response.status_code == 200
    assert "community" in response.context["adminform"].form.errors
    assert not Organization.objects.filter(name="越界组织").exists()


def test_adding_a_checksum_exempt_code_with_a_reason_is_audited(admin_client, tenant):
    data = form_data(
        _add_page(admin_client),
        name="试点社团",
        legal_status="social_group",
        uscc=BAD_CHECKSUM_USCC,
        uscc_checksum_exempt="on",
        exempt_reason="2015 年试点期间依法核发",
        community=tenant.community.pk,
    )
    response = admin_client.post(reverse("admin:incubation_organization_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    org = Organization.objects.get(name="试点社团")
    assert org.uscc == BAD_CHECKSUM_USCC
    assert org.uscc_exempt_reason == "2015 年试点期间依法核发"
    assert set(org.events.values_list("kind", flat=True)) == {
        EventKind.CREATED,
        EventKind.CODE_EXEMPTED,
    }


def _change_page(client, org):
    response = client.get(reverse("admin:incubation_organization_change", args=[org.pk]))
    assert response.status_code == 200
    return response


def test_editing_records_an_updated_event(admin_client, tenant):
    url = reverse("admin:incubation_organization_change", args=[tenant.org.pk])
    data = form_data(_change_page(admin_client, tenant.org), address="凯旋路 8 号")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    tenant.org.refresh_from_db()
    assert tenant.org.address == "凯旋路 8 号"
    event = OrganizationEvent.objects.get(organization=tenant.org)
    assert (event.kind, event.actor) == (EventKind.UPDATED, tenant.street_admin)
    assert event.evidence == {"changed": {"address": ["", "凯旋路 8 号"]}}


def test_saving_without_changes_writes_no_event(admin_client, tenant):
    url = reverse("admin:incubation_organization_change", args=[tenant.org.pk])
    response = admin_client.post(url, form_data(_change_page(admin_client, tenant.org)))
    assert response.status_code == 302
    assert not OrganizationEvent.objects.filter(organization=tenant.org).exists()


def test_marking_a_code_exempt_needs_a_reason(admin_client, tenant):
    org = RegisteredOrganizationFactory(community=tenant.community)
    url = reverse("admin:incubation_organization_change", args=[org.pk])
    data = form_data(
        _change_page(admin_client, org), uscc=BAD_CHECKSUM_USCC, uscc_checksum_exempt="on"
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["exempt_reason"] == [
        "请说明接受未通过校验的代码的理由。"
    ]
    org.refresh_from_db()
    assert not org.uscc_checksum_exempt
    assert org.uscc != BAD_CHECKSUM_USCC
    assert not org.events.exists()


def test_marking_a_code_exempt_with_a_reason_is_audited(admin_client, tenant):
    org = RegisteredOrganizationFactory(community=tenant.community)
    url = reverse("admin:incubation_organization_change", args=[org.pk])
    data = form_data(
        _change_page(admin_client, org),
        uscc=BAD_CHECKSUM_USCC,
        uscc_checksum_exempt="on",
        exempt_reason="民政局书面确认",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    org.refresh_from_db()
    assert (org.uscc, org.uscc_checksum_exempt, org.uscc_exempt_reason) == (
        BAD_CHECKSUM_USCC,
        True,
        "民政局书面确认",
    )
    assert list(org.events.order_by("pk").values_list("kind", flat=True)) == [
        EventKind.CODE_EXEMPTED,
        EventKind.UPDATED,
    ]


def test_community_staff_may_not_mark_a_code_exempt(client, tenant):
    # Only street staff may accept a failing code: the checkbox is not offered to
    # community staff, so the service never has to refuse a saved form.
    org = RegisteredOrganizationFactory(community=tenant.community)
    client.force_login(tenant.community_staff)
    page = _change_page(client, org)
    assert "uscc_checksum_exempt" not in page.context["adminform"].form.fields
    url = reverse("admin:incubation_organization_change", args=[org.pk])
    data = form_data(page, uscc=BAD_CHECKSUM_USCC, uscc_checksum_exempt="on", exempt_reason="理由")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "uscc" in response.context["adminform"].form.errors
    org.refresh_from_db()
    assert not org.uscc_checksum_exempt
    assert not org.events.exists()


def test_community_staff_can_edit_an_organization_whose_code_is_already_exempt(client, tenant):
    org = RegisteredOrganizationFactory(
        community=tenant.community,
        uscc=BAD_CHECKSUM_USCC,
        uscc_checksum_exempt=True,
        uscc_exempt_reason="试点代码",
    )
    client.force_login(tenant.community_staff)
    url = reverse("admin:incubation_organization_change", args=[org.pk])
    response = client.post(url, form_data(_change_page(client, org), address="凯旋路 9 号"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    org.refresh_from_db()
    assert (org.address, org.uscc_checksum_exempt) == ("凯旋路 9 号", True)
    assert org.events.get().kind == EventKind.UPDATED


@pytest.mark.parametrize("role", ADMIN_ROLES)
def test_another_streets_organization_does_not_exist_for_outsiders(
    role, client, tenant, outsider_tenant
):
    client.force_login(getattr(outsider_tenant, role))
    url = reverse("admin:incubation_organization_change", args=[tenant.org.pk])
    response = client.get(url)
    # The stock admin redirects to its index with a "does not exist" message; either way
    # nothing of the organization is shown.
    assert response.status_code in (302, 404)
    followed = client.get(url, follow=True)
    assert tenant.org.name not in followed.content.decode()
    response = client.post(url, {"name": "改名", "address": "x"})
    assert response.status_code in (302, 403, 404)
    tenant.org.refresh_from_db()
    assert tenant.org.name == "a邻里互助会"


def test_community_staff_cannot_open_another_communitys_organization(client, tenant):
    client.force_login(tenant.community_staff)
    url = reverse("admin:incubation_organization_change", args=[tenant.other_org.pk])
    assert client.get(url).status_code in (302, 404)
    assert tenant.other_org.name not in client.get(url, follow=True).content.decode()


# --- The stage-change action ----------------------------------------------------------------


def _start_action(client, orgs):
    return client.post(
        reverse(CHANGELIST),
        {"action": "change_stage", ACTION_CHECKBOX_NAME: [org.pk for org in orgs]},
    )


def test_the_stage_change_action_shows_an_intermediate_page(admin_client, tenant):
    response = _start_action(admin_client, [tenant.org, tenant.other_org])
    assert response.status_code == 200
    assert "admin/incubation/change_stage.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert tenant.org.name in body
    assert tenant.other_org.name in body
    assert "新环节" in body
    tenant.org.refresh_from_db()
    assert tenant.org.stage == "registration"


def test_the_stage_change_moves_the_ready_and_names_the_refused(admin_client, tenant):
    ready = RegisteredOrganizationFactory(community=tenant.community, name="准备就绪社")
    lacking = tenant.org  # no political status, no party-member count
    _start_action(admin_client, [ready, lacking])
    response = admin_client.post(
        reverse(CHANGELIST),
        {
            "action": "change_stage",
            ACTION_CHECKBOX_NAME: [ready.pk, lacking.pk],
            "apply": "变更环节",
            "to_stage": "onboarding",
            "note": "首批入驻",
        },
    )
    assert response.status_code == 302
    ready.refresh_from_db()
    lacking.refresh_from_db()
    assert ready.stage == "onboarding"
    assert lacking.stage == "registration"
    event = ready.events.get(kind=EventKind.STAGE_CHANGED)
    assert (event.from_value, event.to_value, event.actor, event.note) == (
        "registration",
        "onboarding",
        tenant.street_admin,
        "首批入驻",
    )
    assert not lacking.events.exists()
    shown = messages_of(response)
    assert "已变更 1 家组织的环节。" in shown
    (refusal,) = [line for line in shown if line.startswith(lacking.name)]
    assert "未登记负责人政治面貌" in refusal
    assert "未登记党员人数" in refusal


def test_onboarding_needs_recorded_coverage_and_typed_coverage_does_not_count(admin_client, tenant):
    org = RegisteredOrganizationFactory(community=tenant.community, stage="onboarding")
    data = {
        "action": "change_stage",
        ACTION_CHECKBOX_NAME: [org.pk],
        "apply": "1",
        "to_stage": "management",
    }
    response = admin_client.post(reverse(CHANGELIST), data)
    org.refresh_from_db()
    assert org.stage == "onboarding"
    refusal, hint = messages_of(response)
    assert "尚未登记党建覆盖" in refusal
    assert "请先登记所缺的党建信息,或填写放行理由" in hint

    # The typed fields of the record-reading stages are gone; posting them changes nothing.
    data.update(coverage="joint_branch", party_liaison="王芳")
    admin_client.post(reverse(CHANGELIST), data)
    org.refresh_from_db()
    assert org.stage == "onboarding"

    record_party_facts(org)
    admin_client.post(reverse(CHANGELIST), data)
    org.refresh_from_db()
    assert org.stage == "management"
    event = org.events.get(kind=EventKind.STAGE_CHANGED)
    assert event.evidence["checkpoint"]["coverage"] == "instructor"


def test_street_staff_may_let_a_missing_checkpoint_pass_with_a_reason(admin_client, tenant):
    org = RegisteredOrganizationFactory(community=tenant.community, stage="onboarding")
    page = admin_client.post(
        reverse(CHANGELIST), {"action": "change_stage", ACTION_CHECKBOX_NAME: [org.pk]}
    ).content.decode()
    assert "放行理由" in page
    assert 'name="coverage"' not in page and 'name="party_activity_count"' not in page

    response = admin_client.post(
        reverse(CHANGELIST),
        {
            "action": "change_stage",
            ACTION_CHECKBOX_NAME: [org.pk],
            "apply": "1",
            "to_stage": "management",
            "override_reason": "街道党工委同意先行入驻",
        },
    )

    org.refresh_from_db()
    assert org.stage == "management"
    assert "已变更 1 家组织的环节。" in messages_of(response)
    override = CheckpointOverride.objects.get(organization=org)
    assert (override.reason, override.actor) == ("街道党工委同意先行入驻", tenant.street_admin)


def test_community_staff_are_not_offered_the_override(client, tenant):
    client.force_login(tenant.community_staff)
    org = RegisteredOrganizationFactory(community=tenant.community, stage="onboarding")
    data = {"action": "change_stage", ACTION_CHECKBOX_NAME: [org.pk]}

    page = client.post(reverse(CHANGELIST), data).content.decode()
    assert "放行理由" not in page

    data.update(apply="1", to_stage="management", override_reason="先行入驻")
    response = client.post(reverse(CHANGELIST), data)
    org.refresh_from_db()
    assert org.stage == "onboarding"
    assert not CheckpointOverride.objects.exists()
    assert any("尚未登记党建覆盖" in line for line in messages_of(response))


def test_an_invalid_stage_form_shows_the_intermediate_page_again(admin_client, tenant):
    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "change_stage", ACTION_CHECKBOX_NAME: [tenant.org.pk], "apply": "1"},
    )
    assert response.status_code == 200
    assert "to_stage" in response.context["form"].errors
    tenant.org.refresh_from_db()
    assert tenant.org.stage == "registration"


def test_community_staff_move_their_own_organizations_into_onboarding(client, tenant):
    org = RegisteredOrganizationFactory(community=tenant.community)
    client.force_login(tenant.community_staff)
    response = client.post(
        reverse(CHANGELIST),
        {
            "action": "change_stage",
            ACTION_CHECKBOX_NAME: [org.pk, tenant.other_org.pk],
            "apply": "1",
            "to_stage": "onboarding",
        },
    )
    assert messages_of(response) == ["已变更 1 家组织的环节。"]
    org.refresh_from_db()
    tenant.other_org.refresh_from_db()
    assert org.stage == "onboarding"
    assert tenant.other_org.stage == "registration"  # another community: not even selected


def test_the_stage_change_is_not_offered_to_read_only_staff(client, tenant):
    client.force_login(tenant.party_worker)
    response = changelist(client)
    action_form = response.context["action_form"]  # None: no action at all is offered
    assert action_form is None or "change_stage" not in dict(action_form.fields["action"].choices)
    org = RegisteredOrganizationFactory(community=tenant.community)
    client.post(
        reverse(CHANGELIST),
        {
            "action": "change_stage",
            ACTION_CHECKBOX_NAME: [org.pk],
            "apply": "1",
            "to_stage": "onboarding",
        },
    )
    org.refresh_from_db()
    assert org.stage == "registration"


def test_the_stage_change_never_reaches_another_street(client, tenant, outsider_tenant):
    org = RegisteredOrganizationFactory(community=tenant.community)
    client.force_login(outsider_tenant.street_admin)
    page = _start_action(client, [org])
    assert org.name not in page.content.decode()
    client.post(
        reverse(CHANGELIST),
        {
            "action": "change_stage",
            ACTION_CHECKBOX_NAME: [org.pk],
            "apply": "1",
            "to_stage": "onboarding",
        },
    )
    org.refresh_from_db()
    assert org.stage == "registration"
    assert not org.events.exists()


# --- The other registry pages -----------------------------------------------------------------


def _registry_rows(tenant):
    """One row of every organization-owned model for the tenant's organization."""
    mentor = OrganizationFactory(community=tenant.community, growth_level="hub_org")
    day = datetime.date(2026, 3, 1)
    return {
        "incubationservicerecord": IncubationServiceRecord.objects.create(
            organization=tenant.org, kind="capacity", date=day, provider="凯益荟", hours=2
        ),
        "creditlisting": CreditListing.objects.create(
            organization=tenant.org,
            list_kind=CreditList.ABNORMAL,
            ground=CreditGround.UNREACHABLE,
            listed_on=day,
        ),
        "pairing": Pairing.objects.create(mentor=mentor, mentee=tenant.org, started_on=day),
        "organizationevent": OrganizationEvent.objects.create(
            organization=tenant.org, kind=EventKind.CREATED
        ),
    }


@pytest.mark.parametrize(
    "model", ["incubationservicerecord", "creditlisting", "pairing", "organizationevent"]
)
def test_the_registry_changelists_are_scoped(model, client, tenant, outsider_tenant):
    own = _registry_rows(tenant)[model]
    foreign = _registry_rows(outsider_tenant)[model]
    client.force_login(tenant.street_admin)
    response = client.get(reverse(f"admin:incubation_{model}_changelist"))
    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [own.pk]
    body = response.content.decode()
    assert tenant.org.name in body
    assert outsider_tenant.org.name not in body
    change = reverse(f"admin:incubation_{model}_change", args=[foreign.pk])
    assert client.get(change).status_code in (302, 404)
    assert outsider_tenant.org.name not in client.get(change, follow=True).content.decode()


def test_adding_a_credit_listing_goes_through_the_service(admin_client, tenant):
    url = reverse("admin:incubation_creditlisting_add")
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "organization": tenant.org.pk,
            "list_kind": CreditList.ABNORMAL,
            "ground": CreditGround.LATE_ANNUAL_REPORT,
            "listed_on": "2026-06-01",
            "note": "2025 年度报告逾期",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    listing = CreditListing.objects.get(organization=tenant.org)
    assert listing.ground == CreditGround.LATE_ANNUAL_REPORT
    event = tenant.org.events.get()
    assert (event.kind, event.actor, event.to_value, event.note) == (
        EventKind.CREDIT_LISTED,
        tenant.street_admin,
        CreditList.ABNORMAL,
        "2025 年度报告逾期",
    )


def test_a_credit_listing_cannot_name_another_streets_organization(
    admin_client, tenant, outsider_tenant
):
    response = admin_client.post(
        reverse("admin:incubation_creditlisting_add"),
        {
            "organization": outsider_tenant.org.pk,
            "list_kind": CreditList.ABNORMAL,
            "ground": CreditGround.UNREACHABLE,
            "listed_on": "2026-06-01",
        },
    )
    assert response.status_code == 200
    assert "organization" in response.context["adminform"].form.errors
    assert not CreditListing.objects.exists()
    assert not OrganizationEvent.objects.exists()


def test_a_refused_pairing_shows_the_reason_and_creates_nothing(admin_client, tenant):
    # Neither a hub organization nor graded 4A+: the service refuses the mentor.
    mentor = OrganizationFactory(community=tenant.community, name="普通社")
    response = admin_client.post(
        reverse("admin:incubation_pairing_add"),
        {"mentor": mentor.pk, "mentee": tenant.org.pk, "started_on": "2026-06-01"},
        follow=True,
    )
    assert response.status_code == 200
    assert "枢纽型" in response.content.decode()
    assert not Pairing.objects.exists()
    assert not OrganizationEvent.objects.exists()


def test_a_pairing_is_created_through_the_service(admin_client, tenant):
    mentor = OrganizationFactory(community=tenant.community, growth_level="hub_org")
    response = admin_client.post(
        reverse("admin:incubation_pairing_add"),
        {"mentor": mentor.pk, "mentee": tenant.org.pk, "started_on": "2026-06-01"},
    )
    assert response.status_code == 302
    assert Pairing.objects.get().mentor == mentor
    assert tenant.org.events.get().kind == EventKind.PAIRED


def test_a_pairing_is_ended_through_the_service(admin_client, tenant):
    mentor = OrganizationFactory(community=tenant.community, growth_level="hub_org")
    pairing = services.pairing_create(
        mentor=mentor,
        mentee=tenant.org,
        started_on=datetime.date(2026, 1, 1),
        actor=tenant.street_admin,
    )
    url = reverse("admin:incubation_pairing_change", args=[pairing.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"ended_on": "2026-10-01"})
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.ended_on == datetime.date(2026, 10, 1)


def test_the_event_log_is_read_only(admin_client, tenant):
    event = OrganizationEvent.objects.create(organization=tenant.org, kind=EventKind.CREATED)
    assert admin_client.get(reverse("admin:incubation_organizationevent_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:incubation_organizationevent_change", args=[event.pk]),
        {"kind": EventKind.GRADE_SET},
    )
    assert response.status_code == 403
    assert (
        admin_client.post(
            reverse("admin:incubation_organizationevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.kind == EventKind.CREATED


def test_the_search_can_be_answered_from_indexes(admin_user, tenant):
    """incubation 0007: the four OR-ed conditions of the search each match an index
    (trigram for the contains search, UPPER() for the exact codes), so PostgreSQL need not
    read every organization. With sequential scans priced out, the plan must use them."""
    from django.contrib import admin as django_admin
    from django.db import connection
    from django.test import RequestFactory

    if connection.vendor != "postgresql":
        pytest.skip("the indexes exist on PostgreSQL only")
    model_admin = django_admin.site._registry[Organization]
    request = RequestFactory().get("/")
    request.user = admin_user
    found, _ = model_admin.get_search_results(request, Organization.objects.all(), "书画")
    sql, params = found.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in ("org_name_trgm", "org_leader_name_trgm", "org_uscc_upper"):
        assert index in plan, plan
