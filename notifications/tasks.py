from celery import shared_task

from notifications.services import notification_email, notifications_email_pending


@shared_task(
    name="notifications.send_email",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email(notification_id: int) -> None:
    notification_email(notification_id)


@shared_task(name="notifications.email_pending", acks_late=True)
def email_pending() -> int:
    return notifications_email_pending()
