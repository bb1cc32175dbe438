"""Claims (认领) of needs, projects and wishes: one model, one transition function.

At most one live claim per item and slot is a database constraint, so fifty people
claiming the last slot at the same second give one winner and forty-nine refusals that
say the item was just taken — never two claims."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.dates import human_date
from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.transitions import refuse_unless_allowed
from core.uploads import stored_upload_fields
from marketplace.choices import ClaimTarget
from marketplace.eligibility import claim_refusals
from marketplace.models import Claim, ClaimEvent, ClaimEvidence, Need, Project, Wish
from marketplace.permissions import can_act_for_organization, can_manage_community
from marketplace.rules import marketplace_rules
from marketplace.workflows import (
    CLAIM_TRANSITIONS,
    CLAIMANT_MOVES,
    LIVE_CLAIM_STATUSES,
    OPEN_CLAIM_STATUSES,
    STAFF_MOVES,
    ClaimStatus,
    WishStatus,
)

C = ClaimStatus
# Evidence is attached while the claim is being delivered (and until staff confirm).
EVIDENCE_STATUSES = frozenset({C.IN_PROGRESS, C.EVIDENCE_SUBMITTED})
_MODELS = {ClaimTarget.NEED: Need, ClaimTarget.PROJECT: Project, ClaimTarget.WISH: Wish}


def _target_of(item) -> str:
    for target, model in _MODELS.items():
        if isinstance(item, model):
            return target
    raise TypeError(f"cannot claim a {type(item).__name__}")


def _max_claims(item) -> int:
    # A wish goes to one person; needs and projects say how many claimants they allow.
    return getattr(item, "max_claims", 1)


def record_event(claim: Claim, actor, *, from_value: str = "", to_value: str = "", note=""):
    return ClaimEvent.record(
        claim=claim, actor=actor, from_value=from_value, to_value=to_value, note=note
    )


def claim_create(
    *, item, actor, organization=None, party_member=None, today: datetime.date | None = None
) -> Claim:
    """Claim ``item`` (a Need, Project or Wish) for an organization (by one of its leaders,
    or by staff of the item's community) or for a party member. Refusals say why."""
    today = today or timezone.localdate()
    if (organization is None) == (party_member is None):
        raise ActionRefused(_("Claim for one organization or one party member."))
    if organization is not None and not can_act_for_organization(actor, organization):
        refuse_unless(can_manage_community(actor, item.community))
    if party_member is not None and party_member.account_id != getattr(actor, "pk", None):
        refuse_unless(can_manage_community(actor, item.community))
    target = _target_of(item)
    problems = claim_refusals(item, organization=organization, party_member=party_member)
    if problems:
        raise ActionRefused(
            _("This cannot be claimed: %(problems)s.") % {"problems": "; ".join(problems)},
            missing=problems,
        )
    deadline = today + datetime.timedelta(days=marketplace_rules().claim_days)
    live = Claim.objects.filter(**{target: item}, status__in=LIVE_CLAIM_STATUSES)
    claimant = {"organization": organization} if organization else {"party_member": party_member}
    if live.filter(**claimant).exists():
        raise ActionRefused(_("You have already claimed this."))
    # Try each free slot; the unique constraint, not this read, decides who wins a slot.
    taken = set(live.values_list("slot", flat=True))
    free = [slot for slot in range(1, _max_claims(item) + 1) if slot not in taken]
    claim = _first_free_slot(item, target, free, actor, claimant, deadline)
    if claim is None:
        raise ActionRefused(
            _("Somebody claimed this a moment ago: no place is left. Choose another item.")
        )
    transaction.on_commit(lambda: _tell(claim.pk, C.CLAIMED))
    return claim


def _first_free_slot(item, target, free, actor, claimant, deadline) -> Claim | None:
    # Each slot is tried in its own savepoint: the unique constraint, not the read above,
    # decides who wins a slot when claimants race.
    for slot in free:
        try:
            with transaction.atomic():
                claim = Claim.objects.create(
                    target=target,
                    **{target: item},
                    community_id=item.community_id,
                    slot=slot,
                    claimed_by=actor if getattr(actor, "pk", None) else None,
                    deadline=deadline,
                    **claimant,
                )
                record_event(claim, actor, to_value=C.CLAIMED)
                if target == ClaimTarget.WISH:
                    _wish_move(item, WishStatus.CLAIMED, actor, _("Claimed"))
        except IntegrityError:
            continue
        return claim
    return None


def claim_transition(
    *,
    claim: Claim,
    to: str,
    actor,
    note: str = "",
    rating: int | None = None,
    today: datetime.date | None = None,
) -> Claim:
    """The one function that changes a claim's status (and the wish it claims)."""
    to = ClaimStatus(to)
    today = today or timezone.localdate()
    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update(of=("self",))
            .select_related("community", "organization", "party_member", "wish")
            .get(pk=claim.pk)
        )
        if claim.status == to:
            return claim
        refuse_unless_allowed(CLAIM_TRANSITIONS, ClaimStatus, claim.status, to, _("claim"))
        _check_actor(claim, to, actor)
        before = claim.status
        update = ["status", "updated_at"]
        note = note.strip()
        if to == C.CANCELLED:
            if today > claim.deadline:
                raise ActionRefused(
                    _("The deadline (%(date)s) has passed: the claim expires instead.")
                    % {"date": human_date(claim.deadline)}
                )
            claim.closing_reason = note
            update.append("closing_reason")
        elif to == C.REVOKED:
            if not note:
                raise ActionRefused(_("Give the reason for revoking the claim."))
            claim.closing_reason = note
            update.append("closing_reason")
        elif to == C.EXPIRED:
            if today <= claim.deadline:
                raise ActionRefused(_("The claim's deadline has not passed yet."))
        elif to == C.EVIDENCE_SUBMITTED:
            if not note and not claim.evidence.exists():
                raise ActionRefused(_("Describe what was done or attach evidence."))
            if note:
                claim.evidence_note = note
                update.append("evidence_note")
        elif to == C.CONFIRMED:
            claim.confirmed_at = timezone.now()
            update.append("confirmed_at")
        elif to == C.RATED:
            if rating is None or not 1 <= int(rating) <= 5:
                raise ActionRefused(_("Give a rating from 1 to 5."))
            claim.rating = int(rating)
            claim.rating_comment = note
            update += ["rating", "rating_comment"]
        claim.status = to
        claim.save(update_fields=update)
        record_event(claim, actor, from_value=before, to_value=to, note=note)
        if claim.wish_id:
            _wish_follows(claim, before, to, actor)
    transaction.on_commit(lambda: _tell(claim.pk, to))
    return claim


def _check_actor(claim: Claim, to: str, actor) -> None:
    if actor is None and to == C.EXPIRED:
        return  # the nightly sweep
    staff = can_manage_community(actor, claim.community)
    # A wish's claimant does not start it: staff accept the claim (and the claimant then
    # sees the hand-over contact).
    wish_acceptance = to == C.IN_PROGRESS and claim.wish_id
    if to in CLAIMANT_MOVES and is_claimant(claim, actor) and not wish_acceptance:
        return
    refuse_unless(staff)


def is_claimant(claim: Claim, actor) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if claim.organization_id:
        return bool(can_act_for_organization(actor, claim.organization))
    member = claim.party_member
    return member is not None and member.account_id == actor.pk


# What each next step is called on the claim page, by who takes it and from where.
_STEP_LABELS: dict[tuple[str, str, str], str | Promise] = {
    (C.CLAIMED, C.IN_PROGRESS, "claimant"): _lazy("Start"),
    (C.CLAIMED, C.IN_PROGRESS, "staff"): _lazy("Accept the claim"),
    (C.EVIDENCE_SUBMITTED, C.IN_PROGRESS, "staff"): _lazy("Send back for more"),
    (C.IN_PROGRESS, C.EVIDENCE_SUBMITTED, "claimant"): _lazy("Submit what was done"),
    (C.EVIDENCE_SUBMITTED, C.CONFIRMED, "staff"): _lazy("Confirm the delivery"),
    (C.CONFIRMED, C.RATED, "staff"): _lazy("Rate"),
}

_END_LABELS: dict[str, str | Promise] = {
    C.CANCELLED: _lazy("Cancel the claim"),
    C.REVOKED: _lazy("Revoke"),
}


def claim_steps(claim: Claim, *, staff: bool, claimant: bool) -> list[tuple[str, str]]:
    """The next steps this person may take on ``claim``, as (status, button label): the
    transition table narrowed to their moves (expiry is the nightly sweep's)."""
    steps = []
    for to in CLAIM_TRANSITIONS[claim.status]:
        if to == C.EXPIRED:
            continue
        wish_acceptance = to == C.IN_PROGRESS and claim.wish_id and claim.status == C.CLAIMED
        by_claimant = claimant and to in CLAIMANT_MOVES and not wish_acceptance
        by_staff = staff and to in STAFF_MOVES
        if not (by_claimant or by_staff):
            continue
        who = "claimant" if by_claimant else "staff"
        label = (
            _STEP_LABELS.get((claim.status, to, who))
            or _END_LABELS.get(to)
            or ClaimStatus(to).label
        )
        steps.append((to, str(label)))
    order = list(ClaimStatus.values)
    return sorted(steps, key=lambda step: order.index(step[0]))


def _wish_follows(claim: Claim, before: str, to: str, actor) -> None:
    """A wish moves with its claim: delivered with the evidence, fulfilled when staff
    confirm, back on the wall when the claim ends undelivered."""
    wish = claim.wish
    if to == C.EVIDENCE_SUBMITTED:
        _wish_move(wish, WishStatus.DELIVERED, actor, _("Delivered"))
    elif to == C.CONFIRMED:
        _wish_move(wish, WishStatus.CONFIRMED, actor, _("Confirmed"))
    elif to == C.IN_PROGRESS and before == C.EVIDENCE_SUBMITTED:
        _wish_move(wish, WishStatus.CLAIMED, actor, _("Evidence sent back"))
    elif to in (C.CANCELLED, C.EXPIRED, C.REVOKED) and before in OPEN_CLAIM_STATUSES:
        _wish_move(wish, WishStatus.PUBLISHED, actor, _("Claim ended: back on the wall"))


def _wish_move(wish: Wish | None, to: str, actor, note: str) -> None:
    if wish is None:
        return
    from marketplace.services.wishes import wish_transition

    wish_transition(wish=wish, to=to, actor=actor, note=note, by_claim=True)


def evidence_add(*, claim: Claim, uploaded, actor) -> ClaimEvidence:
    """Attach a file (photo, sign-in sheet) while the claim is being delivered. A wish's
    photo needs the beneficiary's recorded consent."""
    claim = Claim.objects.select_related("wish__beneficiary", "organization").get(pk=claim.pk)
    if not is_claimant(claim, actor):
        refuse_unless(can_manage_community(actor, claim.community))
    if claim.status not in EVIDENCE_STATUSES:
        raise ActionRefused(_("Evidence is added while the claim is in progress."))
    fields = stored_upload_fields(uploaded, actor)
    if claim.wish_id and fields["content_type"] in ("png", "jpeg"):
        beneficiary = getattr(claim.wish, "beneficiary", None)
        if beneficiary is None or not beneficiary.photo_consent:
            raise ActionRefused(
                _("The person has not agreed to a photo: attach a signed receipt instead.")
            )
    return ClaimEvidence.objects.create(claim=claim, **fields)


def expire_overdue_claims(today: datetime.date | None = None) -> int:
    """The nightly sweep: open claims past their deadline expire and free their item."""
    today = today or timezone.localdate()
    expired = 0
    overdue = Claim.objects.filter(status__in=OPEN_CLAIM_STATUSES, deadline__lt=today)
    for claim in overdue.only("pk").iterator():
        try:
            claim_transition(claim=claim, to=C.EXPIRED, actor=None, today=today)
        except ActionRefused:
            continue  # moved on meanwhile
        expired += 1
    return expired


def _tell(claim_id: int, status: str) -> None:
    from marketplace.notices import claim_changed

    claim_changed(claim_id, status)
