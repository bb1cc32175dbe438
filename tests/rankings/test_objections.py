"""Objections to a ranking on public notice (公示): filed by the organization's own leader
with evidence while the notice runs, one open at a time, decided by the street's staff
with a reason (复核); an upheld one re-runs the ranking into a new snapshot on notice
again, the old rows untouched; finalizing waits for every decision. The leader's portal
pages and the staff's admin pages, their 404s and their query counts."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from core.errors import ActionRefused
from notifications.models import Notification
from rankings.choices import PeriodKind, ScopeKind
from rankings.models import Objection, ObjectionEvidence, Ranking
from rankings.services.objections import objection_decide, objection_file
from rankings.services.rankings import ranking_compute, ranking_finalize, ranking_publish
from rankings.workflows import ObjectionStatus, RankingStatus
from tests.factories import OrganizationFactory, UserFactory
from tests.rankings.conftest import PERIOD, at, confirm_claims

pytestmark = pytest.mark.django_db

PUBLISHED = at(datetime.date(2026, 12, 2))
DURING = at(datetime.date(2026, 12, 5))
AFTER = at(datetime.date(2026, 12, 10))
PDF = b"%PDF-1.4\n% objection evidence\n"


def pdf(name="签到表.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def ranking(tenant, scheme):
    """The street-wide November ranking, on notice from 2 December to 9 December."""
    confirm_claims(tenant.org, 1)
    confirm_claims(tenant.other_org, 2)
    with time_machine.travel(PUBLISHED, tick=False):
        ranking_compute(
            street_id=tenant.street.pk,
            period_kind=PeriodKind.MONTH,
            period_start=PERIOD,
            actor=tenant.street_admin,
        )
        street = Ranking.objects.get(street=tenant.street, scope_kind=ScopeKind.STREET)
        return ranking_publish(street, actor=tenant.street_admin)


@pytest.fixture
def during():
    with time_machine.travel(DURING, tick=False):
        yield


def _file(ranking, tenant, text="漏计了11月的两次助餐认领", **kw):
    return objection_file(ranking, tenant.org, actor=tenant.leader, text=text, **kw)


def _rows(ranking):
    return list(ranking.rows.values_list("organization_id", "rank", "score", "dimension_scores"))


def other_leader_of(tenant, org=None):
    leader = UserFactory(username="a-leader2", role=Role.ORG_LEADER, street=tenant.street)
    (org or tenant.other_org).leader_accounts.add(leader)
    return leader


# --- Filing -------------------------------------------------------------------------------


def test_it_files_an_objection_with_evidence_and_tells_the_staff(
    tenant, ranking, during, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        objection = _file(ranking, tenant, evidence=pdf())
    assert objection.status == ObjectionStatus.FILED and objection.filed_by == tenant.leader
    evidence = ObjectionEvidence.objects.get(objection=objection)
    assert evidence.content_type == "pdf" and evidence.original_name == "签到表.pdf"
    assert [e.to_value for e in objection.events.all()] == [ObjectionStatus.FILED]
    note = Notification.objects.get(kind="ranking_objection_filed")
    assert note.recipient == tenant.street_admin
    assert note.url == reverse("admin:rankings_objection_decide", args=[objection.pk])


def test_a_file_that_is_not_evidence_refuses_the_whole_filing(tenant, ranking, during):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="accepted type|类型"):
        _file(ranking, tenant, evidence=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf"))
    assert not Objection.objects.exists()


def test_only_the_organizations_own_leader_objects(tenant, ranking, during):
    stranger = other_leader_of(tenant)
    for user in (stranger, tenant.street_admin, tenant.community_staff):
        with pytest.raises(ActionRefused, match="own leader|负责人"):
            objection_file(ranking, tenant.org, actor=user, text="不服")
    assert not Objection.objects.exists()


def test_only_while_the_ranking_is_on_notice(tenant, scheme):
    confirm_claims(tenant.org, 1)
    with time_machine.travel(PUBLISHED, tick=False):
        ranking_compute(
            street_id=tenant.street.pk,
            period_kind=PeriodKind.MONTH,
            period_start=PERIOD,
            actor=tenant.street_admin,
        )
        ranking = Ranking.objects.get(street=tenant.street, scope_kind=ScopeKind.STREET)
        with pytest.raises(ActionRefused, match="not on public notice yet|尚未公示"):
            _file(ranking, tenant)
        ranking = ranking_publish(ranking, actor=tenant.street_admin)
    with time_machine.travel(AFTER, tick=False):
        with pytest.raises(ActionRefused, match="notice ended|公示已于"):
            _file(ranking, tenant)
        ranking = ranking_finalize(ranking, actor=tenant.street_admin)
        with pytest.raises(ActionRefused, match="final|已定榜"):
            _file(ranking, tenant)
    assert not Objection.objects.exists()


def test_the_last_minute_of_the_notice_still_counts(tenant, ranking):
    with time_machine.travel(ranking.notice_until - datetime.timedelta(minutes=1), tick=False):
        assert _file(ranking, tenant).status == ObjectionStatus.FILED
    with (
        time_machine.travel(ranking.notice_until, tick=False),
        pytest.raises(ActionRefused, match="notice ended|公示已于"),
    ):
        objection_file(ranking, tenant.org, actor=tenant.leader, text="again")


def test_only_an_organization_in_the_ranking(tenant, ranking, during):
    community = Ranking.objects.get(
        street=tenant.street, scope_kind=ScopeKind.COMMUNITY, community=tenant.other_community
    )
    with time_machine.travel(PUBLISHED, tick=False):
        community = ranking_publish(community, actor=tenant.street_admin)
    with pytest.raises(ActionRefused, match="not in this ranking|不在"):
        _file(community, tenant)


def test_one_open_objection_per_organization_and_ranking(tenant, ranking, during):
    first = _file(ranking, tenant)
    with pytest.raises(ActionRefused, match="awaiting a decision|待处理"):
        _file(ranking, tenant, text="再说一遍")
    with pytest.raises(ActionRefused, match="what is wrong|异议内容"):
        objection_file(ranking, tenant.other_org, actor=other_leader_of(tenant), text="  ")
    objection_decide(first, upheld=False, reason="已计入，无误", actor=tenant.street_admin)
    assert _file(ranking, tenant, text="补充证据").status == ObjectionStatus.FILED


# --- Deciding -----------------------------------------------------------------------------


def test_a_decision_needs_a_reason_and_the_streets_staff(tenant, outsider_tenant, ranking, during):
    objection = _file(ranking, tenant)
    with pytest.raises(ActionRefused, match="reason|理由"):
        objection_decide(objection, upheld=False, reason=" ", actor=tenant.street_admin)
    for user in (tenant.community_staff, tenant.leader, outsider_tenant.street_admin):
        with pytest.raises(ActionRefused):
            objection_decide(objection, upheld=False, reason="无误", actor=user)
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.FILED and objection.decided_at is None


def test_upheld_reruns_into_a_new_snapshot_on_notice_and_leaves_the_old_rows(
    tenant, ranking, django_capture_on_commit_callbacks
):
    frozen = _rows(ranking)
    assert frozen[0][0] == tenant.other_org.pk
    with time_machine.travel(DURING, tick=False):
        objection = _file(ranking, tenant)
    # Staff correct the source record first: the two missed claims are confirmed.
    confirm_claims(tenant.org, 2)
    decided_at = at(datetime.date(2026, 12, 8))
    with (
        time_machine.travel(decided_at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        objection = objection_decide(
            objection, upheld=True, reason="核实漏计两次认领", actor=tenant.street_admin
        )
    new = objection.rerun
    assert objection.status == ObjectionStatus.UPHELD and objection.decided_at == decided_at
    assert new.supersedes == ranking and "核实漏计两次认领" in new.reason
    assert tenant.org.name in new.reason
    # The corrected result is on notice again, for a full period from the decision.
    assert new.status == RankingStatus.NOTICE
    assert new.notice_until == decided_at + datetime.timedelta(days=7)
    assert new.rows.get(organization=tenant.org).rank == 1
    ranking.refresh_from_db()
    assert _rows(ranking) == frozen and ranking.status == RankingStatus.NOTICE
    note = Notification.objects.get(kind="ranking_objection_decided")
    assert note.recipient == tenant.leader and "核实漏计两次认领" in note.body
    assert note.url == reverse("rankings:notice_row", args=[new.pk, tenant.org.pk])
    # Deciding the same way again changes nothing; the other way is refused.
    assert objection_decide(objection, upheld=True, reason="x", actor=tenant.street_admin) == (
        objection
    )
    with pytest.raises(ActionRefused):
        objection_decide(objection, upheld=False, reason="x", actor=tenant.street_admin)
    assert Ranking.objects.filter(supersedes=ranking).count() == 1


def test_a_second_upheld_objection_reruns_the_current_snapshot(tenant, ranking, during):
    first = _file(ranking, tenant)
    second = objection_file(
        ranking, tenant.other_org, actor=other_leader_of(tenant), text="我们的活动也漏计了"
    )
    one = objection_decide(first, upheld=True, reason="漏计", actor=tenant.street_admin).rerun
    two = objection_decide(second, upheld=True, reason="也漏计", actor=tenant.street_admin).rerun
    assert one.supersedes == ranking and two.supersedes == one
    assert Ranking.objects.current().get(scope_key="street") == two


def test_dismissed_makes_no_new_snapshot(tenant, ranking, during):
    objection = objection_decide(
        _file(ranking, tenant),
        upheld=False,
        reason="认领在12月确认，计入12月",
        actor=tenant.street_admin,
    )
    assert objection.status == ObjectionStatus.DISMISSED and objection.rerun is None
    assert objection.decision_reason == "认领在12月确认，计入12月"
    assert Ranking.objects.filter(supersedes__isnull=False).count() == 0


def test_finalizing_waits_for_every_decision(tenant, ranking):
    with time_machine.travel(DURING, tick=False):
        objection = _file(ranking, tenant)
    with time_machine.travel(AFTER, tick=False):
        with pytest.raises(ActionRefused, match="await a decision|未处理"):
            ranking_finalize(ranking, actor=tenant.street_admin)
        objection_decide(objection, upheld=False, reason="无误", actor=tenant.street_admin)
        assert ranking_finalize(ranking, actor=tenant.street_admin).status == RankingStatus.FINAL


def test_an_objection_left_on_the_superseded_snapshot_holds_up_the_new_one(tenant, ranking):
    with time_machine.travel(DURING, tick=False):
        first = _file(ranking, tenant)
        second = objection_file(
            ranking, tenant.other_org, actor=other_leader_of(tenant), text="名次不对"
        )
        new = objection_decide(first, upheld=True, reason="漏计", actor=tenant.street_admin).rerun
    with time_machine.travel(DURING + datetime.timedelta(days=8), tick=False):
        with pytest.raises(ActionRefused, match="await a decision|未处理"):
            ranking_finalize(new, actor=tenant.street_admin)
        objection_decide(second, upheld=False, reason="无误", actor=tenant.street_admin)
        assert ranking_finalize(new, actor=tenant.street_admin).status == RankingStatus.FINAL


# --- The leader's portal ------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries), response


def test_the_notice_list_shows_our_rows_in_as_many_queries_for_many(client, tenant, scheme):
    client.force_login(tenant.leader)
    url = reverse("rankings:notice")
    with time_machine.travel(PUBLISHED, tick=False):
        for month in (datetime.date(2026, 10, 1), PERIOD):
            confirm_claims(tenant.org, 1, on=month)
            for made in ranking_compute(
                street_id=tenant.street.pk,
                period_kind=PeriodKind.MONTH,
                period_start=month,
                actor=tenant.street_admin,
            ):
                ranking_publish(made, actor=tenant.street_admin)
            if month.month == 10:
                few, response = _queries(client, url)
    with time_machine.travel(DURING, tick=False):
        many, response = _queries(client, url)
    assert many == few
    body = response.content.decode()
    assert tenant.org.name in body and tenant.other_org.name not in body
    # Street-wide, its community and its growth level, for each month.
    assert len(response.context["page"].object_list) == 6


def test_a_row_page_explains_the_score_with_paged_ledger_entries(client, tenant, ranking):
    client.force_login(tenant.leader)
    url = reverse("rankings:notice_row", args=[ranking.pk, tenant.org.pk])
    with time_machine.travel(DURING, tick=False):
        few, response = _queries(client, url)
        body = response.content.decode()
        assert "独居老人助餐" in body and 'name="text"' in body
        _file(ranking, tenant, evidence=pdf())
        many, response = _queries(client, url)
    assert many <= few + 2  # the objections and their evidence
    body = response.content.decode()
    assert "签到表.pdf" in body and 'name="text"' not in body
    assert "awaiting a decision" in body or "待处理" in body


def test_a_form_round_trip_files_and_keeps_the_text_on_errors(client, tenant, ranking, during):
    client.force_login(tenant.leader)
    url = reverse("rankings:notice_object", args=[ranking.pk, tenant.org.pk])
    bad = SimpleUploadedFile("scan.pdf", b"GIF89a not a document")
    response = client.post(url, {"text": "漏计两次助餐", "evidence": bad})
    assert response.status_code == 200
    body = response.content.decode()
    assert "漏计两次助餐" in body and ("accepted type" in body or "类型" in body)
    assert not Objection.objects.exists()
    response = client.post(url, {"text": "漏计两次助餐", "evidence": pdf()})
    assert response.status_code == 302
    assert Objection.objects.get().evidence.count() == 1
    response = client.post(url, {"text": "再次提出"})
    assert response.status_code == 200 and "再次提出" in response.content.decode()
    assert Objection.objects.count() == 1


def test_after_the_notice_the_page_says_why_there_is_no_form(client, tenant, ranking):
    with time_machine.travel(AFTER, tick=False):
        client.force_login(tenant.leader)
        response = client.get(reverse("rankings:notice_row", args=[ranking.pk, tenant.org.pk]))
        body = response.content.decode()
        assert 'name="text"' not in body
        assert "notice ended" in body or "公示已于" in body
        response = client.post(
            reverse("rankings:notice_object", args=[ranking.pk, tenant.org.pk]), {"text": "晚了"}
        )
    assert response.status_code == 200 and "晚了" in response.content.decode()
    assert not Objection.objects.exists()


def test_another_organizations_row_is_a_404(client, tenant, outsider_tenant, ranking, during):
    row_url = reverse("rankings:notice_row", args=[ranking.pk, tenant.org.pk])
    object_url = reverse("rankings:notice_object", args=[ranking.pk, tenant.org.pk])
    missing = reverse("rankings:notice_row", args=[ranking.pk, 2_000_000_000])
    stranger = other_leader_of(tenant)
    for user in (stranger, outsider_tenant.leader, tenant.street_admin, tenant.community_staff):
        client.force_login(user)
        assert client.get(row_url).status_code == 404
        assert client.get(missing).status_code == 404
        assert client.post(object_url, {"text": "冒名"}).status_code == 404
    # The other organization's own leader opens its own row.
    own = reverse("rankings:notice_row", args=[ranking.pk, tenant.other_org.pk])
    client.force_login(stranger)
    assert client.get(own).status_code == 200
    assert not Objection.objects.exists()


def test_a_leader_of_two_organizations_sees_each(client, tenant, ranking, during):
    tenant.other_org.leader_accounts.add(tenant.leader)
    client.force_login(tenant.leader)
    body = client.get(reverse("rankings:notice")).content.decode()
    assert tenant.org.name in body and tenant.other_org.name in body


# --- The staff's admin --------------------------------------------------------------------


def test_the_objection_list_takes_as_many_queries_for_many_rows(client, tenant, scheme):
    orgs = [OrganizationFactory(community=tenant.community) for _ in range(12)]
    leaders = []
    for i, org in enumerate(orgs):
        leader = UserFactory(username=f"obj-leader-{i}", role=Role.ORG_LEADER, street=tenant.street)
        org.leader_accounts.add(leader)
        leaders.append(leader)
    with time_machine.travel(PUBLISHED, tick=False):
        ranking_compute(
            street_id=tenant.street.pk,
            period_kind=PeriodKind.MONTH,
            period_start=PERIOD,
            actor=tenant.street_admin,
        )
        ranking = ranking_publish(
            Ranking.objects.get(street=tenant.street, scope_kind=ScopeKind.STREET),
            actor=tenant.street_admin,
        )
    client.force_login(tenant.street_admin)
    url = reverse("admin:rankings_objection_changelist")
    with time_machine.travel(DURING, tick=False):
        for org, leader in list(zip(orgs, leaders, strict=True))[:2]:
            objection_file(ranking, org, actor=leader, text="不服", evidence=pdf())
        few, _response = _queries(client, url)
        for org, leader in list(zip(orgs, leaders, strict=True))[2:]:
            objection_file(ranking, org, actor=leader, text="不服", evidence=pdf())
        many, response = _queries(client, url)
    assert many == few
    assert response.content.decode().count("不服") == 0  # the list shows who, not the text
    assert len(response.context["cl"].result_list) == 12


def test_staff_decide_on_the_decide_page_with_a_reason(client, tenant, ranking, during):
    objection = _file(ranking, tenant, evidence=pdf())
    client.force_login(tenant.street_admin)
    url = reverse("admin:rankings_objection_decide", args=[objection.pk])
    page = client.get(url)
    assert page.status_code == 200 and "漏计了11月的两次助餐认领" in page.content.decode()
    response = client.post(url, {"outcome": "dismissed", "reason": ""})
    assert response.status_code == 200
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.FILED
    response = client.post(url, {"outcome": "upheld", "reason": "核实漏计"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD and objection.rerun is not None
    # Decided: the page shows the decision and takes no second one.
    assert client.post(url, {"outcome": "dismissed", "reason": "改判"}).status_code == 403
    # Community staff read it but do not decide.
    client.force_login(tenant.community_staff)
    assert client.get(url).status_code == 200


def test_staff_download_the_evidence_and_another_street_gets_404(
    client, tenant, outsider_tenant, ranking, during
):
    objection = _file(ranking, tenant, evidence=pdf())
    evidence = objection.evidence.get()
    download = reverse("admin:rankings_objection_evidence", args=[evidence.pk])
    decide = reverse("admin:rankings_objection_decide", args=[objection.pk])
    client.force_login(tenant.street_admin)
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(outsider_tenant.street_admin)
    for url, missing in (
        (download, reverse("admin:rankings_objection_evidence", args=[2_000_000_000])),
        (decide, reverse("admin:rankings_objection_decide", args=[2_000_000_000])),
    ):
        assert client.get(url).status_code == client.get(missing).status_code == 404
    assert client.post(decide, {"outcome": "upheld", "reason": "x"}).status_code == 404
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.FILED


# --- Start pages --------------------------------------------------------------------------


def test_the_start_pages_ask_the_leader_to_check_and_the_staff_to_decide(tenant, ranking):
    from rankings.todos import todo_items

    with time_machine.travel(DURING, tick=False):
        today = datetime.date(2026, 12, 5)
        (leader_item,) = todo_items(tenant.leader, today)
        assert leader_item.url == reverse("rankings:notice") and leader_item.count == 1
        assert leader_item.due == datetime.date(2026, 12, 9)
        assert todo_items(tenant.street_admin, today) == []
        _file(ranking, tenant)
        # Objected: nothing more to ask the leader; the staff have one to decide.
        assert todo_items(tenant.leader, today) == []
        with CaptureQueriesContext(connection) as queries:
            (staff_item,) = todo_items(tenant.street_admin, today)
        assert len(queries.captured_queries) <= 2
        assert staff_item.count == 1 and "status__exact=filed" in staff_item.url
