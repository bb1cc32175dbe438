"""Thin tasks: ids in, reload, call a service or a reminder function."""

from celery import shared_task
from django.utils.translation import gettext as _
from django.utils.translation import override

from incubation import reminders
from incubation.models import OrganizationEvent
from incubation.services import credit_escalate_due
from incubation.workflows import Stage
from notifications.services import notify_each


@shared_task(name="incubation.announce_stage_change", acks_late=True)
def announce_stage_change(event_id: int) -> int:
    event = OrganizationEvent.objects.select_related("organization").filter(pk=event_id).first()
    if event is None:
        return 0
    org = event.organization
    with override("zh-hans"):
        title = _("%(name)s is now in stage %(stage)s") % {
            "name": org.name,
            "stage": Stage(event.to_value).label,
        }
        return notify_each(
            org.leader_accounts.all(),
            kind="stage_changed",
            key=f"event:{event.pk}",
            title=title,
            body=event.note,
        )


@shared_task(name="incubation.send_reminders", acks_late=True)
def send_reminders() -> dict:
    return {
        "re_election": reminders.send_re_election_reminders(),
        "incubation_ending": reminders.send_incubation_ending_reminders(),
        "document_expiry": reminders.send_document_expiry_reminders(),
    }


@shared_task(name="incubation.escalate_credit_listings", acks_late=True)
def escalate_credit_listings() -> int:
    return credit_escalate_due()
