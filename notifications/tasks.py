from celery import shared_task

from core.queue import RETRIED_ON_OS_ERROR
from notifications.services import notification_email, notifications_email_pending


@shared_task(
    name="notifications.send_email",
    **RETRIED_ON_OS_ERROR,
)
def send_notification_email(notification_id: int) -> None:
    notification_email(notification_id)


@shared_task(name="notifications.email_pending", acks_late=True)
def email_pending() -> int:
    return notifications_email_pending()
