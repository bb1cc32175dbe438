"""Organizational life: recording a branch's activities (三会一课, 主题党日, …) with photos.

Photos are checked by their content, not their name: Pillow must recognize a JPEG, PNG
or WebP image and ``verify()`` it. Stored names are generated (``<uuid>.<format>``), so a
client's file name never reaches the storage.
"""

from __future__ import annotations

import datetime
import uuid
import warnings
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from accounts.roles import Role, is_street_staff_of, roles_of
from core.dates import human_date
from core.decisions import ALLOWED, Decision, deny, refuse_unless
from partybuilding.choices import ActivityKind, PartyOrgKind
from partybuilding.models import ActivityPhoto, PartyActivity, PartyOrganization

MAX_PHOTOS = 9
MAX_PHOTO_BYTES = 5 * 1024 * 1024
# Pillow format name → stored file extension.
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def can_record_activity(user, branch: PartyOrganization) -> Decision:
    """Street staff of the branch's street, a party worker linked to the branch or one of
    its ancestors, a superuser, or the system (``user`` None)."""
    if user is None or user.is_superuser:
        return ALLOWED
    if is_street_staff_of(user, branch.street_id):
        return ALLOWED
    if Role.PARTY_WORKER in roles_of(user) and _linked_to(user, branch):
        return ALLOWED
    return deny(_("Only street staff or the branch's party workers may record its activities."))


def _linked_to(user, branch: PartyOrganization) -> bool:
    ancestors = {branch.pk}
    node = branch
    # The tree is at most three levels deep (党委 → 党总支 → 党支部).
    for _level in range(2):
        if node.parent_id is None:
            break
        ancestors.add(node.parent_id)
        node = PartyOrganization.objects.only("pk", "parent_id").get(pk=node.parent_id)
    return PartyOrganization.objects.filter(pk__in=ancestors, worker_accounts=user).exists()


def _photo_format(photo) -> str | None:
    """The Pillow format of an upload if it is an acceptable image, else None."""
    photo.seek(0)
    try:
        with warnings.catch_warnings():
            # A decompression-bomb warning (a huge pixel count) refuses the photo too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(photo) as image:
                image_format = image.format
                image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    except (OSError, SyntaxError, ValueError, EOFError):
        # verify() reports a truncated or corrupt file with any of these.
        return None
    finally:
        photo.seek(0)
    return image_format if image_format in PHOTO_FORMATS else None


def _photo_size(photo) -> int:
    size = getattr(photo, "size", None)
    if size is None:
        photo.seek(0, 2)
        size = photo.tell()
        photo.seek(0)
    return size


def check_photos(photos: Iterable) -> list[tuple[object, str]]:
    """Validate uploads; returns (file, extension) pairs or raises one ValidationError
    listing every problem (``photos_too_many``, ``photo_too_large``, ``photo_not_image``)."""
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            {
                "photos": ValidationError(
                    _("At most %(max)d photos per activity; %(count)d were given."),
                    code="photos_too_many",
                    params={"max": MAX_PHOTOS, "count": len(photos)},
                )
            }
        )
    checked, errors = [], []
    for photo in photos:
        name = getattr(photo, "name", "") or ""
        size = _photo_size(photo)
        if size > MAX_PHOTO_BYTES:
            errors.append(
                ValidationError(
                    _("%(name)s is larger than %(max)d MB."),
                    code="photo_too_large",
                    params={"name": name, "max": MAX_PHOTO_BYTES // (1024 * 1024)},
                )
            )
            continue
        image_format = _photo_format(photo)
        if image_format is None:
            errors.append(
                ValidationError(
                    _("%(name)s is not a JPEG, PNG or WebP image."),
                    code="photo_not_image",
                    params={"name": name},
                )
            )
            continue
        checked.append((photo, PHOTO_FORMATS[image_format]))
    if errors:
        raise ValidationError({"photos": errors})
    return checked


def activity_record(
    *,
    branch: PartyOrganization,
    kind: str,
    date: datetime.date,
    title: str,
    attendees: int,
    organization=None,
    notes: str = "",
    photos: Iterable = (),
    actor,
) -> PartyActivity:
    """Record one activity of ``branch`` with up to 9 photos, all or nothing.

    Refuses (``ActionRefused``) an actor who may not record for the branch; raises
    ``ValidationError`` for a date in the future, a party organization that is not a
    branch, an unknown kind, negative attendees, an organization of another street, or a
    photo that is not a JPEG/PNG/WebP image of at most 5 MB. Everything is checked before
    anything is written.
    """
    refuse_unless(can_record_activity(actor, branch))
    errors = {}
    if branch.kind != PartyOrgKind.BRANCH:
        errors["branch"] = ValidationError(
            _("Activities are recorded for a party branch."), code="not_a_branch"
        )
    if kind not in ActivityKind.values:
        errors["kind"] = ValidationError(_("Unknown activity kind."), code="unknown_kind")
    if date > timezone.localdate():
        errors["date"] = ValidationError(
            _("The date %(date)s is in the future; record an activity once it is held."),
            code="date_in_future",
            params={"date": human_date(date)},
        )
    if attendees is None or attendees < 0:
        errors["attendees"] = ValidationError(
            _("The number of attendees cannot be negative."), code="attendees_negative"
        )
    if organization is not None and organization.community.street_id != branch.street_id:
        errors["organization"] = ValidationError(
            _("The organization belongs to another street."), code="organization_elsewhere"
        )
    try:
        checked = check_photos(photos)
    except ValidationError as exc:
        errors.update(exc.error_dict)
        checked = []
    if errors:
        raise ValidationError(errors)

    activity = PartyActivity(
        branch=branch,
        kind=kind,
        date=date,
        title=title,
        attendees=attendees,
        organization=organization,
        notes=notes,
    )
    activity.full_clean()
    stored = []
    try:
        with transaction.atomic():
            activity.save()
            for photo, extension in checked:
                record = ActivityPhoto(activity=activity)
                record.image.save(f"{uuid.uuid4().hex}.{extension}", File(photo), save=False)
                stored.append(record.image.name)
                record.save()
    except BaseException:
        # The rows roll back; files already written to the storage would stay behind.
        storage = ActivityPhoto._meta.get_field("image").storage
        for name in stored:
            storage.delete(name)
        raise
    return activity


def activity_attendance_record(
    *,
    branch: PartyOrganization,
    kind: str,
    date: datetime.date,
    title: str,
    attendees: int,
    organization=None,
    activity: PartyActivity | None = None,
) -> PartyActivity:
    """Keep the organizational-life record of an activity whose attendance another app
    records person by person (the 25th dedication day's sessions): create it on the first
    attendance, then set its attendee count to the number who came. The caller has
    checked who may record; the count is derived, never typed."""
    if attendees < 0:
        raise ValueError("attendees cannot be negative")
    if activity is None:
        activity = PartyActivity(
            branch=branch, kind=kind, date=date, title=title, organization=organization
        )
    activity.attendees = attendees
    activity.save()
    return activity
