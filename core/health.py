"""Health checks behind /healthz: the database always, the broker when one is set."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure at all means unhealthy
        return f"database: {exc.__class__.__name__}"
    return None


def check_broker() -> str | None:
    if not settings.CELERY_BROKER_URL:
        return None
    # The project's Celery app (kaiyihui/celery.py), current once Django has started.
    from celery import current_app as app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"broker: {exc.__class__.__name__}"
    return None


def run_checks() -> dict[str, str]:
    """Each check's state: "ok", "inline" (no broker by design) or the failure."""
    checks = {"database": check_database() or "ok"}
    checks["broker"] = (check_broker() or "ok") if settings.CELERY_BROKER_URL else "inline"
    return checks


@never_cache
@require_GET
def healthz(request):
    checks = run_checks()
    healthy = all(value in ("ok", "inline") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
