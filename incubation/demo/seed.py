"""Writing the planned demo registry through the incubation services, in two steps.

``seed_organizations`` writes every organization in 登记 with what does not depend on its
stage (grade, credit listings, leader accounts); ``walk_organizations`` then walks each
along its planned path. In between, the higher layers record what the record-reading
checkpoints of 入驻, 管理 and 换届 look for (``partybuilding.demo.seed_party`` is given
``Registry.paths``: which organizations pass which of those checkpoints), so every stage
change passes the same checks as real data (``operations.demo.seed_demo`` composes them).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from accounts.models import Street, User
from incubation.checkpoints import reads_records
from incubation.demo.plan import Spec, build_plan
from incubation.demo.vocabulary import FILED, P
from incubation.models import Organization, Pairing
from incubation.rules import add_years
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
from incubation.workflows import EXIT_STAGES, IncubationPhase

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


def _typed(spec: Spec, stage: str) -> dict:
    """The evidence typed for leaving ``stage``: none where the checkpoint reads records."""
    return {} if reads_records(stage) else spec.evidence(stage)


def _move(org: Organization, spec: Spec, to_stage: str) -> None:
    organization_change_stage(
        organization=org, to_stage=to_stage, actor=None, evidence=_typed(spec, org.stage)
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


@dataclass(frozen=True)
class Path:
    """Where the walk takes an organization: its planned stage, and the stages it leaves
    through their checkpoint on the way."""

    stage: str
    leaves: frozenset[str]

    @property
    def needs_coverage(self) -> bool:
        """It passes 入驻's checkpoint, or stays in the register past 登记 (双覆盖)."""
        return P.ONBOARDING in self.leaves or (
            self.stage not in EXIT_STAGES and self.stage != P.REGISTRATION
        )


def path_of(spec: Spec) -> Path:
    """The checkpoints ``_walk`` passes for ``spec`` (withdrawal and deregistration pass
    none)."""
    leaves = set()
    if spec.stage != P.REGISTRATION and not (
        spec.stage == P.WITHDRAWN and spec.withdraw_from == P.REGISTRATION
    ):
        leaves.add(P.REGISTRATION)
    reaches_management = spec.stage not in (P.REGISTRATION, P.ONBOARDING) and not (
        spec.stage == P.WITHDRAWN and spec.withdraw_from != P.MANAGEMENT
    )
    if reaches_management:
        leaves.add(P.ONBOARDING)
        if (
            spec.renewed_term
            or spec.review_round_trip
            or spec.stage in (P.GRADUATED, P.RE_ELECTION, P.ANNUAL_REVIEW, P.AWARDS)
        ):
            leaves.add(P.MANAGEMENT)
        if spec.renewed_term:
            leaves.add(P.RE_ELECTION)
        if spec.review_round_trip:
            leaves.add(P.ANNUAL_REVIEW)
    return Path(spec.stage, frozenset(leaves))


def _walk(org: Organization, spec: Spec) -> Organization:
    """Walk one organization along a valid path to its planned stage."""
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
            evidence=_typed(spec, P.RE_ELECTION),
        )
    if spec.review:
        if spec.review_round_trip:
            _move(org, spec, P.ANNUAL_REVIEW)
            _move(org, spec, P.MANAGEMENT)
        year, result = spec.review
        org = organization_record_annual_review(
            organization=org, year=year, result=result, actor=None
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
            organization=org, actor=None, note="达到出壳标准", evidence=_typed(spec, org.stage)
        )
        if spec.phase == IncubationPhase.FOLLOW_UP:
            organization_change_phase(
                organization=org, to_phase=IncubationPhase.FOLLOW_UP, actor=None
            )
    elif spec.stage != P.MANAGEMENT:
        _move(org, spec, spec.stage)
    return org


def _services(org: Organization, spec: Spec) -> None:
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


def _credit(org: Organization, spec: Spec) -> None:
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


@dataclass
class Registry:
    """The demo registry written in 登记, with the walks still to make."""

    street: Street
    communities: list
    pairings: list
    walks: list[tuple[Organization, Spec]] = field(default_factory=list)

    @property
    def paths(self) -> dict[int, Path]:
        return {org.pk: path_of(spec) for org, spec in self.walks}


def seed_organizations(street: Street, users: dict[str, User]) -> Registry:
    """Write the street's demo organizations in 登记 (skipping those already there), with
    grades, credit listings and leader accounts; ``walk_organizations`` takes them on."""
    communities = list(street.communities.order_by("pk"))
    specs, pairings = build_plan([c.name for c in communities], timezone.localdate())
    existing = _by_name(street)
    taken = set(
        Organization.objects.filter(
            Q(uscc__in=[s.identifier for s in specs if s.registered])
            | Q(filing_number__in=[s.identifier for s in specs if not s.registered])
        ).values_list("uscc", "filing_number")
    )
    taken_ids = {value for pair in taken for value in pair if value}
    registry = Registry(street, communities, pairings)
    for spec in specs:
        community = communities[spec.community]
        if (community.pk, spec.name) in existing or spec.identifier in taken_ids:
            continue
        org = _create(spec, community)
        if spec.grade:
            grade, awarded_on = spec.grade
            org = organization_set_grade(
                organization=org, grade=grade, awarded_on=awarded_on, actor=None
            )
        _credit(org, spec)
        registry.walks.append((org, spec))

    orgs = _by_name(street)
    for spec in specs:
        if spec.leader_username:
            org = orgs.get((communities[spec.community].pk, spec.name))
            if org is not None:
                organization_add_leader(organization=org, user=users[spec.leader_username])
    return registry


def _by_name(street: Street) -> dict:
    orgs = Organization.objects.filter(community__street=street)
    return {(o.community_id, o.name): o for o in orgs}


def walk_organizations(registry: Registry) -> list[Organization]:
    """Walk the new organizations to their planned stages, record their incubation
    services and the 1+X pairings; return all the street's organizations."""
    for org, spec in registry.walks:
        org.refresh_from_db()
        org = _walk(org, spec)
        _services(org, spec)
    communities = registry.communities
    orgs = _by_name(registry.street)
    paired = set(Pairing.objects.active().values_list("mentee_id", flat=True))
    for (mentor_c, mentor_name), (mentee_c, mentee_name), started_on in registry.pairings:
        mentor = orgs.get((communities[mentor_c].pk, mentor_name))
        mentee = orgs.get((communities[mentee_c].pk, mentee_name))
        if mentor is None or mentee is None or mentee.pk in paired:
            continue
        pairing_create(mentor=mentor, mentee=mentee, started_on=started_on, actor=None)
        paired.add(mentee.pk)
    return list(orgs.values())


# A one-page PDF: the archive decides the type from the bytes (core.uploads).
_CERTIFICATE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed_expiring_document(org: Organization, *, actor, days: int = 40) -> None:
    """The organization's 登记证书 in the archive, expiring in ``days`` (inside the 60-day
    reminder window): community staff see it in their queue, the daily reminder tells the
    leader and the community. Uploaded by ``actor`` through the archive's service; skipped
    when the organization already has a current certificate."""
    from django.core.files.base import ContentFile

    from incubation.choices import DocumentKind
    from incubation.models import OrganizationDocument
    from incubation.services.documents import document_upload

    kind = DocumentKind.REGISTRATION_CERTIFICATE
    if OrganizationDocument.objects.current().filter(organization=org, kind=kind).exists():
        return
    today = timezone.localdate()
    document_upload(
        organization=org,
        kind=kind,
        file=ContentFile(_CERTIFICATE_PDF, name="登记证书.pdf"),
        # 登记证书 run five years: issued five years before it expires.
        valid_from=add_years(today + datetime.timedelta(days=days), -5),
        expires_on=today + datetime.timedelta(days=days),
        actor=actor,
    )
