"""Writing the planned demo registry through the incubation services."""

from django.db.models import Q
from django.utils import timezone

from accounts.models import Street, User
from incubation.demo.plan import Spec, build_plan
from incubation.demo.vocabulary import FILED, P
from incubation.models import Organization, Pairing
from incubation.services import (
    credit_list_add,
    credit_list_clear,
    incubation_intake,
    incubation_service_record,
    organization_add_leader,
    organization_change_phase,
    organization_change_stage,
    organization_confirm_independence,
    organization_create,
    organization_graduate,
    organization_record_annual_review,
    organization_set_grade,
    pairing_create,
    re_election_complete,
    term_extend,
)
from incubation.workflows import IncubationPhase

# --- Writing it through the services ----------------------------------------------------


def _create(spec: Spec, community) -> Organization:
    identifier = {"filing_number" if spec.legal_status == FILED else "uscc": spec.identifier}
    term = {"term_start": spec.term[0], "term_end": spec.term[1]} if spec.term else {}
    return organization_create(
        actor=None,
        name=spec.name,
        community=community,
        legal_status=spec.legal_status,
        service_field=spec.service_field,
        founded_on=spec.founded_on,
        address=spec.address,
        leader_name=spec.leader_name,
        leader_phone=spec.leader_phone,
        leader_political_status=spec.leader_political_status,
        party_member_count=spec.party_member_count,
        growth_level=spec.growth_level,
        **identifier,
        **term,
    )


def _move(org: Organization, spec: Spec, to_stage: str) -> None:
    organization_change_stage(
        organization=org, to_stage=to_stage, actor=None, evidence=spec.evidence(org.stage)
    )


def _intake(org: Organization, spec: Spec) -> Organization:
    agreed, months, kind = spec.intake
    return incubation_intake(
        organization=org,
        agreement_on=agreed,
        planned_months=months,
        incubation_type=kind,
        actor=None,
    )


def _write(spec: Spec, community) -> Organization:
    """Walk one organization along a valid path to its planned stage."""
    org = _create(spec, community)
    if spec.intake and spec.stage == P.REGISTRATION:
        org = _intake(org, spec)
    if spec.stage == P.REGISTRATION:
        return org
    if spec.stage == P.WITHDRAWN and spec.withdraw_from == P.REGISTRATION:
        _move(org, spec, P.WITHDRAWN)
        return org
    _move(org, spec, P.ONBOARDING)
    if spec.intake:
        org = _intake(org, spec)
    if spec.stage == P.ONBOARDING:
        return org
    if spec.stage == P.WITHDRAWN and spec.withdraw_from == P.ONBOARDING:
        _move(org, spec, P.WITHDRAWN)
        return org
    _move(org, spec, P.MANAGEMENT)
    if spec.phase not in (IncubationPhase.NONE, IncubationPhase.ENTERED):
        organization_change_phase(organization=org, to_phase=IncubationPhase.INCUBATING, actor=None)
    if spec.renewed_term:
        _move(org, spec, P.RE_ELECTION)
        start, end = spec.renewed_term
        org = re_election_complete(
            organization=org,
            term_start=start,
            term_end=end,
            actor=None,
            evidence=spec.evidence(P.RE_ELECTION),
        )
    if spec.review:
        if spec.review_round_trip:
            _move(org, spec, P.ANNUAL_REVIEW)
            _move(org, spec, P.MANAGEMENT)
        year, result = spec.review
        org = organization_record_annual_review(
            organization=org, year=year, result=result, actor=None
        )
    if spec.grade:
        grade, awarded_on = spec.grade
        org = organization_set_grade(
            organization=org, grade=grade, awarded_on=awarded_on, actor=None
        )
    if spec.extension_until:
        org = term_extend(
            organization=org,
            until=spec.extension_until,
            actor=None,
            reason="换届筹备期间申请延期,已报党组织同意",
        )
    if spec.stage == P.GRADUATED:
        org = organization_confirm_independence(organization=org, actor=None)
        organization_graduate(
            organization=org, actor=None, note="达到出壳标准", evidence=spec.evidence(org.stage)
        )
        if spec.phase == IncubationPhase.FOLLOW_UP:
            organization_change_phase(
                organization=org, to_phase=IncubationPhase.FOLLOW_UP, actor=None
            )
    elif spec.stage != P.MANAGEMENT:
        _move(org, spec, spec.stage)
    return org


def _extras(org: Organization, spec: Spec) -> None:
    for kind, date, provider, hours, notes in spec.services:
        incubation_service_record(
            organization=org,
            actor=None,
            kind=kind,
            date=date,
            provider=provider,
            hours=hours,
            notes=notes,
        )
    for list_kind, ground, listed_on, cleared_on, note in spec.credit:
        listing = credit_list_add(
            organization=org,
            list_kind=list_kind,
            ground=ground,
            listed_on=listed_on,
            actor=None,
            note=note,
        )
        if cleared_on:
            credit_list_clear(listing=listing, cleared_on=cleared_on, actor=None)


def seed_organizations(street: Street, users: dict[str, User]) -> list[Organization]:
    """Seed the street's demo registry; return all its organizations."""
    communities = list(street.communities.order_by("pk"))
    specs, pairings = build_plan([c.name for c in communities], timezone.localdate())

    def by_name():
        orgs = Organization.objects.filter(community__street=street)
        return {(o.community_id, o.name): o for o in orgs}

    existing = by_name()
    taken = set(
        Organization.objects.filter(
            Q(uscc__in=[s.identifier for s in specs if s.registered])
            | Q(filing_number__in=[s.identifier for s in specs if not s.registered])
        ).values_list("uscc", "filing_number")
    )
    taken_ids = {value for pair in taken for value in pair if value}
    for spec in specs:
        community = communities[spec.community]
        if (community.pk, spec.name) in existing or spec.identifier in taken_ids:
            continue
        org = _write(spec, community)
        _extras(org, spec)

    orgs = by_name()
    for spec in specs:
        if spec.leader_username:
            org = orgs.get((communities[spec.community].pk, spec.name))
            if org is not None:
                organization_add_leader(organization=org, user=users[spec.leader_username])

    paired = set(Pairing.objects.active().values_list("mentee_id", flat=True))
    for (mentor_c, mentor_name), (mentee_c, mentee_name), started_on in pairings:
        mentor = orgs.get((communities[mentor_c].pk, mentor_name))
        mentee = orgs.get((communities[mentee_c].pk, mentee_name))
        if mentor is None or mentee is None or mentee.pk in paired:
            continue
        pairing_create(mentor=mentor, mentee=mentee, started_on=started_on, actor=None)
        paired.add(mentee.pk)
    return list(orgs.values())
