"""Reads of the organization registry: scoping, eligibility, what comes next."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import human_date
from incubation.checkpoints import CHECKPOINT_DESCRIPTIONS, run_checkpoint
from incubation.choices import AnnualReviewResult
from incubation.models import CreditListing, Organization, OrganizationDocument
from incubation.rules import add_months, rules
from incubation.workflows import EXIT_STAGES, STAGE_TRANSITIONS, IncubationPhase, Stage


def organizations_for(user):
    return Organization.objects.visible_to(user).select_related("community", "community__street")


def organization_timeline(org: Organization):
    return org.events.select_related("actor").order_by("-created_at", "-pk")


# Purposes that ask blocking_reasons(); credit lists block all of them.
PURPOSES = ("evaluation", "award", "grant", "claim")


def blocking_reasons(org: Organization, purpose: str) -> list[str]:
    """Why ``org`` may not be evaluated, awarded or funded right now (empty: nothing
    blocks). The one rule evaluation, awards and grants all use."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    reasons = []
    for listing in CreditListing.objects.active().filter(organization=org):
        reasons.append(
            _("on the %(list)s since %(date)s (%(ground)s)")
            % {
                "list": listing.get_list_kind_display(),
                "date": human_date(listing.listed_on),
                "ground": listing.get_ground_display(),
            }
        )
    if org.stage in EXIT_STAGES:
        reasons.append(_("has left the hub (%(stage)s)") % {"stage": org.get_stage_display()})
    if purpose in ("evaluation", "award") and (
        org.last_annual_review_result == AnnualReviewResult.FAILED
    ):
        reasons.append(
            _("failed the annual review of %(year)s") % {"year": org.last_annual_review_year}
        )
    return reasons


def graduation_unmet(org: Organization, today: datetime.date | None = None) -> list[str]:
    """The 出壳 criteria this organization does not meet yet (configurable in rules)."""
    today = today or timezone.localdate()
    r = rules()
    unmet = []
    if org.incubation_phase not in (IncubationPhase.ENTERED, IncubationPhase.INCUBATING):
        unmet.append(_("the organization is not being incubated"))
    if not org.intake_agreement_on:
        unmet.append(_("no incubation agreement date is recorded"))
    elif add_months(org.intake_agreement_on, r.graduation_min_months) > today:
        unmet.append(
            _("incubated for less than %(months)d months (possible from %(date)s)")
            % {
                "months": r.graduation_min_months,
                "date": human_date(add_months(org.intake_agreement_on, r.graduation_min_months)),
            }
        )
    if r.graduation_requires_passed_review and (
        org.last_annual_review_result != AnnualReviewResult.PASSED
    ):
        unmet.append(_("the last annual review is not 'passed'"))
    if r.graduation_requires_independence and not org.independent_operation_confirmed:
        unmet.append(_("staff have not confirmed independent operation"))
    return unmet


def term_due(org: Organization) -> datetime.date | None:
    """When the council must be re-elected: the term end or an approved extension."""
    return org.term_extended_until or org.term_end


def annual_review_year_due(org: Organization, today: datetime.date) -> int | None:
    """The year whose 年检 report is still owed, if any. Organizations founded after the
    cut-off day skip their first year."""
    year = today.year - 1
    if org.last_annual_review_year and org.last_annual_review_year >= year:
        return None
    if org.founded_on:
        month, day = rules().annual_review_founded_cutoff
        if org.founded_on > datetime.date(year, month, day):
            return None
    return year


@dataclass(frozen=True)
class NextAction:
    label: str
    due: datetime.date | None = None

    def overdue(self, today: datetime.date) -> bool:
        return bool(self.due and self.due < today)


def next_required_action(
    org: Organization, today: datetime.date | None = None
) -> NextAction | None:
    """The one thing the organization (or staff) must do next, with its due date."""
    today = today or timezone.localdate()
    stage = Stage(org.stage)
    if stage in EXIT_STAGES:
        return None
    if stage == Stage.REGISTRATION:
        return NextAction(
            _("Record the leader's political status and party members, then arrange onboarding")
        )
    if stage == Stage.ONBOARDING:
        return NextAction(_("Arrange party coverage and a party liaison, then start management"))
    if stage == Stage.RE_ELECTION:
        return NextAction(
            _("Complete the re-election with the party organization's pre-review"), term_due(org)
        )
    actions = []
    due = term_due(org)
    if due and due <= add_months(today, 3):
        actions.append(
            NextAction(
                _("Re-elect the council (term ends %(date)s)") % {"date": human_date(due)}, due
            )
        )
    year = annual_review_year_due(org, today)
    if year is not None:
        month, day = rules().annual_report_due
        actions.append(
            NextAction(
                _("Submit the %(year)d annual review report") % {"year": year},
                datetime.date(year + 1, month, day),
            )
        )
    if org.incubation_phase in (IncubationPhase.ENTERED, IncubationPhase.INCUBATING) and (
        org.intake_agreement_on and org.planned_incubation_months
    ):
        ends = add_months(org.intake_agreement_on, org.planned_incubation_months)
        if ends <= add_months(today, 1):
            actions.append(NextAction(_("Incubation period ends: assess graduation"), ends))
    if stage == Stage.ANNUAL_REVIEW:
        month, day = rules().annual_registry_due
        return NextAction(_("Finish the annual review"), datetime.date(today.year, month, day))
    if not actions:
        if due:
            return NextAction(_("Next re-election"), due)
        return None
    return min(actions, key=lambda action: action.due or datetime.date.max)


# --- Stage changes -------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointStatus:
    stage: str
    description: str
    met: bool
    missing: tuple[str, ...] = ()


def checkpoint_status(org: Organization, stage: str) -> CheckpointStatus | None:
    """Whether the party-building checkpoint of ``stage`` (双孵六同步) is recorded for
    ``org`` right now: the stage's checker run with no typed evidence, writing nothing.
    None for a stage without a checkpoint (the exits)."""
    if stage not in CHECKPOINT_DESCRIPTIONS:
        return None
    result = run_checkpoint(org, stage, {})
    return CheckpointStatus(
        stage=stage,
        description=str(CHECKPOINT_DESCRIPTIONS[stage]),
        met=result.ok,
        missing=tuple(str(item) for item in result.missing),
    )


# Leaving the hub this way needs no checkpoint (organization_change_stage skips it).
NO_CHECKPOINT_TARGETS = frozenset({Stage.WITHDRAWN, Stage.DEREGISTERED})


@dataclass(frozen=True)
class StageChoice:
    to_stage: str
    label: str
    needs_checkpoint: bool
    unmet: tuple[str, ...] = ()  # graduation criteria not met yet


def stage_choices(user, org: Organization, today: datetime.date | None = None):
    """The stages ``user`` may move ``org`` to from where it is, in the order of the
    lifecycle: the transition table and the actor's permission, as the service checks
    them. The checkpoint is the current stage's (see ``checkpoint_status``)."""
    from incubation.permissions import can_change_stage

    current = Stage(org.stage)
    choices = []
    for target in Stage:
        if target not in STAGE_TRANSITIONS[current] or not can_change_stage(user, org, target):
            continue
        unmet = graduation_unmet(org, today) if target == Stage.GRADUATED else []
        choices.append(
            StageChoice(
                to_stage=target.value,
                label=str(target.label),
                needs_checkpoint=target not in NO_CHECKPOINT_TARGETS,
                unmet=tuple(unmet),
            )
        )
    return choices


# --- Documents ------------------------------------------------------------------------------


def documents_organization_or_404(user, pk) -> Organization:
    """The organization whose document archive ``user`` may open; another organization's,
    or one the user sees without a right to its documents, is a 404 like a missing one."""
    from django.http import Http404

    from incubation.permissions import can_view_documents

    org = (
        Organization.objects.visible_to(user)
        .select_related("community", "community__street")
        .filter(pk=pk)
        .first()
    )
    if org is None or not can_view_documents(user, org):
        raise Http404
    return org


def document_history(org: Organization, kind: str | None = None):
    """Every version of the organization's documents (of one kind), newest first: one
    query whatever the number of rows."""
    documents = OrganizationDocument.objects.filter(organization=org).select_related("uploaded_by")
    if kind:
        documents = documents.filter(kind=kind)
    return documents.order_by("kind", "-version")


def current_documents(org: Organization):
    """The current version of each kind the organization has."""
    return document_history(org).current()


def documents_expiring(today: datetime.date, within_days: int):
    """Current documents of organizations still in the hub whose expiry date is at most
    ``within_days`` away (or past): what the expiry reminders look at."""
    return (
        OrganizationDocument.objects.current()
        .filter(expires_on__isnull=False, expires_on__lte=today + datetime.timedelta(within_days))
        .exclude(organization__stage__in=EXIT_STAGES)
        .select_related("organization", "organization__community")
        .prefetch_related("organization__leader_accounts")
        .order_by("expires_on", "pk")
    )
