"""Marketplace reminders, each once per claim or need and period (the notification key
carries it): a claim's deadline in 3 days, and needs nobody claimed for N days, escalated
to the community's staff."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.roles import Role
from core.dates import human_date
from marketplace.models import Claim, Need
from marketplace.rules import marketplace_rules
from marketplace.workflows import (
    DONE_CLAIM_STATUSES,
    OPEN_CLAIM_STATUSES,
    ListingStatus,
)
from notifications.services import notify_each


def _claimant_accounts(claim: Claim) -> list:
    if claim.organization_id:
        return [u for u in claim.organization.leader_accounts.all() if u.is_active]
    account = claim.party_member.account if claim.party_member_id else None
    return [account] if account is not None and account.is_active else []


def send_claim_deadline_reminders(today: datetime.date | None = None) -> int:
    """Open claims whose deadline is within ``claim_reminder_days``: once per claim."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=marketplace_rules().claim_reminder_days)
    claims = (
        Claim.objects.filter(
            status__in=OPEN_CLAIM_STATUSES, deadline__gte=today, deadline__lte=horizon
        )
        .select_related("need", "project", "wish", "party_member__account", "organization")
        .prefetch_related("organization__leader_accounts")
        .order_by("deadline", "pk")
    )
    sent = 0
    with override("zh-hans"):
        for claim in claims:
            sent += notify_each(
                _claimant_accounts(claim),
                kind="claim_deadline",
                key=f"claim:{claim.pk}:deadline",
                title=_("Deliver %(item)s by %(date)s")
                % {"item": claim.item, "date": human_date(claim.deadline)},
                body=_("Submit what was done before the deadline, or the claim expires."),
                url=reverse("marketplace:claim", args=[claim.pk]),
            )
    return sent


def escalate_unclaimed_needs(today: datetime.date | None = None) -> int:
    """Listed needs nobody claimed or matched for ``unclaimed_escalation_days``: their
    community's staff hear of each once, and the need is marked escalated."""
    from marketplace.services.listings import need_mark_escalated

    days = marketplace_rules().unclaimed_escalation_days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    User = get_user_model()
    needs = (
        Need.objects.filter(status=ListingStatus.LISTED, listed_at__lt=cutoff, escalated_at=None)
        .exclude(Q(claims__status__in=OPEN_CLAIM_STATUSES | DONE_CLAIM_STATUSES))
        .exclude(projects__isnull=False)
        .select_related("community")
        .distinct()
        .order_by("listed_at", "pk")
    )
    escalated = 0
    with override("zh-hans"):
        for need in needs:
            staff = User.objects.filter(
                is_active=True, community_id=need.community_id, groups__name=Role.COMMUNITY_STAFF
            )
            notify_each(
                staff,
                kind="need_unclaimed",
                key=f"need:{need.pk}:unclaimed",
                title=_("Nobody has claimed %(need)s for %(days)d days")
                % {"need": need.title, "days": days},
                body=_("Match it with a resource on the staff board, or contact providers."),
                url=reverse("marketplace:board"),
            )
            need_mark_escalated(need)
            escalated += 1
    return escalated
