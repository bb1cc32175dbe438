from celery import shared_task

from notifications.services import notification_email


@shared_task(
    name="notifications.send_email",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email(notification_id: int) -> None:
    notification_email(notification_id)
