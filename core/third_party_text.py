"""Texts of Django and third-party apps that ship without a Chinese translation (or with
an outdated one), listed here so that ``make messages`` keeps their entries in our
catalogue: our locale/ comes first in the lookup, so these translations win. Nothing
imports this module; gettext_noop only marks the strings."""

from django.utils.translation import gettext_noop

TEXTS = [
    # Django admin (5.x): the visually hidden headers of the app list, the user add form.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    # django-axes (no Chinese of its own).
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Time"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    # django-celery-beat (its Chinese misses these).
    gettext_noop("Arguments"),
    gettext_noop("Crontab translation"),
    gettext_noop("Execution Options"),
    gettext_noop("Periodic Tasks Using This Schedule"),
    gettext_noop("Schedule"),
    gettext_noop("Scheduler"),
    gettext_noop("Task Name"),
    gettext_noop('Cron Months (1-12) Of The Year to Run. Use "*" for "all". (Example: "1,12")'),
    gettext_noop(
        'Cron Days Of The Week to Run. Use "*" for "all", Sunday is 0 or 7, Monday is 1. '  # noqa: ISC001
        '(Example: "0,5")'
    ),
    gettext_noop("Timezone to Run the Cron Schedule on. Default is UTC."),
    # django-otp (no Chinese of its own): its models show in the permission lists.
    gettext_noop("static device"),
    gettext_noop("static devices"),
    gettext_noop("static token"),
    gettext_noop("static tokens"),
    gettext_noop("TOTP device"),
    gettext_noop("TOTP devices"),
]
