"""微心愿: collected on home visits, verified, published on the wall, claimed, delivered and
confirmed. The person's details are written here once and read only by that
community's staff."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.identifiers import validate_mobile_or_phone
from core.templatetags.money import yuan_number
from core.transitions import refuse_unless_allowed
from marketplace import wish_tally
from marketplace.models import Wish, WishBeneficiary, WishEvent
from marketplace.permissions import can_manage_community
from marketplace.rules import marketplace_rules
from marketplace.workflows import WISH_TRANSITIONS, WishStatus

W = WishStatus
# Moves that only follow a claim (made by marketplace.services.claims, not by hand).
CLAIM_DRIVEN = frozenset({W.CLAIMED, W.DELIVERED, W.CONFIRMED})


def check_wish_value(value: Decimal | None) -> None:
    cap = marketplace_rules().wish_value_cap
    if value is None or value <= 0:
        raise ActionRefused(_("Give the wish's value in yuan."))
    if value > cap:
        raise ActionRefused(
            _("A micro-wish is worth at most %(cap)s yuan; this one is %(value)s.")
            % {"cap": yuan_number(cap), "value": yuan_number(value)}
        )


def wish_create(*, community, actor, beneficiary: dict, **fields) -> Wish:
    """A wish collected on a visit, with the person it is for (kept apart)."""
    refuse_unless(can_manage_community(actor, community))
    check_wish_value(fields.get("value"))
    phone = (beneficiary.get("phone") or "").strip()
    if phone:
        validate_mobile_or_phone(phone)
    fields.setdefault("collected_on", timezone.localdate())
    wish = Wish(community=community, collected_by=actor, **fields)
    wish.full_clean()
    person = WishBeneficiary(
        name=(beneficiary.get("name") or "").strip(),
        phone=phone,
        address=(beneficiary.get("address") or "").strip(),
        id_number=(beneficiary.get("id_number") or "").strip(),
        handover_contact=(beneficiary.get("handover_contact") or "").strip(),
        photo_consent=bool(beneficiary.get("photo_consent")),
        consent_recorded_by=actor if beneficiary.get("photo_consent") else None,
    )
    if not person.name:
        raise ActionRefused(_("Give the name of the person the wish is for."))
    if not person.handover_contact:
        raise ActionRefused(_("Give the hand-over contact (who the claimant meets)."))
    with transaction.atomic():
        wish.save()
        person.wish = wish
        person.full_clean()
        person.save()
        WishEvent.objects.create(wish=wish, actor=actor, to_value=W.COLLECTED)
        wish_tally.move(wish.community_id, None, W.COLLECTED)
    return wish


def wish_transition(*, wish: Wish, to: str, actor, note: str = "", by_claim: bool = False) -> Wish:
    """The one function that changes a wish's status. Claimed, delivered and fulfilled
    follow its claim (``by_claim``); staff verify, publish and withdraw."""
    to = WishStatus(to)
    with transaction.atomic():
        wish = Wish.objects.select_for_update().select_related("community").get(pk=wish.pk)
        if wish.status == to:
            return wish
        if not by_claim:
            refuse_unless(can_manage_community(actor, wish.community))
            if to in CLAIM_DRIVEN:
                raise ActionRefused(_("This follows the wish's claim."))
        refuse_unless_allowed(WISH_TRANSITIONS, WishStatus, wish.status, to, _("micro-wish"))
        before = wish.status
        update = ["status", "updated_at"]
        if to == W.PUBLISHED and wish.published_at is None:
            wish.published_at = timezone.now()
            update.append("published_at")
        if to == W.CONFIRMED:
            wish.fulfilled_at = timezone.now()
            update.append("fulfilled_at")
        if to == W.WITHDRAWN and not note.strip():
            raise ActionRefused(_("Give the reason for withdrawing the wish."))
        wish.status = to
        wish.save(update_fields=update)
        WishEvent.objects.create(
            wish=wish, actor=actor, from_value=before, to_value=to, note=str(note).strip()
        )
        wish_tally.move(wish.community_id, before, to)
    return wish
