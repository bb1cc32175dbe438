"""Writing the planned demo party tree through the party-building services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Street
from incubation.choices import CreditGround
from incubation.models import CreditListing, Organization
from incubation.rules import add_years
from incubation.services import organization_update
from incubation.workflows import Stage
from partybuilding.choices import DevelopmentStage, MemberStatus, PartyOrgKind, PreReviewResult
from partybuilding.demo.plan import BranchPlan, DevelopmentPlan
from partybuilding.demo.planner import PartyPlanner, stage_of
from partybuilding.demo.vocabulary import COMMITTEE_FOUNDED, COMMITTEE_NAME
from partybuilding.models import (
    Development,
    InstructorAssignment,
    PartyActivity,
    PartyCoverage,
    PartyMember,
    PartyOrganization,
)
from partybuilding.selectors import cross_appointments
from partybuilding.services.activities import activity_record
from partybuilding.services.coverage import coverage_assign, instructor_assign, prereview_record
from partybuilding.services.development import (
    development_advance,
    development_extend_probation,
    development_start,
)
from partybuilding.services.members import member_create
from partybuilding.services.tree import party_org_create, party_org_set_secretary

# --- Writing it through the services ----------------------------------------------------


def _write_development(plan: DevelopmentPlan, branch: PartyOrganization) -> Development:
    person = plan.person
    development = development_start(
        name=person.name,
        sex=person.sex,
        birth_date=person.birth_date,
        id_number=person.id_number,
        phone=person.phone,
        organization=plan.organization,
        branch=branch,
        applied_on=plan.applied_on,
        actor=None,
    )
    for stage, on, note in plan.steps:
        development_advance(development=development, to_stage=stage, on=on, actor=None, note=note)
    if plan.extend_until:
        development_extend_probation(
            development=development,
            until=plan.extend_until,
            actor=None,
            note="预备期间参加组织生活不够经常,支部党员大会决定延长预备期半年",
        )
    return development


def _write_branch(plan: BranchPlan, parent: PartyOrganization, street) -> PartyOrganization:
    branch = party_org_create(
        street=street,
        kind=PartyOrgKind.BRANCH,
        name=plan.name,
        parent=parent,
        community=plan.community,
        establishment=plan.establishment,
        founded_on=plan.founded_on,
        term_start=plan.term_start,
        term_end=plan.term_end,
        has_committee=plan.has_committee,
        actor=None,
    )
    for org in plan.organizations:
        coverage_assign(
            branch=branch,
            organization=org,
            liaison=plan.liaisons[org.pk],
            started_on=max(plan.founded_on, org.founded_on),
            actor=None,
        )
    secretary = None
    for member in plan.members:
        person = member.person
        created = member_create(
            name=person.name,
            sex=person.sex,
            birth_date=person.birth_date,
            id_number=person.id_number,
            phone=person.phone,
            organization=member.organization,
            branch=branch,
            status=MemberStatus.FULL,
            joined_on=member.joined_on,
            posts=member.posts,
            actor=None,
        )
        if person is plan.secretary:
            secretary = created
    for development in plan.developments:
        _write_development(development, branch)
    party_org_set_secretary(party_org=branch, member=secretary, actor=None)
    return branch


def _history_row(branch: PartyOrganization, activity) -> PartyActivity:
    return PartyActivity(
        branch=branch,
        kind=activity.kind,
        date=activity.date,
        title=activity.title,
        attendees=activity.attendees,
        organization=activity.organization,
    )


def party_counts(street: Street, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    party_orgs = PartyOrganization.objects.filter(street=street)
    reached = (DevelopmentStage.PROBATIONARY, DevelopmentStage.FULL)
    return {
        "party_organizations": party_orgs.count(),
        "party_branches": party_orgs.filter(kind=PartyOrgKind.BRANCH).count(),
        "party_members": PartyMember.objects.filter(branch__street=street).count(),
        "party_developed": Development.objects.filter(
            branch__street=street, stage__in=reached
        ).count(),
        "party_cross_appointments": cross_appointments(street).count,
        "party_instructors": InstructorAssignment.objects.active()
        .filter(sent_by__street=street)
        .count(),
        "party_activities": PartyActivity.objects.filter(
            branch__street=street, date__year=today.year
        ).count(),
        # The years before (the dashboard's year-on-year chart).
        "party_activities_earlier": PartyActivity.objects.filter(
            branch__street=street, date__year__lt=today.year
        ).count(),
    }


def seed_party(
    street: Street, users: dict | None = None, paths: dict | None = None
) -> dict[str, int]:
    """Seed the street's party building on top of its demo organizations (once).

    ``paths`` (``incubation.demo.Registry.paths``: organization id → planned stage and the
    checkpoints its walk passes) is given when the organizations are still in 登记 and
    walk afterwards: the plan then reads the planned stages, and records what each walk's
    checkpoints need — coverage for every organization that passes 入驻 or stays in the
    register past 登记, an activity of the last 12 months for those that leave 管理, an
    approved pre-review of the last 6 months for those that complete a 换届."""
    today = timezone.localdate()
    if PartyOrganization.objects.filter(street=street, name=COMMITTEE_NAME).exists():
        return party_counts(street, today)
    # Organizations some other party organization already covers are left alone.
    busy = set(PartyCoverage.objects.active().values_list("organization_id", flat=True)) | set(
        InstructorAssignment.objects.active().values_list("organization_id", flat=True)
    )
    paths = paths or {}
    everyone = [
        o
        for o in Organization.objects.filter(community__street=street)
        .select_related("community")
        .order_by("name", "pk")
        if o.pk not in busy
    ]
    organizations = [o for o in everyone if stage_of(o, paths) != Stage.DEREGISTERED]
    credit_cleared = dict(
        CreditListing.objects.filter(
            organization__community__street=street,
            ground=CreditGround.NO_PARTY_ORGANIZATION,
            cleared_on__isnull=False,
        ).values_list("organization_id", "cleared_on")
    )
    led_by_accounts = set(
        Organization.objects.filter(
            community__street=street, leader_accounts__isnull=False
        ).values_list("pk", flat=True)
    )
    planner = PartyPlanner(organizations, today, paths=paths, everyone=everyone)
    planner.used_ids |= set(PartyMember.objects.values_list("id_number", flat=True))
    planner.used_ids |= set(Development.objects.values_list("id_number", flat=True))
    plan = planner.plan(credit_cleared, led_by_accounts)

    # Organizations whose leader becomes a cross-appointed secretary but is not recorded
    # as a party member (acceptable for demo data: the survey is updated).
    by_pk = {o.pk: o for o in organizations}
    for pk, changes in plan.leader_alignments.items():
        organization_update(organization=by_pk[pk], actor=None, **changes)

    committee_term_start = planner.latest_term_start(COMMITTEE_FOUNDED, 5)
    committee = party_org_create(
        street=street,
        kind=PartyOrgKind.COMMITTEE,
        name=COMMITTEE_NAME,
        founded_on=COMMITTEE_FOUNDED,
        term_start=committee_term_start,
        term_end=add_years(committee_term_start, 5) - datetime.timedelta(days=1),
        has_committee=True,
        actor=None,
    )
    general_branches = [
        party_org_create(
            street=street,
            kind=PartyOrgKind.GENERAL_BRANCH,
            parent=committee,
            has_committee=True,
            actor=None,
            **values,
        )
        for values in plan.general_branches
    ]
    branches = [
        _write_branch(branch_plan, general_branches[branch_plan.group], street)
        for branch_plan in plan.branches
    ]
    for index, development in plan.pipeline:
        _write_development(development, branches[index])
    for org, name, phone, group, started_on in plan.instructors:
        instructor_assign(
            organization=org,
            name=name,
            phone=phone,
            sent_by=general_branches[group],
            started_on=started_on,
            actor=None,
        )
    history = []
    for branch, branch_plan in zip(branches, plan.branches, strict=True):
        for activity in sorted(branch_plan.activities, key=lambda a: a.date):
            if activity.date.year < today.year:
                history.append(_history_row(branch, activity))
                continue
            activity_record(
                branch=branch,
                kind=activity.kind,
                date=activity.date,
                title=activity.title,
                attendees=activity.attendees,
                organization=activity.organization,
                actor=None,
            )
    # The earlier years' ~4,900 activities are history, not live records: bulk-written
    # (one call costs ~1 ms, they would add 6 s to make run). The planner gives them what
    # activity_record checks: a past date after the branch's founding, a known kind,
    # attendees, an organization of the street; activity_record writes no audit row.
    PartyActivity.objects.bulk_create(history, batch_size=1000)
    for org, branch_index, group, reviewed_on, candidates in plan.prereviews:
        reviewer = branches[branch_index] if branch_index is not None else general_branches[group]
        prereview_record(
            organization=org,
            reviewed_by=reviewer,
            reviewed_on=reviewed_on,
            candidates=candidates,
            result=PreReviewResult.APPROVED,
            note="经审核,拟任人选政治立场坚定、热心公益,符合任职条件",
            actor=None,
        )
    return party_counts(street, today)
