"""Evaluation report benchmark: one report warm, and a batch of 200 in 2 processes.

Seeds its own PostgreSQL database (one street, 200 registered organizations with a
finalized review each, scored by four evaluators), then prints one JSON object:
``one_report_warm_s`` (median of 5 renders after a warm-up), ``batch_reports``,
``batch_workers``, ``batch_seconds``, ``reports_per_second``, ``peak_rss_mb_per_worker``
and the targets. Run: BENCH_EVAL_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaiyihui_bench_eval
.venv/bin/python bench/evaluation_reports.py
"""

import json
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get(
    "BENCH_EVAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kaiyihui_bench_eval"
)
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789"
)
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
os.environ["DJANGO_READ_DOT_ENV"] = "false"
os.environ["DJANGO_SETTINGS_MODULE"] = "kaiyihui.settings"
os.environ.setdefault("DJANGO_MEDIA_ROOT", str(ROOT / "bench" / "out" / "media-eval"))
os.environ.pop("CELERY_BROKER_URL", None)
# The reports are rendered inline on purpose (production refuses that unless asked).
os.environ["KAIYIHUI_ALLOW_INLINE_TASKS"] = "true"

REPORTS = int(os.environ.get("BENCH_EVAL_REPORTS", "200"))
WORKERS = int(os.environ.get("BENCH_EVAL_WORKERS", "2"))
TARGETS = {"one_report_warm_s": 1.5, "peak_rss_mb_per_worker": 400}


def recreate_database():
    import psycopg

    base, name = DB_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(migrate=False):
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def seed() -> list[int]:
    import datetime
    import random

    from accounts.demo import seed_accounts, seed_geography
    from core.identifiers import complete_uscc
    from evaluation.demo import _evaluators, seed_finalized_reviews
    from evaluation.services.cycles import cycle_change_status, cycle_create
    from evaluation.services.templates import template_seed_default
    from evaluation.workflows import CycleStatus
    from incubation.models import Organization

    street = seed_geography()
    users = seed_accounts(street)
    communities = list(street.communities.order_by("pk"))
    grades = ["", "3A", "4A", "5A", "2A"]
    Organization.objects.bulk_create(
        Organization(
            name=f"基准评估社会组织{n:04d}",
            legal_status="private_non_enterprise" if n % 4 == 0 else "social_group",
            uscc=complete_uscc(f"5{2 if n % 4 == 0 else 1}330102MJ{n:06d}"),
            community=communities[n % len(communities)],
            founded_on=datetime.date(2015, 1, 1) + datetime.timedelta(days=n),
            leader_name=f"负责人{n}",
            stage="management",
            grade=grades[n % len(grades)],
        )
        for n in range(REPORTS)
    )
    orgs = list(Organization.objects.filter(community__street=street).order_by("pk"))
    template = template_seed_default(street=street)
    cycle = cycle_create(
        street=street,
        year=2025,
        template=template,
        opens_on=datetime.date(2025, 11, 1),
        deadline=datetime.date(2025, 12, 15),
        actor=None,
    )
    cycle_change_status(cycle=cycle, to_status=CycleStatus.OPEN, actor=None)
    reviews = seed_finalized_reviews(cycle, orgs, _evaluators(street, users), random.Random(7))
    return [r.pk for r in reviews]


def _render(review_id: int) -> float:
    from evaluation.models import Review
    from evaluation.reports import report_render

    review = Review.objects.select_related(
        "cycle", "cycle__street", "organization", "organization__community"
    ).get(pk=review_id)
    started = time.perf_counter()
    report_render(review)
    return time.perf_counter() - started


def worker(review_ids: list[int]) -> dict:
    """One batch worker (a fresh process, like a Celery prefork child): render and store
    its share, report its peak memory."""
    setup_django()
    from evaluation.models import Review
    from evaluation.reports import report_freeze

    for review_id in review_ids:
        review = Review.objects.select_related(
            "cycle", "cycle__street", "organization", "organization__community"
        ).get(pk=review_id)
        report_freeze(review)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"reports": len(review_ids), "peak_rss_mb": round(peak_kb / 1024, 1)}


def main():
    recreate_database()
    setup_django(migrate=True)
    review_ids = seed()
    from django.db import connections

    # One report, warm: a warm-up render loads fonts and templates, then the median of 5.
    _render(review_ids[0])
    one = statistics.median(_render(review_ids[i]) for i in range(1, 6))
    connections.close_all()

    shares = [review_ids[i::WORKERS] for i in range(WORKERS)]
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    with context.Pool(WORKERS) as pool:
        results = pool.map(worker, shares)
    seconds = time.perf_counter() - started
    out = {
        "one_report_warm_s": round(one, 3),
        "batch_reports": sum(r["reports"] for r in results),
        "batch_workers": WORKERS,
        "batch_seconds": round(seconds, 1),
        "reports_per_second": round(len(review_ids) / seconds, 2),
        "peak_rss_mb_per_worker": max(r["peak_rss_mb"] for r in results),
        "targets": TARGETS,
    }
    out["ok"] = (
        out["one_report_warm_s"] < TARGETS["one_report_warm_s"]
        and out["peak_rss_mb_per_worker"] < TARGETS["peak_rss_mb_per_worker"]
    )
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
