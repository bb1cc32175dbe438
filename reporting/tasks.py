from celery import shared_task


@shared_task(name="reporting.scheduled_reports", acks_late=True)
def scheduled_reports() -> int:
    """On the 1st of each month: last month's report (and in January last year's)."""
    from reporting.services import scheduled_reports as run

    return len(run())


# The name before issue 15 moved the reports out of kaiyihui/: a message already queued
# under it (the filesystem broker keeps them across restarts) still runs. Beat sends the
# new name (settings.CELERY_BEAT_SCHEDULE, stored rows by reporting/migrations/0002).
@shared_task(name="kaiyihui.scheduled_reports", acks_late=True)
def scheduled_reports_old_name() -> int:
    return scheduled_reports()


@shared_task(name="reporting.refresh_area_figures")
def refresh_area_figures(scope: str) -> bool:
    """One area's dashboard figures, sent by the visitor who found them stale."""
    from reporting.area_figures import recompute_scope

    return recompute_scope(scope) is not None


@shared_task(name="reporting.refresh_viewed_area_figures")
def refresh_viewed_area_figures() -> int:
    """Every five minutes: the figures of the areas staff looked at this week."""
    from reporting.area_figures import refresh_viewed

    return refresh_viewed()
