"""Helpers shared by the incubation services: refusals, row locks and audit events."""

import datetime

from django.utils.translation import gettext as _

from core.errors import ActionRefused
from incubation.models import Organization, OrganizationEvent


def _refuse_outside_area(actor, *orgs: Organization) -> None:
    """Street-level decisions are for the staff of the organizations' own street: the role
    predicates say who may decide, this says where (actor None is the system)."""
    if actor is None or actor.is_superuser:
        return
    pks = {org.pk for org in orgs}
    if Organization.objects.visible_to(actor).filter(pk__in=pks).count() != len(pks):
        raise ActionRefused(_("This organization is not in your area."))


def record_event(
    organization, kind, actor, *, from_value="", to_value="", note="", evidence=None
) -> OrganizationEvent:
    """Write one step on an organization's timeline. The incubation services call it with
    their changes; a higher app (party building, evaluation, funding) that puts a step on
    an organization's timeline calls it too, in the transaction of its own change, and
    never creates an ``OrganizationEvent`` itself."""
    return OrganizationEvent.record(
        organization=organization,
        kind=kind,
        actor=actor,
        from_value=from_value,
        to_value=to_value,
        note=note,
        evidence=evidence or {},
    )


_record = record_event


def _lock(org: Organization) -> Organization:
    return Organization.objects.select_for_update().get(pk=org.pk)


def _plain(value):
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
