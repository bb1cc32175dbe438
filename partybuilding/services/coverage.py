"""Writes that give a social organization party coverage: a branch covering it
(单独组建 or 联合组建), a party-building instructor (党建指导员) sent to it, and the party
organization's pre-review of its new leadership (换届前置审核).

Decisions:
- A functional branch (功能型党支部) is set up around an activity or a group of people,
  not in units: it gives no organization coverage, so it cannot be assigned to one (an
  active coverage row would also block the organization's own or joint branch).
- An organization has one covering branch at a time: assigning another is refused until
  the current one is ended (the database says so too, ``coverage_one_active``).
- An instructor is for an organization without its own branch: refused while a branch set
  up alone covers it; alongside a joint branch it is allowed.

Every write is recorded on the organization's timeline as an ``OrganizationEvent``
(kind ``updated``, evidence ``{"party_coverage": ...}``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, roles_of
from core.dates import human_date
from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.identifiers import validate_mobile_or_phone
from incubation.choices import EventKind
from incubation.models import Organization, OrganizationEvent
from incubation.services import record_event
from incubation.workflows import Stage
from partybuilding.choices import CoverageKind, Establishment, PartyOrgKind, PreReviewResult
from partybuilding.models import (
    InstructorAssignment,
    LeadershipPreReview,
    PartyCoverage,
    PartyOrganization,
)
from partybuilding.permissions import can_manage_party
from partybuilding.rules import party_tree_rules

COVERAGE_KIND_FOR_ESTABLISHMENT = {
    Establishment.SINGLE: CoverageKind.OWN_BRANCH,
    Establishment.JOINT: CoverageKind.JOINT_BRANCH,
}


def coverage_limits() -> dict[str, int]:
    """How many organizations a branch covers at most, by establishment (the rules in
    force; a functional branch covers none and is absent)."""
    rules = party_tree_rules()
    return {
        Establishment.SINGLE: rules.single_branch_max_organizations,
        Establishment.JOINT: rules.joint_branch_max_organizations,
    }


def _record(organization, actor, note: str, **evidence) -> OrganizationEvent:
    # The organization's timeline is incubation's: its service writes the step.
    return record_event(
        organization, EventKind.UPDATED, actor, note=note, evidence={"party_coverage": evidence}
    )


def _refuse_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _refuse_other_street(party_org: PartyOrganization, organization: Organization) -> None:
    if organization.community.street_id != party_org.street_id:
        raise ActionRefused(
            _("%(organization)s is not in the street of %(party_org)s.")
            % {"organization": organization.name, "party_org": party_org.name}
        )


def _lock_organization(organization: Organization) -> Organization:
    # Serializes the checks on one organization (its coverage, its instructor).
    return (
        Organization.objects.select_related("community")
        .select_for_update(of=("self",))
        .get(pk=organization.pk)
    )


# --- Branch coverage --------------------------------------------------------------------


@transaction.atomic
def coverage_assign(
    *,
    branch: PartyOrganization,
    organization: Organization,
    liaison: str,
    started_on: datetime.date,
    actor,
) -> PartyCoverage:
    """A branch starts covering an organization, with a named party liaison.

    Assigning the branch that already covers the organization again changes nothing (or
    only the liaison, recorded)."""
    refuse_unless(can_manage_party(actor, branch))
    # The branch row is locked so two assignments cannot both take a joint branch's last
    # place (or a single branch's only one).
    branch = PartyOrganization.objects.select_for_update().get(pk=branch.pk)
    org = _lock_organization(organization)
    liaison = (liaison or "").strip()
    if not liaison:
        raise ValidationError({"liaison": _("Name the party liaison.")})
    _refuse_future(started_on, "started_on")
    if branch.kind != PartyOrgKind.BRANCH:
        raise ActionRefused(
            _("Only a party branch covers organizations; %(party_org)s is a %(kind)s.")
            % {"party_org": branch.name, "kind": PartyOrgKind(branch.kind).label}
        )
    limits = coverage_limits()
    if branch.establishment not in limits:
        raise ActionRefused(
            _(
                "A functional branch gives no organization coverage: cover %(organization)s "
                "with a branch set up alone or jointly, or send a party-building instructor."
            )
            % {"organization": org.name}
        )
    _refuse_other_street(branch, org)
    if org.stage == Stage.DEREGISTERED:
        raise ActionRefused(_("%(organization)s is deregistered.") % {"organization": org.name})

    current = PartyCoverage.objects.active().filter(organization=org).select_related("branch")
    current = current.first()
    if current is not None and current.branch_id == branch.pk:
        if current.liaison != liaison:
            old = current.liaison
            current.liaison = liaison
            current.save(update_fields=["liaison", "updated_at"])
            _record(
                org,
                actor,
                _("Party liaison changed: %(old)s → %(new)s") % {"old": old, "new": liaison},
                action="liaison_changed",
                branch=branch.name,
                liaison=[old, liaison],
            )
        return current
    if current is not None:
        raise ActionRefused(
            _(
                "%(organization)s is already covered by %(branch)s; end that coverage before "
                "assigning another branch."
            )
            % {"organization": org.name, "branch": current.branch.name}
        )
    limit = limits[branch.establishment]
    covered = PartyCoverage.objects.active().filter(branch=branch).count()
    if covered >= limit:
        if branch.establishment == Establishment.SINGLE:
            message = _(
                "%(branch)s is set up alone and already covers its organization; a branch "
                "covering several organizations is set up jointly."
            )
        else:
            message = _(
                "%(branch)s already covers %(count)d organizations, the most a joint branch "
                "may cover."
            )
        raise ActionRefused(message % {"branch": branch.name, "count": covered})

    coverage = PartyCoverage(
        branch=branch, organization=org, liaison=liaison, started_on=started_on
    )
    coverage.full_clean()
    coverage.save()
    kind = COVERAGE_KIND_FOR_ESTABLISHMENT[branch.establishment]
    _record(
        org,
        actor,
        _("Party coverage: %(branch)s (%(kind)s), liaison %(liaison)s")
        % {"branch": branch.name, "kind": kind.label, "liaison": liaison},
        action="assigned",
        coverage=str(kind),
        branch=branch.name,
        liaison=liaison,
        started_on=started_on.isoformat(),
    )
    return coverage


@transaction.atomic
def coverage_end(*, coverage: PartyCoverage, ended_on: datetime.date, actor) -> PartyCoverage:
    """The branch stops covering the organization; ending it again changes nothing."""
    refuse_unless(can_manage_party(actor, coverage.branch))
    coverage = (
        PartyCoverage.objects.select_for_update(of=("self",))
        .select_related("branch", "organization")
        .get(pk=coverage.pk)
    )
    if coverage.ended_on is not None:
        return coverage
    _refuse_future(ended_on, "ended_on")
    if ended_on < coverage.started_on:
        raise ValidationError(
            {
                "ended_on": _("The coverage cannot end before it started (%(date)s).")
                % {"date": human_date(coverage.started_on)}
            }
        )
    coverage.ended_on = ended_on
    coverage.save(update_fields=["ended_on", "updated_at"])
    _record(
        coverage.organization,
        actor,
        _("Party coverage by %(branch)s ended") % {"branch": coverage.branch.name},
        action="ended",
        branch=coverage.branch.name,
        ended_on=ended_on.isoformat(),
    )
    return coverage


# --- Party-building instructors ---------------------------------------------------------


@transaction.atomic
def instructor_assign(
    *,
    organization: Organization,
    name: str,
    phone: str,
    sent_by: PartyOrganization,
    started_on: datetime.date,
    actor,
    account=None,
) -> InstructorAssignment:
    """Send a party-building instructor to an organization without its own branch.

    ``account`` (optional) is the instructor's own sign-in, a party worker of the same
    street. Sending the same instructor again changes nothing."""
    refuse_unless(can_manage_party(actor, sent_by))
    org = _lock_organization(organization)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the instructor.")})
    if phone:
        try:
            phone = validate_mobile_or_phone(phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from None
    _refuse_future(started_on, "started_on")
    _refuse_other_street(sent_by, org)
    if org.stage == Stage.DEREGISTERED:
        raise ActionRefused(_("%(organization)s is deregistered.") % {"organization": org.name})
    if account is not None and (
        Role.PARTY_WORKER not in roles_of(account) or account.street_id != org.community.street_id
    ):
        raise ValidationError(
            {"account": _("The instructor's account must be a party worker of this street.")}
        )
    own = (
        PartyCoverage.objects.active()
        .filter(organization=org, branch__establishment=Establishment.SINGLE)
        .select_related("branch")
        .first()
    )
    if own is not None:
        raise ActionRefused(
            _(
                "%(organization)s has its own branch (%(branch)s); instructors are sent to "
                "organizations without one."
            )
            % {"organization": org.name, "branch": own.branch.name}
        )
    current = InstructorAssignment.objects.active().filter(organization=org).first()
    if current is not None:
        if current.name == name and current.sent_by_id == sent_by.pk:
            return current
        raise ActionRefused(
            _(
                "%(organization)s already has an instructor (%(name)s); end that assignment "
                "before sending another."
            )
            % {"organization": org.name, "name": current.name}
        )
    assignment = InstructorAssignment(
        organization=org,
        name=name,
        phone=phone or "",
        sent_by=sent_by,
        account=account,
        started_on=started_on,
    )
    assignment.full_clean()
    assignment.save()
    _record(
        org,
        actor,
        _("Party-building instructor %(name)s sent by %(party_org)s")
        % {"name": name, "party_org": sent_by.name},
        action="instructor_assigned",
        coverage=str(CoverageKind.INSTRUCTOR),
        instructor=name,
        sent_by=sent_by.name,
        started_on=started_on.isoformat(),
    )
    return assignment


@transaction.atomic
def instructor_end(
    *, assignment: InstructorAssignment, ended_on: datetime.date, actor
) -> InstructorAssignment:
    refuse_unless(can_manage_party(actor, assignment.sent_by))
    assignment = (
        InstructorAssignment.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=assignment.pk)
    )
    if assignment.ended_on is not None:
        return assignment
    _refuse_future(ended_on, "ended_on")
    if ended_on < assignment.started_on:
        raise ValidationError(
            {
                "ended_on": _("The assignment cannot end before it started (%(date)s).")
                % {"date": human_date(assignment.started_on)}
            }
        )
    assignment.ended_on = ended_on
    assignment.save(update_fields=["ended_on", "updated_at"])
    _record(
        assignment.organization,
        actor,
        _("Party-building instructor %(name)s ended") % {"name": assignment.name},
        action="instructor_ended",
        instructor=assignment.name,
        ended_on=ended_on.isoformat(),
    )
    return assignment


# --- 换届前置审核 -------------------------------------------------------------------------


@transaction.atomic
def prereview_record(
    *,
    organization: Organization,
    reviewed_by: PartyOrganization,
    reviewed_on: datetime.date,
    candidates: str,
    result: str,
    note: str = "",
    actor,
) -> LeadershipPreReview:
    """The party organization's pre-review of an organization's new leadership candidates.
    A rejection states its reason in ``note``."""
    refuse_unless(can_manage_party(actor, reviewed_by))
    org = _lock_organization(organization)
    _refuse_other_street(reviewed_by, org)
    result = PreReviewResult(result)
    candidates, note = (candidates or "").strip(), (note or "").strip()
    errors = {}
    if not candidates:
        errors["candidates"] = _("List the leadership candidates reviewed.")
    if result == PreReviewResult.REJECTED and not note:
        errors["note"] = _("Give the reason for rejecting the candidates.")
    if reviewed_on > timezone.localdate():
        errors["reviewed_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    review = LeadershipPreReview(
        organization=org,
        reviewed_by=reviewed_by,
        reviewed_on=reviewed_on,
        candidates=candidates,
        result=result,
        note=note,
    )
    review.full_clean()
    review.save()
    _record(
        org,
        actor,
        _("Leadership pre-review by %(party_org)s: %(result)s")
        % {"party_org": reviewed_by.name, "result": result.label},
        action="prereview",
        reviewed_by=reviewed_by.name,
        reviewed_on=reviewed_on.isoformat(),
        result=str(result),
    )
    return review
