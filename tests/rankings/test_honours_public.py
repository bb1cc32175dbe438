"""Honours on the public side: the board's latest honours, an organization's honours on
its portrait, the API's honours with a person's name masked, and the two figures."""

import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from awards.models import Honour
from rankings.portrait import organization_portrait
from tests.factories import OrganizationFactory, record_honour

pytestmark = pytest.mark.django_db


def _person_honour(org):
    honour = record_honour(org)
    Honour.objects.filter(pk=honour.pk).update(
        awardee_kind="person", person_name="欧阳小华", title="优秀党员志愿者"
    )
    return honour


def test_the_board_and_the_portrait_show_honours_a_persons_name_masked(client, tenant):
    record_honour(tenant.org)
    _person_honour(tenant.other_org)
    html = client.get("/").content.decode()
    assert "测试优秀社会组织" in html and tenant.org.name in html
    assert "欧**华" in html and "欧阳小华" not in html
    portrait = organization_portrait(tenant.org.pk)
    assert [h["title"] for h in portrait["honours"]] == ["测试优秀社会组织"]
    cache.clear()
    other = organization_portrait(tenant.other_org.pk)
    assert other["honours"] == []  # a person's honour is not the organization's


def test_the_api_lists_honours_with_names_masked(client, tenant):
    record_honour(tenant.org)
    _person_honour(tenant.other_org)
    body = client.get("/api/v1/honours/").content.decode()
    rows = json.loads(body)["results"]
    assert {row["awardee"] for row in rows} == {tenant.org.name, "欧**华"}
    assert "欧阳小华" not in body
    mine = json.loads(client.get(f"/api/v1/honours/?organization={tenant.org.pk}").content)
    assert [row["organization"] for row in mine["results"]] == [tenant.org.pk]
    one = rows[0]["id"]
    assert client.get(reverse("api:honour-detail", args=[one])).status_code == 200
    assert client.get("/api/v1/honours/99999/").status_code == 404
    assert client.post("/api/v1/honours/").status_code == 405


def test_the_api_reads_honours_in_constant_queries(client, tenant, django_assert_max_num_queries):
    for size in (1, 12):
        for _ in range(size):
            record_honour(OrganizationFactory(community=tenant.community))
        cache.clear()
        with django_assert_max_num_queries(3):
            assert client.get("/api/v1/honours/").status_code == 200


def test_stats_carry_honours_and_campaigns_held(tenant, capsys):
    record_honour(tenant.org)
    call_command("stats", "--json", "--street", tenant.street.code)
    figures = json.loads(capsys.readouterr().out)
    assert (figures["honours_total"], figures["campaigns_held"]) == (1, 1)
