"""Volunteers: the person behind the hours."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.decisions import refuse_unless
from core.errors import ActionRefused
from core.identifiers import clean_name, validate_resident_id
from volunteering.models import Volunteer
from volunteering.record import can_see_record


def volunteer_for_account(user) -> Volunteer:
    """The volunteer record of a portal account, made on first use: from the party
    member's roster record when the account is linked to one, else from the account."""
    existing = Volunteer.objects.filter(account=user).first()
    member = getattr(user, "party_member", None)
    if existing is not None:
        # Linked to the roll after the person first volunteered: the record becomes the
        # member's, unless the roll already has one of its own (kept apart).
        if (
            member is not None
            and existing.party_member_id is None
            and not Volunteer.objects.filter(party_member=member).exists()
        ):
            existing.party_member = member
            existing.save(update_fields=["party_member", "updated_at"])
        return existing
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


def volunteer_set_identity(volunteer: Volunteer, *, name: str, id_number: str, actor) -> Volunteer:
    """Record the real name and resident ID number a certificate is issued to (民政部令第67号:
    the certificate names the volunteer and their masked ID number).

    The volunteer themself or staff who see them; a party member's name and number come
    from the roll and are corrected there, never here."""
    refuse_unless(can_see_record(actor, volunteer))
    if volunteer.party_member_id:
        raise ActionRefused(
            _(
                "Your name and ID number come from the party member roll; ask your "
                "branch to correct them there."
            )
        )
    errors: dict[str, list[str]] = {}
    name = clean_name(name)
    if not name:
        errors["name"] = [_("Give the real name printed on the ID card.")]
    try:
        number = validate_resident_id(id_number or "").number
    except ValidationError as exc:
        errors["id_number"] = exc.messages
        number = ""
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        locked.name, locked.id_number = name, number
        locked.full_clean()
        locked.save(update_fields=["name", "id_number", "updated_at"])
    volunteer.name, volunteer.id_number = locked.name, locked.id_number
    return locked
