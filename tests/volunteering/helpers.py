"""Builders for volunteering tests: a published activity with one session."""

import datetime

from django.utils import timezone

from tests.factories import UserFactory
from volunteering.choices import OrganizerKind, Series
from volunteering.services import activities
from volunteering.services.volunteers import volunteer_for_account


def publish_activity(tenant, *, capacity=2, starts_in=datetime.timedelta(days=2), hours=2, **extra):
    now = timezone.now()
    fields = {
        "title": "公益伙伴日·社区环境清洁",
        "series": Series.PARTNER_DAY,
        "organizer_kind": OrganizerKind.ORGANIZATION,
        "organization": tenant.org,
        "street": tenant.street,
        "community": tenant.community,
        "place": "凯旋社区文化家园",
        "capacity": capacity,
        "recruit_until": now + starts_in - datetime.timedelta(hours=1),
    }
    fields.update(extra)
    activity = activities.activity_create(actor=tenant.leader, **fields)
    starts = now + starts_in
    session = activities.session_add(
        activity,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=hours),
        actor=tenant.leader,
    )
    activities.activity_submit(activity, actor=tenant.leader)
    activities.activity_approve(activity, actor=tenant.community_staff)
    return activity, session


def make_volunteer(tenant, username):
    user = UserFactory(username=username, street=tenant.street, community=tenant.community)
    return user, volunteer_for_account(user)
