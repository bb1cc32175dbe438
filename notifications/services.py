"""The one service every reminder and message uses."""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.queue import enqueue
from notifications.kinds import KINDS
from notifications.models import Notification, NotificationOptOut

logger = logging.getLogger(__name__)


def notify(
    *,
    recipient,
    kind: str,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> Notification | None:
    """Store a notification and e-mail it after commit. Returns None when this recipient
    already has this kind for this key (sent before), or has opted out of the kind."""
    spec = KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not recipient.is_active:
        return None
    if spec.optional and NotificationOptOut.objects.filter(user=recipient, kind=kind).exists():
        return None
    try:
        # A savepoint: the unique constraint decides "already sent" even when two beat
        # runs race, without breaking the caller's transaction.
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, key=key, title=title, body=body, url=url
            )
    except IntegrityError:
        return None
    if email and recipient.email:
        transaction.on_commit(lambda: _send_email(notification.pk))
    return notification


def notify_each(recipients, **message) -> int:
    """``notify(recipient=..., **message)`` for every one of ``recipients``; how many were
    sent (those who had it already or opted out are not counted)."""
    return sum(notify(recipient=user, **message) is not None for user in recipients)


def _send_email(notification_id: int) -> bool:
    from notifications.tasks import send_notification_email

    # With the broker down the notification stays un-e-mailed; the sweep sends it later.
    return enqueue(send_notification_email, notification_id)


# E-mails that could not be handed to a worker (broker down) are sent by the sweep; after
# two days a reminder is stale and stays in-app only.
EMAIL_SWEEP_AFTER = datetime.timedelta(minutes=5)
EMAIL_SWEEP_UNTIL = datetime.timedelta(days=2)


def notifications_email_pending(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    pending = Notification.objects.filter(
        emailed_at__isnull=True,
        created_at__range=(now - EMAIL_SWEEP_UNTIL, now - EMAIL_SWEEP_AFTER),
        recipient__is_active=True,
    ).exclude(recipient__email="")
    return sum(_send_email(pk) for pk in pending.values_list("pk", flat=True))


def notification_email(notification_id: int) -> bool:
    """Send the e-mail of one notification once; used by the task."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{settings.PLATFORM_BASE_URL.rstrip('/')}{notification.url}"
        send_mail(
            subject=notification.title,
            message=body,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def notification_opt_out(*, user, kind: str, opted_out: bool) -> None:
    spec = KINDS[kind]
    if not spec.optional:
        raise ValueError(f"{kind} cannot be switched off")
    if opted_out:
        NotificationOptOut.objects.get_or_create(user=user, kind=kind)
    else:
        NotificationOptOut.objects.filter(user=user, kind=kind).delete()
