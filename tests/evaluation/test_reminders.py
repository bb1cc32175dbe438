"""Reminders: cycle opened, deadline in 7 and 1 days, overdue list, pending scores — each
sent once."""

import datetime

import pytest

from evaluation import reminders
from evaluation.services.reviews import review_start
from notifications.models import Notification
from tests.evaluation.helpers import DEADLINE, assign_all, fill, make_org, submitted_review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_each_reminder_goes_once(ev, tenant):
    from accounts.roles import Role

    late_leader = UserFactory(username="late", role=Role.ORG_LEADER, street=tenant.street)
    late_org = make_org(tenant, name="迟交服务社", leader=late_leader)
    review = submitted_review(ev)  # ev.leader has submitted
    assign_all(ev, review, groups=["expert"])
    for day in (
        DEADLINE - datetime.timedelta(days=10),
        DEADLINE - datetime.timedelta(days=7),
        DEADLINE - datetime.timedelta(days=6),
        DEADLINE - datetime.timedelta(days=1),
        DEADLINE,
        DEADLINE + datetime.timedelta(days=1),
        DEADLINE + datetime.timedelta(days=2),
    ):
        reminders.send_all(today=day)
    assert kinds(late_leader) == ["evaluation_deadline", "evaluation_deadline", "evaluation_opened"]
    # ev.leader also leads the tenant's filed organization, which has not submitted.
    bodies = Notification.objects.filter(
        recipient=ev.leader, kind="evaluation_deadline"
    ).values_list("body", flat=True)
    assert len(bodies) == 2 and all(tenant.org.name in b for b in bodies)
    assert not any(ev.org.name in b for b in bodies)  # submitted: no deadline reminders
    overdue = Notification.objects.filter(recipient=ev.staff, kind="evaluation_overdue")
    assert overdue.count() == 1 and late_org.name in overdue.get().body
    assert kinds(ev.evaluators["expert"]) == ["evaluation_scores_pending"]
    assert kinds(ev.evaluators["community"]) == []


def test_a_draft_still_counts_as_not_submitted(ev):
    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    fill(review, ev.leader)
    reminders.send_all(today=DEADLINE - datetime.timedelta(days=1))
    assert "evaluation_deadline" in kinds(ev.leader)


def test_an_extension_keeps_an_organization_off_the_overdue_list(ev):
    from evaluation.services.reviews import review_grant_extension

    review = review_start(cycle=ev.cycle, organization=ev.org, actor=ev.leader)
    review_grant_extension(
        review=review, until=DEADLINE + datetime.timedelta(days=10), actor=ev.staff
    )
    reminders.send_all(today=DEADLINE + datetime.timedelta(days=1))
    overdue = Notification.objects.get(kind="evaluation_overdue", recipient=ev.staff)
    assert ev.org.name not in overdue.body and ev.tenant.org.name in overdue.body
