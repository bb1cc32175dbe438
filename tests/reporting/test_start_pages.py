"""Start pages: "what must I do now" per role, composed from the apps' to-do sources."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from core.todos import TodoItem, register_todo_source, todo_sources, todos_for
from evaluation.services.reviews import review_return, review_start
from jobs.models import Job, JobStatus
from tests.evaluation.helpers import TODAY, make_org, setup, submitted_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    with time_machine.travel(TODAY.isoformat() + " 10:00 +0800", tick=False):
        yield TODAY


@pytest.fixture
def ev(tenant, today):
    return setup(tenant)


def titles(user, today):
    return [item.title for item in todos_for(user, today)]


def test_it_registers_a_source_per_app():
    assert {"incubation", "evaluation", "funding", "jobs"} <= set(todo_sources())


def test_it_sorts_by_due_date_then_urgency(tenant, today):
    items = [
        TodoItem("later", "/a", due=today + datetime.timedelta(days=300), urgency=0),
        TodoItem("undated", "/b", urgency=0),
        TodoItem("soon routine", "/c", due=today + datetime.timedelta(days=3), urgency=2),
        TodoItem("soon urgent", "/d", due=today + datetime.timedelta(days=3), urgency=0),
    ]
    saved = todo_sources()
    try:
        register_todo_source("zz-test", lambda user, day: items)
        got = [i.title for i in todos_for(tenant.leader, today) if i.source == "zz-test"]
    finally:
        from core import todos

        todos._SOURCES.clear()
        todos._SOURCES.update(saved)
    assert got == ["soon urgent", "soon routine", "later", "undated"]


def test_it_puts_this_years_review_before_next_years_re_election(ev, client, today):
    # Last year's report is filed; the council's term ends in 60 days (after the
    # 2026 review's deadline of 12-15).
    ev.org.term_end = today + datetime.timedelta(days=60)
    ev.org.last_annual_review_year = 2025
    ev.org.last_annual_review_result = "passed"
    ev.org.save(update_fields=["term_end", "last_annual_review_year", "last_annual_review_result"])
    client.force_login(ev.leader)
    page = client.get(reverse("home"))
    todos = page.context["todos"]
    first, days, late = todos[0]
    assert "2026" in first.title
    assert first.due == ev.cycle.deadline
    assert days == (ev.cycle.deadline - today).days and not late
    assert any("换届" in item.title or "re-elect" in item.title.lower() for item, *_ in todos)
    assert first.url == reverse("evaluation:home")
    assert "天" in page.content.decode()


def test_it_marks_a_returned_review_urgent_for_the_leader(ev, today):
    review = submitted_review(ev)
    review_return(review=review, comment="补充活动照片", actor=ev.staff)
    items = [i for i in todos_for(ev.leader, today) if i.url.endswith(f"/reviews/{review.pk}/")]
    assert len(items) == 1 and items[0].urgency == 0


def test_it_shows_the_staff_queue_with_links(ev, client, today):
    submitted_review(ev)
    late = make_org(ev.tenant, name="晚交服务社", party=False)
    late.term_end = datetime.date(2025, 6, 30)
    late.save(update_fields=["term_end"])
    Job.objects.create(
        kind="import", title="导入组织", status=JobStatus.FAILED, street=ev.tenant.street
    )
    client.force_login(ev.staff)
    body = client.get(reverse("home")).content.decode()
    assert reverse("evaluation:cockpit_list", args=[ev.cycle.pk]) + "?state=submitted" in body
    assert "?term_end__lt=2026-11-20" in body
    assert "导入组织" in body


def test_it_shows_an_outsider_nothing_of_other_streets(ev, outsider_tenant, client, today):
    submitted_review(ev)
    Job.objects.create(
        kind="import", title="甲街道导入", status=JobStatus.FAILED, street=ev.tenant.street
    )
    for user in (
        outsider_tenant.street_admin,
        outsider_tenant.community_staff,
        outsider_tenant.leader,
        outsider_tenant.evaluator,
    ):
        client.force_login(user)
        body = client.get(reverse("home")).content.decode()
        assert "甲街道导入" not in body
        assert ev.org.name not in body
        assert reverse("evaluation:cockpit", args=[ev.cycle.pk]) not in body


def test_it_shows_the_evaluator_only_their_reviews_to_score(ev, today):
    from evaluation.services.scoring import assignment_create

    review = submitted_review(ev)
    assignment_create(
        review=review, evaluator=ev.evaluators["expert"], group="expert", actor=ev.staff
    )
    mine = todos_for(ev.evaluators["expert"], today)
    assert [i.subject for i in mine] == [ev.org.name]
    assert todos_for(ev.evaluators["department"], today) == []


def grow(ev, n, start=0):
    for i in range(start, start + n):
        org = make_org(ev.tenant, name=f"队列服务社{i}", party=False)
        org.term_end = datetime.date(2025, 1, 1)
        org.save(update_fields=["term_end"])
        review = review_start(cycle=ev.cycle, organization=org, actor=None)
        Job.objects.create(
            kind="import", title=f"导入{i}", status=JobStatus.FAILED, street=ev.tenant.street
        )
        del review


@pytest.mark.parametrize("who", ["staff", "community_staff", "leader", "expert"])
def test_it_keeps_start_page_queries_constant(ev, client, count_queries, who):
    user = {
        "staff": ev.staff,
        "community_staff": ev.tenant.community_staff,
        "leader": ev.leader,
        "expert": ev.evaluators["expert"],
    }[who]
    client.force_login(user)
    grow(ev, 2)
    with count_queries() as few:
        assert client.get(reverse("home")).status_code == 200
    grow(ev, 5, start=2)
    with count_queries() as many:
        assert client.get(reverse("home")).status_code == 200
    assert many.count == few.count, many.dump()


# --- Experts: what is theirs to score, conflicts by picking the organization -------------


def test_it_lists_only_what_the_expert_can_score_now_first(ev, client, today):
    from evaluation.services.scoring import assignment_create

    expert = ev.evaluators["expert"]
    review = submitted_review(ev)
    assignment_create(review=review, evaluator=expert, group="expert", actor=ev.staff)
    drafting = make_org(ev.tenant, name="草稿服务社", leader=ev.leader, party=False)
    draft = review_start(cycle=ev.cycle, organization=drafting, actor=ev.leader)
    assignment_create(review=draft, evaluator=expert, group="expert", actor=ev.staff)
    client.force_login(expert)
    page = client.get(reverse("evaluation:assignments"))
    assert [a.review_id for a in page.context["to_score"]] == [review.pk]
    assert [a.review_id for a in page.context["assignments"]] == [draft.pk]


def test_it_declares_a_conflict_by_picking_the_organization(ev, outsider_tenant, client, today):
    from evaluation.models import ConflictDeclaration

    expert = ev.evaluators["expert"]
    client.force_login(expert)
    url = reverse("evaluation:conflicts")
    form = client.get(url).context["form"]
    choices = set(form.fields["organization"].queryset)
    assert ev.org in choices and outsider_tenant.org not in choices
    # Another street's organization cannot be picked by id either.
    client.post(url, {"organization": outsider_tenant.org.pk, "reason": "x"})
    assert not ConflictDeclaration.objects.filter(evaluator=expert).exists()
    response = client.post(url, {"organization": ev.org.pk, "reason": "本人任该组织理事"})
    assert response.status_code == 302
    assert ConflictDeclaration.objects.get(evaluator=expert).organization == ev.org
    # Declared once: it leaves the list.
    form = client.get(url).context["form"]
    assert ev.org not in set(form.fields["organization"].queryset)


def test_it_asks_for_the_organization_when_nothing_is_picked(ev, client, today):
    client.force_login(ev.evaluators["expert"])
    response = client.post(reverse("evaluation:conflicts"), {"reason": "x"})
    assert response.status_code == 200
    assert "请选择组织" in response.content.decode()


# --- Funding -------------------------------------------------------------------------------


def test_it_queues_grant_applications_per_role(tenant, outsider_tenant):
    from funding.services.applications import application_transition
    from funding.services.review import expert_assign
    from funding.workflows import ApplicationStatus
    from tests.funding.factories import make_call, make_draft, make_eligible

    today = datetime.date.today()
    call = make_call(tenant)
    expert_assign(call=call, expert=tenant.evaluator, actor=tenant.street_admin)
    make_eligible(tenant.org)
    draft = make_draft(call, tenant.org, tenant.leader)
    leader = [i for i in todos_for(tenant.leader, today) if i.source == "funding"]
    assert [i.url for i in leader] == [reverse("funding:application", args=[draft.pk])]
    assert leader[0].due == call.closes_on
    application_transition(application=draft, to=ApplicationStatus.SUBMITTED, actor=tenant.leader)
    staff = [i for i in todos_for(tenant.street_admin, today) if i.source == "funding"]
    assert [(i.url, i.count) for i in staff] == [(reverse("funding:call_staff", args=[call.pk]), 1)]
    expert = [i for i in todos_for(tenant.evaluator, today) if i.source == "funding"]
    assert [i.url for i in expert] == [reverse("funding:review_score", args=[draft.pk])]
    for user in (outsider_tenant.street_admin, outsider_tenant.leader, outsider_tenant.evaluator):
        assert [i for i in todos_for(user, today) if i.source == "funding"] == []


# --- Party workers -------------------------------------------------------------------------


def test_it_gives_party_workers_their_party_pages_on_the_start_page(client, tenant):
    client.force_login(tenant.party_worker)
    body = client.get(reverse("home")).content.decode()
    for name in ("partybuilding:coverage", "partybuilding:compliance", "partybuilding:members"):
        assert f'href="{reverse(name)}"' in body
    client.force_login(tenant.leader)
    body = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("partybuilding:coverage")}"' not in body
