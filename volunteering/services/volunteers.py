"""Volunteers: the person behind the hours."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import ActionRefused
from volunteering.models import Volunteer


def volunteer_for_account(user) -> Volunteer:
    """The volunteer record of a portal account, made on first use: from the party
    member's roster record when the account is linked to one, else from the account."""
    existing = Volunteer.objects.filter(account=user).first()
    if existing is not None:
        return existing
    member = getattr(user, "party_member", None)
    if member is not None:
        by_member = Volunteer.objects.filter(party_member=member).first()
        if by_member is not None:
            by_member.account = user
            by_member.save(update_fields=["account", "updated_at"])
            return by_member
    street_id = user.street_id or (member.branch.street_id if member else None)
    if street_id is None:
        raise ActionRefused(
            _("Your account is not tied to a street yet; ask the hub's staff to set it.")
        )
    name = (member.name if member else "") or user.get_full_name() or user.get_username()
    try:
        with transaction.atomic():
            return Volunteer.objects.create(
                name=name,
                id_number=member.id_number if member else "",
                phone=member.phone if member else "",
                account=user,
                party_member=member,
                street_id=street_id,
                community_id=user.community_id,
            )
    except IntegrityError:
        # The same person's second tab made it a moment ago.
        return Volunteer.objects.get(account=user)


def volunteer_for_member(member) -> Volunteer:
    """The volunteer record of a party member (dedication days mark members from the
    roster, with or without a phone)."""
    existing = Volunteer.objects.filter(party_member=member).first()
    if existing is not None:
        return existing
    if member.account_id:
        return volunteer_for_account(member.account)
    try:
        with transaction.atomic():
            return Volunteer.objects.create(
                name=member.name,
                id_number=member.id_number,
                phone=member.phone,
                party_member=member,
                street_id=member.branch.street_id,
                community_id=member.branch.community_id,
            )
    except IntegrityError:
        return Volunteer.objects.get(party_member=member)


def volunteer_register(*, name: str, street, community=None, phone: str = "", id_number=""):
    """A person without a phone or account, added by the organizer to mark attendance."""
    name = (name or "").strip()
    if not name:
        raise ActionRefused(_("Give the volunteer's name."))
    volunteer = Volunteer(
        name=name, street=street, community=community, phone=phone, id_number=id_number
    )
    volunteer.full_clean()
    volunteer.save()
    return volunteer
