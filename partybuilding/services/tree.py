"""Writes to the 1+6+X tree: 党委 → 党总支 → 党支部.

The tree rules (which kind sits under which, one street per tree, how a branch is set up,
how long a term lasts) are checked here for every create and edit. These writes touch no
social organization, so they leave no organization event; coverage writes do
(``partybuilding.services.coverage``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import human_date
from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.fields import name_taken_by
from core.identifiers import clean_name
from incubation.rules import add_years
from partybuilding.choices import ALLOWED_PARENTS, Establishment, MemberStatus, PartyOrgKind
from partybuilding.models import PartyMember, PartyOrganization
from partybuilding.permissions import can_manage_party
from partybuilding.rules import party_tree_rules
from partybuilding.selectors import branches_with_member_counts
from partybuilding.workflows import term_years_for

# Fields edited through party_org_update; kind and street never change (a node of another
# kind or street is a new node).
EDITABLE_FIELDS = (
    "name",
    "parent",
    "community",
    "establishment",
    "founded_on",
    "has_committee",
    "term_start",
    "term_end",
)


def _kind_labels(kinds) -> str:
    return " / ".join(str(PartyOrgKind(kind).label) for kind in sorted(k for k in kinds if k))


def _clean(party_org: PartyOrganization) -> None:
    """Check the name and the tree rules, set ``term_years`` from the kind and run
    ``full_clean``."""
    errors = {}
    # Stored without invisible characters; compared (here and by the database) by its key.
    party_org.name = clean_name(party_org.name)
    PartyOrganization._meta.get_field("name_key").refresh(party_org)
    holder = name_taken_by(party_org, within="street")
    if holder is not None:
        errors["name"] = _("This street already has a party organization named %(name)s.") % {
            "name": holder.name
        }
    kind = PartyOrgKind(party_org.kind)
    parent = party_org.parent
    allowed = ALLOWED_PARENTS[kind]
    if (parent.kind if parent else None) not in allowed:
        if parent is None:
            errors["parent"] = _("A %(kind)s sits under a %(allowed)s; choose its parent.") % {
                "kind": kind.label,
                "allowed": _kind_labels(allowed),
            }
        elif None in allowed:
            errors["parent"] = _("A %(kind)s is the top of the tree and has no parent.") % {
                "kind": kind.label
            }
        else:
            errors["parent"] = _(
                "A %(kind)s cannot sit under a %(parent_kind)s, only under a %(allowed)s."
            ) % {
                "kind": kind.label,
                "parent_kind": PartyOrgKind(parent.kind).label,
                "allowed": _kind_labels(allowed),
            }
    elif parent is not None and parent.street_id != party_org.street_id:
        errors["parent"] = _("The parent party organization belongs to another street.")
    if party_org.community is not None and party_org.community.street_id != party_org.street_id:
        errors["community"] = _("The community belongs to another street.")
    if kind == PartyOrgKind.BRANCH:
        if not party_org.establishment:
            errors["establishment"] = _(
                "Say how the branch is set up: alone, jointly or as a functional branch."
            )
    elif party_org.establishment:
        errors["establishment"] = _(
            "Only a party branch is set up alone, jointly or as a functional branch."
        )
    if party_org.founded_on and party_org.founded_on > timezone.localdate():
        errors["founded_on"] = _("The founding date cannot be in the future.")
    years = term_years_for(kind, community=party_org.community)
    start, end = party_org.term_start, party_org.term_end
    if end and not start:
        errors["term_start"] = _("Enter the day the term started.")
    elif start and end:
        if end <= start:
            errors["term_end"] = _("The term must end after it starts.")
        elif end > add_years(start, years):
            errors["term_end"] = _(
                "A term of this party organization lasts at most %(years)d years "
                "(until %(date)s at the latest)."
            ) % {"years": years, "date": human_date(add_years(start, years))}
    if errors:
        raise ValidationError(errors)
    party_org.term_years = years
    party_org.full_clean()


@transaction.atomic
def party_org_create(
    *,
    street,
    kind: str,
    name: str,
    parent: PartyOrganization | None = None,
    community=None,
    establishment: str = "",
    founded_on: datetime.date | None = None,
    term_start: datetime.date | None = None,
    term_end: datetime.date | None = None,
    has_committee: bool = False,
    actor,
) -> PartyOrganization:
    refuse_unless(can_manage_party(actor, parent, street=street))
    party_org = PartyOrganization(
        street=street,
        kind=kind,
        name=name or "",
        parent=parent,
        community=community,
        establishment=establishment or "",
        founded_on=founded_on,
        term_start=term_start,
        term_end=term_end,
        has_committee=has_committee,
    )
    _clean(party_org)
    party_org.save()
    return party_org


def _lock(party_org: PartyOrganization) -> PartyOrganization:
    return PartyOrganization.objects.select_for_update().get(pk=party_org.pk)


def _refuse_establishment_change(party_org: PartyOrganization) -> None:
    """A branch may not change how it is set up into one its current coverage breaks."""
    covered = party_org.coverages.active().count()
    rules = party_tree_rules()
    limit = {
        Establishment.SINGLE: rules.single_branch_max_organizations,
        Establishment.JOINT: rules.joint_branch_max_organizations,
        Establishment.FUNCTIONAL: 0,
    }.get(party_org.establishment)
    if limit is not None and covered > limit:
        raise ActionRefused(
            _(
                "%(branch)s covers %(count)d organizations; a branch set up this way covers "
                "at most %(limit)d. End the coverage it cannot keep first."
            )
            % {"branch": party_org.name, "count": covered, "limit": limit}
        )


@transaction.atomic
def party_org_update(*, party_org: PartyOrganization, actor, **changes) -> PartyOrganization:
    """Edit a party organization (moving it under another parent included)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    current = _lock(party_org)
    # Checked on the stored row: the caller's instance may already carry the edits.
    refuse_unless(can_manage_party(actor, current))
    changed = [field for field, value in changes.items() if getattr(current, field) != value]
    if not changed:
        return current
    for field in changed:
        setattr(current, field, changes[field])
    if "parent" in changed and current.parent is not None:
        # Moving a node needs the right over where it lands, too.
        refuse_unless(can_manage_party(actor, current.parent))
    _clean(current)
    if "establishment" in changed:
        _refuse_establishment_change(current)
    current.save(update_fields=[*changed, "term_years", "updated_at"])
    return current


@transaction.atomic
def party_org_set_secretary(
    *, party_org: PartyOrganization, member: PartyMember | None, actor
) -> PartyOrganization:
    """Name the secretary (``member`` None clears it). A secretary is a full member of the
    party organization or, for a committee or general branch, of a branch beneath it: a
    probationary member cannot be elected."""
    refuse_unless(can_manage_party(actor, party_org))
    current = _lock(party_org)
    if member is not None:
        member = PartyMember.objects.get(pk=member.pk)
        beneath = {current.pk} | set(
            PartyOrganization.objects.filter(
                Q(parent=current) | Q(parent__parent=current)
            ).values_list("pk", flat=True)
        )
        if member.branch_id not in beneath:
            raise ActionRefused(
                _("%(member)s is not a member of %(party_org)s.")
                % {"member": member.name, "party_org": current.name}
            )
        if member.status != MemberStatus.FULL:
            raise ActionRefused(
                _("%(member)s is a probationary member and cannot be elected secretary.")
                % {"member": member.name}
            )
    if current.secretary_id == (member.pk if member else None):
        return current
    current.secretary = member
    current.save(update_fields=["secretary", "updated_at"])
    return current


@transaction.atomic
def party_org_renew_term(
    *,
    party_org: PartyOrganization,
    term_start: datetime.date,
    term_end: datetime.date | None = None,
    actor,
) -> PartyOrganization:
    """换届: a new term starts (by default for the full term length of the kind)."""
    refuse_unless(can_manage_party(actor, party_org))
    current = _lock(party_org)
    if term_end is None:
        term_end = add_years(term_start, term_years_for(current.kind, community=current.community))
    if (current.term_start, current.term_end) == (term_start, term_end):
        return current
    if current.term_start and term_start <= current.term_start:
        raise ValidationError(
            {
                "term_start": _("The new term must start after the current one (%(date)s).")
                % {"date": human_date(current.term_start)}
            }
        )
    current.term_start, current.term_end = term_start, term_end
    _clean(current)
    current.save(update_fields=["term_start", "term_end", "term_years", "updated_at"])
    return current


# --- Size checks (the rules of ``partybuilding.rules``, as the coverage page flags them) ---


def party_org_size_findings(party_org: PartyOrganization) -> list[str]:
    """What the size rules ask of a branch now: elect a committee, become a general
    branch. Counted by the coverage page's own selector, so a finding here is exactly a
    flag there. Advice, not a refusal: members join one by one, and the committee is
    elected after the count is reached."""
    if party_org.kind != PartyOrgKind.BRANCH:
        return []
    counted = branches_with_member_counts(PartyOrganization.objects.filter(pk=party_org.pk)).first()
    if counted is None:
        return []
    rules = party_tree_rules()
    findings = []
    if rules.needs_committee(counted.full_member_count, has_committee=counted.has_committee):
        findings.append(
            _(
                "%(branch)s has %(count)d full members (%(rule)d or more): it should elect a "
                "branch committee."
            )
            % {
                "branch": counted.name,
                "count": counted.full_member_count,
                "rule": rules.committee_from_full_members,
            }
        )
    if rules.should_become_general_branch(counted.member_count):
        findings.append(
            _(
                "%(branch)s has %(count)d members (more than %(rule)d): it should become a "
                "general party branch."
            )
            % {
                "branch": counted.name,
                "count": counted.member_count,
                "rule": rules.general_branch_above_members,
            }
        )
    return findings
