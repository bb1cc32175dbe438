"""Scoring schemes: drafted, published once, never edited after. A change of weights is a
new version, which applies to the periods not yet computed from its first month on."""

from __future__ import annotations

import copy
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Street
from core.decisions import refuse_unless
from core.errors import ActionRefused
from rankings.models import Ranking, ScoringScheme
from rankings.permissions import can_manage_rankings
from rankings.rules import default_rules


def scheme_create(
    *,
    street: Street,
    actor,
    effective_from: datetime.date,
    rules: dict | None = None,
    note: str = "",
) -> ScoringScheme:
    """A draft with the next version number; its rules start as the latest version's
    (or the defaults) unless given."""
    refuse_unless(can_manage_rankings(actor, street))
    with transaction.atomic():
        # Two drafts started at the same second get different numbers.
        Street.objects.select_for_update().filter(pk=street.pk).first()
        latest = ScoringScheme.objects.filter(street=street).order_by("-version").first()
        if rules is None:
            rules = copy.deepcopy(latest.rules) if latest else default_rules()
        scheme = ScoringScheme(
            street=street,
            version=(latest.version + 1) if latest else 1,
            rules=rules,
            effective_from=effective_from,
            note=note,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        scheme.full_clean()
        scheme.save()
    return scheme


def scheme_update(
    scheme: ScoringScheme, *, actor, rules: dict, effective_from: datetime.date, note: str = ""
) -> ScoringScheme:
    refuse_unless(can_manage_rankings(actor, scheme.street_id))
    with transaction.atomic():
        locked = ScoringScheme.objects.select_for_update().get(pk=scheme.pk)
        if locked.is_published:
            raise ActionRefused(
                _("A published scoring scheme is never edited: create a new version.")
            )
        locked.rules, locked.effective_from, locked.note = rules, effective_from, note
        locked.full_clean()
        locked.save(update_fields=["rules", "effective_from", "note", "updated_at"])
    return locked


def scheme_publish(scheme: ScoringScheme, *, actor) -> ScoringScheme:
    """From now on the scheme scores the periods from its first month on that have no
    ranking yet. Publishing a published scheme changes nothing."""
    refuse_unless(can_manage_rankings(actor, scheme.street_id))
    with transaction.atomic():
        locked = ScoringScheme.objects.select_for_update().get(pk=scheme.pk)
        if locked.is_published:
            return locked
        locked.full_clean()
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at", "updated_at"])
    scheme.published_at = locked.published_at
    return locked


def scheme_for_period(street_id: int, period_kind: str, period_start: datetime.date):
    """The scheme a period is computed with: the one its first ranking was computed with
    (for good, whatever was published since), else the latest published scheme in force
    at the period's start."""
    first = (
        Ranking.objects.filter(
            street_id=street_id, period_kind=period_kind, period_start=period_start
        )
        .order_by("pk")
        .select_related("scheme")
        .first()
    )
    if first is not None:
        return first.scheme
    scheme = (
        ScoringScheme.objects.filter(
            street_id=street_id, published_at__isnull=False, effective_from__lte=period_start
        )
        .order_by("-effective_from", "-version")
        .first()
    )
    if scheme is None:
        raise ActionRefused(
            _("No published scoring scheme applies from %(date)s.")
            % {"date": period_start.isoformat()}
        )
    return scheme
