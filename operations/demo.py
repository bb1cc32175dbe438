"""The demo dataset, built layer by layer through each app's own services.

``seed_demo`` reports each layer as it finishes (``progress``, one line each: step, what
it holds, seconds), so ``make run`` shows the ~20 s of seeding moving instead of hanging.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.demo import seed_accounts, seed_geography
from awards.demo import seed_awards
from evaluation.demo import seed_evaluation
from funding.demo import seed_funding
from incubation.demo import seed_organizations, walk_organizations
from incubation.models import Organization, Pairing
from marketplace.demo import seed_marketplace
from partybuilding.demo import party_counts, seed_party
from rankings.demo import seed_rankings
from volunteering.demo import seed_volunteering

STEPS = 12


class _Progress:
    """Prints "[3/10] 党建: 36 个支部, 326 名党员 … 2.1 s" after each step."""

    def __init__(self, report: Callable[[str], None] | None):
        self.report = report
        self.step = 0
        self.started = time.monotonic()

    def done(self, line: str) -> None:
        self.step += 1
        if self.report is None:
            return
        now = time.monotonic()
        self.report(f"[{self.step}/{STEPS}] {line} … {now - self.started:.1f} s")
        self.started = now


@transaction.atomic
def seed_demo(progress: Callable[[str], None] | None = None) -> dict[str, int]:
    steps = _Progress(progress)
    street = seed_geography()
    users = seed_accounts(street)
    communities = street.communities.count()
    steps.done(
        _("Street and accounts: %(communities)d communities, %(users)d accounts")
        % {"communities": communities, "users": len(users)}
    )
    # The registry in 登记 first; the party records that the checkpoints of 入驻, 管理 and
    # 换届 read, planned for each organization's path; then the lifecycle walks.
    registry = seed_organizations(street, users)
    steps.done(
        _("Registry: %(organizations)d organizations registered")
        % {"organizations": Organization.objects.filter(community__street=street).count()}
    )
    seed_party(street, users, paths=registry.paths)
    drafted = party_counts(street)
    steps.done(
        _("Party building: %(branches)d branches, %(members)d members, %(activities)d activities")
        % {
            "branches": drafted["party_branches"],
            "members": drafted["party_members"],
            "activities": drafted["party_activities"] + drafted["party_activities_earlier"],
        }
    )
    orgs = walk_organizations(registry)
    party = party_counts(street)  # counted once the organizations are in their stages
    pairings = Pairing.objects.active().filter(mentee__community__street=street).count()
    steps.done(
        _("Lifecycle: %(organizations)d organizations in their stages, %(pairings)d pairings")
        % {"organizations": len(orgs), "pairings": pairings}
    )
    evaluation = seed_evaluation(street, users)
    steps.done(
        _("Annual evaluation: %(finalized)d reviews finalized last year")
        % {"finalized": evaluation["evaluation_finalized"]}
    )
    funding = seed_funding(street, users)
    steps.done(
        _("Grants and foundation: %(calls)d calls, %(funded)d projects funded")
        % {
            "calls": funding.get("grant_calls", 0),
            "funded": funding.get("grant_projects_funded", 0),
        }
    )
    market = seed_marketplace(street, users)
    steps.done(
        _(
            "Marketplace: %(wishes)d micro-wishes fulfilled, %(projects)d projects matched, "
            "%(funds)s yuan of social funds"
        )
        % {
            "wishes": market["market_wishes_fulfilled"],
            "projects": market["market_projects_matched"],
            "funds": f"{market['market_social_funds_yuan']:,}",
        }
    )
    volunteering = seed_volunteering(street, users)
    steps.done(
        _(
            "Volunteering: %(activities)s public-benefit activities, %(volunteers)s volunteers, "
            "%(hours)s service hours"
        )
        % {
            "activities": f"{volunteering['volunteer_activities']:,}",
            "volunteers": f"{volunteering['volunteers']:,}",
            "hours": f"{volunteering['volunteer_hours']:,}",
        }
    )
    work = seed_this_years_work(street, users)
    steps.done(
        _(
            "This year's work: %(reviews)d reviews and %(applications)d grant applications "
            "to score, %(returned)d review returned"
        )
        % {
            "reviews": work["evaluation_to_score"],
            "applications": work["grant_applications_to_score"],
            "returned": work["evaluation_returned"],
        }
    )
    awarded = seed_awards(street, users, today=timezone.localdate())
    steps.done(
        _("Awards: %(held)d campaigns held, %(honours)d honours, %(open)d open for nominations")
        % {
            "held": awarded["campaigns_held"],
            "honours": awarded["honours"],
            "open": awarded["campaigns_open"],
        }
    )
    ranked = seed_rankings(street, users)
    steps.done(
        _(
            "Rankings: %(rankings)d rankings published, %(objections)d objections decided "
            "(%(upheld)d upheld)"
        )
        % {
            "rankings": ranked["rankings_published"],
            "objections": ranked["ranking_objections"],
            "upheld": ranked["ranking_objections_upheld"],
        }
    )
    sent = seed_notifications(street, users)
    steps.done(_("Notifications: %(n)d reminders sent") % {"n": sent})
    return {
        "communities": communities,
        "users": len(users),
        "organizations": len(orgs),
        "pairings": pairings,
        **party,
        **evaluation,
        **funding,
        **market,
        **volunteering,
        **work,
        **awarded,
        **ranked,
        "notifications": sent,
    }


# Leaders of a few more organizations, given portal accounts so that this year's reviews
# and applications are theirs: (username, in community1's community?). The first of
# community1's is returned by street staff; the others are submitted.
EXTRA_LEADERS = (
    ("leader3", True),
    ("leader4", True),
    ("leader5", True),
    ("leader6", False),
    ("leader7", False),
    ("leader8", False),
)
RETURNED = "leader3"


def _extra_leaders(street, users) -> list[tuple[Organization, object]]:
    """(organization, leader account) for EXTRA_LEADERS: organizations in 管理 without a
    leader account, eligible for this year's grants where possible, spread over the
    communities. Idempotent: an existing account keeps its organization."""
    from accounts.demo import seed_leader_account
    from accounts.models import User
    from funding.eligibility import eligibility_reasons
    from funding.models import GrantCall
    from incubation.services import organization_add_leader
    from incubation.workflows import Stage

    today = timezone.localdate()
    home = users["community1"].community_id
    call = GrantCall.objects.filter(street=street, closes_on__gte=today).order_by("-year").first()
    candidates = [
        o
        for o in Organization.objects.filter(
            community__street=street, stage=Stage.MANAGEMENT, leader_accounts__isnull=True
        )
        .select_related("community")
        .order_by("pk")
        if o.leader_name and (call is None or not eligibility_reasons(o, call, today=today))
    ]
    taken: set[int] = set()
    pairs = []
    for username, at_home in EXTRA_LEADERS:
        user = User.objects.filter(username=username).first()
        org = user.led_organizations.first() if user else None
        if org is None:
            org = next(
                (
                    o
                    for o in candidates
                    if (o.community_id == home) == at_home
                    and o.pk not in taken
                    and o.community_id not in {p.community_id for p, _u in pairs if not at_home}
                ),
                None,
            )
            if org is None:
                continue
            user = seed_leader_account(street, username, org.leader_name, org.community)
            organization_add_leader(organization=org, user=user)
        taken.add(org.pk)
        pairs.append((org, user))
    return pairs


def seed_this_years_work(street, users) -> dict[str, int]:
    """Something to do now for every role: expert1 scores reviews and grant applications,
    community1 follows a submitted and a returned review and a certificate about to
    expire in its community (leader1's), leader1 has its review and application drafts
    (from the evaluation and funding layers)."""
    from evaluation.demo import seed_reviews_to_score
    from funding.demo import seed_applications_to_score
    from incubation.demo import seed_expiring_document

    pairs = _extra_leaders(street, users)
    returned = [(o, u) for o, u in pairs if u.username == RETURNED]
    submitted = [(o, u) for o, u in pairs if u.username != RETURNED]
    reviews = seed_reviews_to_score(street, submitted=submitted, returned=returned, users=users)
    # Three organizations from outside community1's apply: the expert scores them all.
    outside = [(o, u) for o, u in submitted if o.community_id != users["community1"].community_id]
    applications = seed_applications_to_score(street, outside, users)
    leader1_org = users["leader1"].led_organizations.first()
    if leader1_org is not None:
        seed_expiring_document(leader1_org, actor=users["community1"])
    return {
        "leader_accounts_extra": len(pairs),
        **reviews,
        "grant_applications_to_score": applications,
    }


def seed_notifications(street, users) -> int:
    """What each demo user finds in 通知: the real reminders of today, sent by the same
    services the daily beat runs (and the staff's one-click nudge), not typed texts. The
    walk's stage changes (all sent at seeding time) are marked read: they are history."""
    from accounts.models import User
    from evaluation.models import Cycle
    from evaluation.reminders import send_pending_scores
    from evaluation.services.laggards import cycle_remind_laggards
    from evaluation.workflows import CycleStatus
    from funding.reminders import send_report_reminders
    from incubation.reminders import (
        send_document_expiry_reminders,
        send_incubation_ending_reminders,
        send_re_election_reminders,
    )
    from notifications.models import Notification
    from notifications.services import notifications_mark_read

    today = timezone.localdate()
    before = Notification.objects.count()

    def history_read():
        # The walk's stage changes are announced after the commit (to every leader the
        # organization has by then): marked read once they are there, when tasks run
        # inline. With a broker the worker sends them later and they stay unread.
        for user in User.objects.filter(notifications__kind="stage_changed").distinct():
            ids = list(
                Notification.objects.filter(recipient=user, kind="stage_changed").values_list(
                    "pk", flat=True
                )
            )
            notifications_mark_read(user=user, ids=ids)

    transaction.on_commit(history_read)
    cycle = Cycle.objects.filter(street=street, year=today.year, status=CycleStatus.OPEN).first()
    if cycle is not None:
        # Street staff nudge the leaders who have not submitted (due in 25 days) …
        cycle_remind_laggards(cycle=cycle, actor=users["admin"], today=today)
        # … and the expert hears what waits for their scores.
        send_pending_scores(cycle)
        _announce_returned(cycle)
    _announce_applications_to_score(street)
    send_re_election_reminders(today)
    send_incubation_ending_reminders(today)
    send_document_expiry_reminders(today)
    send_report_reminders(today)
    return Notification.objects.count() - before


def _announce_returned(cycle) -> None:
    """Returning a review sends no notification of its own yet: the demo tells the leader
    what the staff's return comment says, as a general message."""
    from django.urls import reverse
    from django.utils.translation import override

    from evaluation.models import Review
    from evaluation.workflows import ReviewStatus
    from notifications.services import notify

    returned = Review.objects.filter(cycle=cycle, status=ReviewStatus.RETURNED)
    with override("zh-hans"):
        for review in returned.select_related("organization"):
            for leader in review.organization.leader_accounts.all():
                notify(
                    recipient=leader,
                    kind="general",
                    key=f"review:{review.pk}:returned",
                    title=_("Your %(year)d annual review was returned for revision")
                    % {"year": cycle.year},
                    body=review.return_comment,
                    url=reverse("evaluation:review", args=[review.pk]),
                )


def _announce_applications_to_score(street) -> None:
    """Assigning an expert to a call sends nothing of its own yet: the demo tells each
    expert of an open call how many applications wait for their scores."""
    from django.urls import reverse
    from django.utils.translation import override

    from funding.models import Application, ExpertAssignment
    from funding.workflows import SCORABLE_STATUSES
    from notifications.services import notify

    today = timezone.localdate()
    assignments = ExpertAssignment.objects.filter(
        call__street=street, call__closes_on__gte=today
    ).select_related("call", "expert")
    with override("zh-hans"):
        for assignment in assignments:
            call = assignment.call
            waiting = Application.objects.filter(call=call, status__in=SCORABLE_STATUSES).count()
            if waiting:
                notify(
                    recipient=assignment.expert,
                    kind="general",
                    key=f"call:{call.pk}:to-score",
                    title=_("%(n)d grant application(s) of %(call)s wait for your scores")
                    % {"n": waiting, "call": call.title},
                    url=reverse("funding:review"),
                )
