"""Reminders of party building, each sent once per branch (or member) and period: the
notification key carries the period, and ``notify`` sends a (recipient, kind, key) once.

Recipients are the branch's party worker accounts (``PartyOrganization.worker_accounts``).
For the three "something is due" reminders a branch without worker accounts falls back to
the street staff of its street, so the reminder reaches someone; the monthly dedication-day
notice is a routine note and goes to branch workers only.

``register_kinds()`` must run once at start-up (``PartybuildingConfig.ready``).
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from accounts.models import User
from accounts.roles import Role
from core.dates import human_date
from notifications.services import notify_each
from partybuilding.choices import ActivityKind, MemberStatus, PartyOrgKind
from partybuilding.models import PartyActivity, PartyMember, PartyOrganization

DEDICATION_DAY = 25  # 党员固定奉献日: the 25th of each month
DEDICATION_NOTICE_DAY = 20  # the notice goes out from the 20th (catching up until the 25th)
PROBATION_NOTICE_DAYS = 30
TERM_NOTICE_DAYS = 90

KIND_DEDICATION_DAY = "party_dedication_day"
KIND_ASSEMBLY_DUE = "party_assembly_due"
KIND_PROBATION_ENDING = "party_probation_ending"
KIND_BRANCH_TERM_ENDING = "party_branch_term_ending"


def register_kinds() -> None:
    """The notification kinds of party building (idempotent)."""
    from notifications.kinds import register_kind

    register_kind(KIND_DEDICATION_DAY, gettext_lazy("Members' dedication day notice"))
    register_kind(
        KIND_ASSEMBLY_DUE, gettext_lazy("Quarterly branch general assembly due"), optional=False
    )
    register_kind(KIND_PROBATION_ENDING, gettext_lazy("Probation ending"), optional=False)
    register_kind(
        KIND_BRANCH_TERM_ENDING, gettext_lazy("Branch committee term ending"), optional=False
    )


def _branches():
    active_workers = User.objects.filter(is_active=True)
    return (
        PartyOrganization.objects.filter(kind=PartyOrgKind.BRANCH)
        .select_related("street")
        .prefetch_related(Prefetch("worker_accounts", queryset=active_workers))
        .order_by("pk")
    )


class _StreetStaff:
    """Active street staff per street, read once per run."""

    def __init__(self):
        self._by_street: dict[int, list[User]] | None = None

    def of(self, street_id: int) -> list[User]:
        if self._by_street is None:
            self._by_street = {}
            staff = User.objects.filter(
                is_active=True, groups__name=Role.STREET_ADMIN, street__isnull=False
            ).distinct()
            for user in staff:
                self._by_street.setdefault(user.street_id, []).append(user)
        return self._by_street.get(street_id, [])


def _recipients(branch, street_staff: _StreetStaff | None) -> list[User]:
    workers = list(branch.worker_accounts.all())
    if workers or street_staff is None:
        return workers
    return street_staff.of(branch.street_id)


def _admin_url(model_name: str, pk: int) -> str:
    """The admin change page (party workers and street staff work in the admin)."""
    try:
        return reverse(f"admin:partybuilding_{model_name}_change", args=[pk])
    except NoReverseMatch:
        return ""


def _branch_url(branch) -> str:
    return _admin_url("partyorganization", branch.pk)


def _quarter(day: datetime.date) -> tuple[int, datetime.date]:
    """The quarter (1-4) of ``day`` and its first day."""
    quarter = (day.month - 1) // 3 + 1
    return quarter, datetime.date(day.year, 3 * quarter - 2, 1)


# --- The reminders ------------------------------------------------------------------------


def send_dedication_day_notices(today: datetime.date | None = None) -> int:
    """From the 20th to the 25th of each month: 本月25日党员固定奉献日, once per branch and
    month (the window lets a missed run catch up)."""
    today = today or timezone.localdate()
    if not DEDICATION_NOTICE_DAY <= today.day <= DEDICATION_DAY:
        return 0
    day = today.replace(day=DEDICATION_DAY)
    sent = 0
    with override("zh-hans"):
        title = _("Members' dedication day on the 25th of this month")
        for branch in _branches():
            body = _(
                "%(date)s is the members' dedication day of %(branch)s. Arrange the service "
                "and log it as an activity afterwards."
            ) % {"date": human_date(day), "branch": branch.name}
            sent += notify_each(
                _recipients(branch, None),
                kind=KIND_DEDICATION_DAY,
                key=f"branch:{branch.pk}:{today:%Y-%m}",
                title=title,
                body=body,
                url=_branch_url(branch),
            )
    return sent


def send_assembly_due_reminders(today: datetime.date | None = None) -> int:
    """In the last month of a quarter: branches that have not logged a 支部党员大会 this
    quarter yet, once per branch and quarter."""
    today = today or timezone.localdate()
    if today.month % 3 != 0:
        return 0
    quarter, start = _quarter(today)
    held = set(
        PartyActivity.objects.filter(
            kind=ActivityKind.GENERAL_ASSEMBLY, date__gte=start, date__lte=today
        ).values_list("branch_id", flat=True)
    )
    street_staff = _StreetStaff()
    sent = 0
    with override("zh-hans"):
        for branch in _branches():
            if branch.pk in held:
                continue
            title = _("No branch general assembly yet this quarter: %(branch)s") % {
                "branch": branch.name
            }
            body = _(
                "%(branch)s has not logged a branch general assembly in quarter %(quarter)d "
                "of %(year)d. The assembly is held at least once a quarter; hold it before "
                "the quarter ends and log it."
            ) % {"branch": branch.name, "quarter": quarter, "year": today.year}
            sent += notify_each(
                _recipients(branch, street_staff),
                kind=KIND_ASSEMBLY_DUE,
                key=f"branch:{branch.pk}:{today.year}-Q{quarter}",
                title=title,
                body=body,
                url=_branch_url(branch),
            )
    return sent


def send_probation_ending_reminders(today: datetime.date | None = None) -> int:
    """Probation ending within 30 days: to the member's branch, once per member and end
    date (an extended probation is a new end date, so it is reminded again)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=PROBATION_NOTICE_DAYS)
    members = (
        PartyMember.objects.filter(
            status=MemberStatus.PROBATIONARY,
            probation_ends_on__gte=today,
            probation_ends_on__lte=horizon,
        )
        .select_related("branch")
        .prefetch_related(
            Prefetch("branch__worker_accounts", queryset=User.objects.filter(is_active=True))
        )
        .order_by("pk")
    )
    street_staff = _StreetStaff()
    sent = 0
    with override("zh-hans"):
        for member in members:
            ends = member.probation_ends_on
            title = _("Probation ends on %(date)s: %(name)s") % {
                "date": human_date(ends),
                "name": member.name,
            }
            body = _(
                "The probation of %(name)s (%(branch)s) ends on %(date)s. Discuss the "
                "conversion to full membership at a branch general assembly in time."
            ) % {"name": member.name, "branch": member.branch.name, "date": human_date(ends)}
            sent += notify_each(
                _recipients(member.branch, street_staff),
                kind=KIND_PROBATION_ENDING,
                key=f"member:{member.pk}:{ends.isoformat()}",
                title=title,
                body=body,
                url=_admin_url("partymember", member.pk),
            )
    return sent


def send_branch_term_reminders(today: datetime.date | None = None) -> int:
    """A branch committee's term ending within 90 days, once per branch and term end."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=TERM_NOTICE_DAYS)
    branches = _branches().filter(term_end__gte=today, term_end__lte=horizon)
    street_staff = _StreetStaff()
    sent = 0
    with override("zh-hans"):
        for branch in branches:
            title = _("Branch term ends on %(date)s: %(branch)s") % {
                "date": human_date(branch.term_end),
                "branch": branch.name,
            }
            body = _(
                "The term of %(branch)s ends on %(date)s. Prepare the re-election with the "
                "party organization above it."
            ) % {"branch": branch.name, "date": human_date(branch.term_end)}
            sent += notify_each(
                _recipients(branch, street_staff),
                kind=KIND_BRANCH_TERM_ENDING,
                key=f"branch:{branch.pk}:{branch.term_end.isoformat()}",
                title=title,
                body=body,
                url=_branch_url(branch),
            )
    return sent


def send_all(today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    return {
        "dedication_day": send_dedication_day_notices(today),
        "assembly_due": send_assembly_due_reminders(today),
        "probation_ending": send_probation_ending_reminders(today),
        "branch_term_ending": send_branch_term_reminders(today),
    }
