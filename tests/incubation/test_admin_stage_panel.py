"""Issue 14, item 6: the organization's admin page shows what is due next, links to its
records in other modules, and changes its stage by one button per allowed target, each
posting through organization_change_stage; refusals come back as Chinese messages."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from incubation.models import CheckpointOverride, Organization
from incubation.selectors import checkpoint_status, stage_choices
from incubation.workflows import Stage

pytestmark = pytest.mark.django_db


def _change_url(org):
    return reverse("admin:incubation_organization_change", args=[org.pk])


def _stage_url(org):
    return reverse("admin:incubation_organization_stage", args=[org.pk])


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _unrecorded(org):
    Organization.objects.filter(pk=org.pk).update(
        leader_political_status="", party_member_count=None
    )
    org.refresh_from_db()
    return org


def test_it_shows_the_panel_with_allowed_targets_and_related_links(client, tenant):
    org = tenant.org
    client.force_login(tenant.street_admin)
    page = client.get(_change_url(org))
    assert page.status_code == 200
    body = page.content.decode()
    assert [c.to_stage for c in page.context["stage_choices"]] == [
        Stage.ONBOARDING,
        Stage.WITHDRAWN,
        Stage.DEREGISTERED,
    ]
    assert f'value="{Stage.ONBOARDING}"' in body and f'value="{Stage.MANAGEMENT}"' not in body
    assert f"organization__id__exact={org.pk}" in body
    assert reverse("admin:evaluation_review_changelist") in body
    assert reverse("admin:partybuilding_partycoverage_changelist") in body
    assert "下一步工作" in body and "本阶段党建同步要求" in body


def test_community_staff_get_only_the_changes_their_role_may_make(client, tenant):
    client.force_login(tenant.community_staff)
    page = client.get(_change_url(tenant.org))
    assert [c.to_stage for c in page.context["stage_choices"]] == [Stage.ONBOARDING]
    assert "override_reason" not in page.content.decode()


def test_checkpoint_status_reads_without_writing(tenant):
    org = _unrecorded(tenant.org)
    status = checkpoint_status(org, Stage.REGISTRATION)
    assert not status.met and status.missing
    assert not org.events.exists()
    assert checkpoint_status(org, Stage.WITHDRAWN) is None


def test_the_button_refuses_without_the_checkpoint(client, tenant):
    org = _unrecorded(tenant.org)
    client.force_login(tenant.community_staff)
    response = client.post(_stage_url(org), {"to_stage": Stage.ONBOARDING})
    assert response.status_code == 302 and response["Location"] == _change_url(org)
    org.refresh_from_db()
    assert org.stage == Stage.REGISTRATION
    assert any("党建" in text for text in _messages(response))


def test_the_button_moves_the_organization_through_the_service(client, tenant):
    Organization.objects.filter(pk=tenant.org.pk).update(
        leader_political_status="party_member", party_member_count=3
    )
    org = Organization.objects.get(pk=tenant.org.pk)
    assert checkpoint_status(org, Stage.REGISTRATION).met
    client.force_login(tenant.community_staff)
    response = client.post(_stage_url(org), {"to_stage": Stage.ONBOARDING, "note": "入驻"})
    org.refresh_from_db()
    assert org.stage == Stage.ONBOARDING
    assert org.events.filter(kind="stage_changed", to_value=Stage.ONBOARDING).exists()
    assert any(org.name in text for text in _messages(response))


def test_a_street_admin_lets_a_missing_checkpoint_pass_with_a_reason(client, tenant):
    org = _unrecorded(tenant.org)
    client.force_login(tenant.street_admin)
    client.post(_stage_url(org), {"to_stage": Stage.ONBOARDING, "override_reason": "先行入驻"})
    org.refresh_from_db()
    assert org.stage == Stage.ONBOARDING
    assert CheckpointOverride.objects.get(organization=org).reason == "先行入驻"


def test_a_target_outside_the_table_is_refused(client, tenant):
    client.force_login(tenant.street_admin)
    response = client.post(_stage_url(tenant.org), {"to_stage": Stage.AWARDS})
    tenant.org.refresh_from_db()
    assert tenant.org.stage == Stage.REGISTRATION
    assert _messages(response)


def test_another_streets_organization_is_a_404_and_get_is_refused(client, tenant, outsider_tenant):
    client.force_login(tenant.street_admin)
    assert (
        client.post(_stage_url(outsider_tenant.org), {"to_stage": "onboarding"}).status_code == 404
    )
    assert client.get(_stage_url(tenant.org)).status_code == 405


def test_the_choices_follow_the_permission(tenant):
    assert stage_choices(tenant.leader, tenant.org) == []
