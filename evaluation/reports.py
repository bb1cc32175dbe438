"""The printed report of one finalized review, an official record frozen at
finalization (``core.certified``).

Finalizing captures a *snapshot* — every fact the report prints, as it is at that
moment — into a ``ReviewReport`` row (:func:`report_issue`, inside the finalizing
transaction) and schedules :func:`report_freeze` after commit, which renders the snapshot
once and stores the PDF with its SHA-256. Nothing here ever renders a finalized review
from the organization's current data: a later change of its name or leader cannot reach
last year's report, and a retried render prints the same content.
"""

import datetime
import logging
from decimal import Decimal

import segno
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import override

from core.certified import certified_bytes, freeze, is_pending
from core.pdf import render_pdf
from evaluation.choices import EvaluatorGroup, ReviewEventKind
from evaluation.models import Review, ReviewReport
from evaluation.selectors import applicable_items, dimensions, review_assignments
from evaluation.services._common import review_event
from evaluation.workflows import ReviewStatus

logger = logging.getLogger(__name__)
# Bumped when the snapshot's shape changes; the renderer reads every version it ever wrote.
SNAPSHOT_VERSION = 1


def verification_url(review: Review, request=None) -> str:
    path = reverse("evaluation:verify", args=[review.verification_code])
    if request is not None:
        return request.build_absolute_uri(path)
    base = settings.PLATFORM_BASE_URL.rstrip("/")
    return base + path


def report_filename(review: Review) -> str:
    """``<code>-<year>.pdf`` with the code as printed on the frozen report (the
    organization's current code only before the report is issued)."""
    document = _document(review)
    if document is not None and document.snapshot.get("org", {}).get("identifier"):
        snapshot = document.snapshot
        return f"{snapshot['org']['identifier']}-{snapshot['cycle']['year']}.pdf"
    return f"{review.organization.identifier or review.organization.pk}-{review.cycle.year}.pdf"


def _document(review: Review) -> ReviewReport | None:
    try:
        return review.frozen_report
    except ReviewReport.DoesNotExist:
        return None


def bar_chart_svg(rows: list[tuple[str, Decimal, Decimal]], width: int = 460) -> str:
    """Horizontal bars, one per dimension: points as a share of the maximum."""
    bar_h, gap, label_w = 18, 10, 150
    height = len(rows) * (bar_h + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
    ]
    scale = width - label_w - 60
    for index, (label, points, maximum) in enumerate(rows):
        y = gap + index * (bar_h + gap)
        share = float(points / maximum) if maximum else 0.0
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="10">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{scale}" height="{bar_h}" fill="#eee"/>'
            f'<rect x="{label_w}" y="{y}" width="{scale * share:.1f}" height="{bar_h}" '
            f'fill="#b22222"/>'
            f'<text x="{label_w + scale + 6}" y="{y + 13}" font-size="10">'
            f"{share * 100:.0f}%</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)


def _text(value) -> str | None:
    return None if value is None else str(value)


def _comments(review: Review) -> list[dict]:
    groups = dict(EvaluatorGroup.choices)
    comments = []
    for assignment in review_assignments(review):
        notes = [s.comment for s in assignment.scores.all() if s.comment]
        if assignment.comment or notes:
            comments.append(
                {
                    "group": str(groups.get(assignment.group, assignment.group)),
                    "text": assignment.comment,
                    "notes": notes,
                }
            )
    return comments


def report_snapshot(review: Review, request=None, *, comments: list[dict] | None = None) -> dict:
    """Every fact the report prints, as JSON, read now (at finalization). Labels are taken
    in Chinese: the report goes on file in Chinese whatever the reader's language.
    ``comments`` (``{"group", "text", "notes"}`` rows) spares the query when the caller
    holds them already (the demo's bulk seeding)."""
    with override("zh-hans"):
        items = applicable_items(review)
        scores = review.item_scores or {}
        table = []
        for dimension in dimensions(items):
            rows = [
                {
                    "item": item.name,
                    "max_points": str(item.max_points),
                    "points": str(Decimal(scores.get(str(item.pk), "0"))),
                }
                for item in dimension.items
            ]
            points = sum((Decimal(r["points"]) for r in rows), Decimal(0))
            table.append(
                {
                    "dimension": dimension.indicator.name,
                    "max_points": str(dimension.max_points),
                    "points": str(points),
                    "rows": rows,
                }
            )
        groups = dict(EvaluatorGroup.choices)
        if comments is None:
            comments = _comments(review)
        group_rows = [
            {"label": str(groups.get(g, g)), **{k: _text(v) for k, v in values.items()}}
            for g, values in (review.group_scores or {}).items()
        ]
        org = review.organization
        stamp = review.finalized_at or timezone.now()
        return {
            "version": SNAPSHOT_VERSION,
            "org": {
                "name": org.name,
                "identifier": org.identifier,
                "has_uscc": bool(org.uscc),
                "legal_status": str(org.get_legal_status_display()),
                "community": org.community.name,
                "founded_on": org.founded_on.isoformat() if org.founded_on else None,
                "leader_name": org.leader_name,
                "service_field": str(org.get_service_field_display()),
            },
            "cycle": {"year": review.cycle.year, "street": review.cycle.street.name},
            "review": {
                "staff_count": review.staff_count,
                "volunteer_count": review.volunteer_count,
                "income": _text(review.income),
                "expenditure": _text(review.expenditure),
                "net_assets": _text(review.net_assets),
                "has_party_organization": bool(review.has_party_organization),
                "total": _text(review.total),
                "grade": review.grade,
                "annual_result": str(review.get_annual_result_display()),
                "graded": review.graded,
                "grading_note": review.grading_note,
                "verification_code": review.verification_code,
            },
            "table": table,
            "max_total": str(sum((Decimal(d["max_points"]) for d in table), Decimal(0))),
            "group_rows": group_rows,
            "comments": comments,
            "verification_url": verification_url(review, request),
            "report_date": timezone.localdate(stamp).isoformat(),
        }


def snapshot_context(snapshot: dict) -> dict:
    """The template's context from a snapshot alone (no database read)."""
    chart_rows = [
        (d["dimension"], Decimal(d["points"]), Decimal(d["max_points"])) for d in snapshot["table"]
    ]
    org = dict(snapshot["org"])
    if org.get("founded_on"):
        org["founded_on"] = datetime.date.fromisoformat(org["founded_on"])
    return {
        **snapshot,
        "org": org,
        "chart_svg": bar_chart_svg(chart_rows),
        "qr": qr_data_uri(snapshot["verification_url"]),
        "report_date": datetime.date.fromisoformat(snapshot["report_date"]),
    }


def render_snapshot(snapshot: dict) -> bytes:
    with override("zh-hans"):
        return render_pdf("evaluation/report.html", snapshot_context(snapshot))


def report_render(review: Review, request=None) -> bytes:
    """The report's PDF (always in Chinese: it goes on file): from the frozen snapshot
    when the review has one, else from the data as it is now (a preview; the benchmark)."""
    if review.status != ReviewStatus.FINALIZED:
        raise ValueError("only a finalized review has a report")
    document = _document(review)
    if document is not None:
        return render_snapshot(document.snapshot)
    return render_snapshot(report_snapshot(review, request))


def report_issue(review: Review, *, request=None) -> ReviewReport:
    """Capture the report's snapshot (called by the finalizing transition, row locked;
    ``freeze_reports`` for reviews finalized before reports were frozen). Asking again
    returns the existing document: a snapshot is taken once."""
    document = _document(review)
    if document is not None:
        return document
    document = ReviewReport.objects.create(
        review=review,
        verification_code=review.verification_code,
        snapshot=report_snapshot(review, request),
        issued_at=review.finalized_at or timezone.now(),
    )
    review.frozen_report = document
    return document


def report_schedule(review_id: int) -> None:
    """After commit: render in a worker (inline when there is no broker)."""
    from core.queue import enqueue
    from evaluation.tasks import freeze_report

    transaction.on_commit(lambda: enqueue(freeze_report, review_id))


def report_freeze(review: Review, *, actor=None) -> ReviewReport | None:
    """Render the issued snapshot and store it with its SHA-256, once. Returns the
    document (None when the review has no snapshot yet); a frozen one is left as it is."""
    document = _document(review)
    if document is not None and freeze(document, render_snapshot, filename=report_filename(review)):
        review_event(review, ReviewEventKind.REPORT, actor, note=f"SHA-256 {document.sha256}")
    return document


def report_bytes(review: Review, **_ignored) -> bytes | None:
    """The frozen report's bytes (checked against the stored hash), or None while it is
    not rendered yet. Never renders."""
    return certified_bytes(_document(review))


def report_pending(review: Review) -> bool:
    """Issued but not rendered yet."""
    return is_pending(_document(review))
