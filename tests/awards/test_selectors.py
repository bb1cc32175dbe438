"""The plain public values behind the public board, the portraits and the statistics."""

import datetime

import pytest

from awards.selectors import campaign_figures, honours_of_organization, latest_honours
from awards.services.campaigns import campaign_close
from tests.awards.conftest import (
    TODAY,
    eligible,
    make_campaign,
    nominate,
    publish,
    score,
    to_scoring,
)
from tests.factories import record_honour

pytestmark = pytest.mark.django_db


def test_latest_honours_are_plain_public_values_newest_first(tenant):
    record_honour(tenant.org)
    campaign = make_campaign(tenant, awardee_kind="person", title="优秀党员志愿者")
    nomination = nominate(
        campaign, eligible(tenant.org), tenant.street_admin, person_name="欧阳小华"
    )
    to_scoring(campaign, tenant)
    score(nomination, tenant.evaluator, 90)
    publish(campaign, tenant)

    campaign_close(
        campaign=campaign, actor=tenant.street_admin, today=TODAY + datetime.timedelta(days=8)
    )
    newest, older = latest_honours(5)
    assert newest == {
        "title": "优秀党员志愿者",
        "campaign": "优秀党员志愿者",
        "year": 2026,
        "awarded_on": TODAY + datetime.timedelta(days=8),
        "awardee_kind": "person",
        "awardee": "欧**华",
        "organization_id": None,
    }
    assert older["awardee"] == tenant.org.name and older["organization_id"] == tenant.org.pk
    # The organization's own honours only, not its people's.
    assert [h["title"] for h in honours_of_organization(tenant.org.pk)] == ["测试优秀社会组织"]
    assert campaign_figures(tenant.street) == {"honours_total": 2, "campaigns_held": 2}
    assert campaign_figures() == {"honours_total": 2, "campaigns_held": 2}


def test_public_values_take_a_constant_number_of_queries(tenant, django_assert_num_queries):
    record_honour(tenant.org)
    with django_assert_num_queries(1):
        latest_honours(10)
    with django_assert_num_queries(1):
        honours_of_organization(tenant.org.pk)
    record_honour(tenant.other_org)
    with django_assert_num_queries(1):
        assert len(latest_honours(10)) == 2
    with django_assert_num_queries(2):
        campaign_figures()
