"""The audit log: every data change with who made it, personal data masked, sign-ins and
failed sign-ins recorded, and nothing for a bare last_login touch."""

from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from incubation.models import Organization
from incubation.services import organization_update_contact
from partybuilding.models import PartyMember
from tests.factories import OrganizationFactory


def entries(obj):
    return AuditEntry.objects.filter(
        app_label=obj._meta.app_label, model=obj._meta.model_name, object_pk=str(obj.pk)
    )


def test_it_records_a_create_with_its_values(tenant):
    org = OrganizationFactory(community=tenant.community, leader_phone="13912345678")
    created = entries(org).get(action=AuditAction.CREATE)
    assert created.changes["name"] == org.name
    assert created.changes["leader_phone"] == "139****5678"
    assert created.actor is None and created.actor_name == ""  # the system (no request)


def test_it_records_who_changed_what_through_a_page(client, tenant):
    org = tenant.org
    client.force_login(tenant.leader)
    response = client.post(
        reverse("incubation:contact_edit", args=[org.pk]),
        {"leader_name": "新负责人", "leader_phone": "13800001111", "address": "凯旋路1号"},
    )
    assert response.status_code == 302
    change = entries(org).get(action=AuditAction.UPDATE)
    assert change.actor == tenant.leader and change.actor_name == tenant.leader.username
    assert change.changes["leader_name"][1] == "新负责人"
    assert change.changes["leader_phone"][1] == "138****1111"
    assert change.ip_address == "127.0.0.1"


def test_a_service_call_outside_a_request_is_the_system(tenant):
    organization_update_contact(
        organization=tenant.org, actor=tenant.street_admin, address="新地址"
    )
    change = entries(tenant.org).filter(action=AuditAction.UPDATE).get()
    assert change.changes["address"] == ["", "新地址"]


def test_it_records_a_delete(tenant):
    org = OrganizationFactory(community=tenant.community)
    pk = org.pk
    org.delete()
    assert AuditEntry.objects.filter(
        model="organization", object_pk=str(pk), action=AuditAction.DELETE
    ).exists()
    assert not Organization.objects.filter(pk=pk).exists()


def test_id_numbers_never_reach_the_log_in_clear(tenant):
    from datetime import date

    from partybuilding.models import PartyOrganization

    branch = PartyOrganization.objects.create(street=tenant.street, kind="branch", name="支部")
    member = PartyMember.objects.create(
        name="赵一",
        sex="F",
        birth_date=date(1949, 12, 31),
        id_number="11010519491231002X",
        branch=branch,
        status="full",
        joined_on=date(2000, 7, 1),
    )
    logged = entries(member).get(action=AuditAction.CREATE).changes
    assert "11010519491231002X" not in str(logged)


def test_sign_ins_and_failures_are_recorded_but_not_the_last_login_touch(client, tenant):
    tenant.leader.set_password("pw-123456")
    tenant.leader.save()
    before = AuditEntry.objects.filter(model="user").count()
    client.post(reverse("login"), {"username": tenant.leader.username, "password": "wrong"})
    client.post(reverse("login"), {"username": tenant.leader.username, "password": "pw-123456"})
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.LOGIN_FAILED, actor_name=tenant.leader.username
        ).count()
        == 1
    )
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN, actor=tenant.leader).count() == 1
    assert AuditEntry.objects.filter(model="user").count() == before


def test_only_superusers_read_the_log(client, tenant):
    client.force_login(tenant.street_admin)
    assert client.get("/admin/audit/auditentry/").status_code == 403
