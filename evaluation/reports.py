"""The printed report of one finalized review: context, server-drawn chart, QR code,
rendering and storage (regenerating replaces the stored file)."""

import datetime
from decimal import Decimal

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import override

from core.pdf import render_pdf
from evaluation.choices import EvaluatorGroup, ReviewEventKind
from evaluation.models import Review
from evaluation.selectors import applicable_items, dimensions, review_assignments
from evaluation.services._common import review_event
from evaluation.workflows import ReviewStatus


def verification_url(review: Review, request=None) -> str:
    path = reverse("evaluation:verify", args=[review.verification_code])
    if request is not None:
        return request.build_absolute_uri(path)
    base = settings.PLATFORM_BASE_URL.rstrip("/")
    return base + path


def report_filename(review: Review) -> str:
    return f"{review.organization.identifier or review.organization.pk}-{review.cycle.year}.pdf"


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


def report_context(review: Review, request=None) -> dict:
    items = applicable_items(review)
    scores = review.item_scores or {}
    table = []
    chart_rows = []
    for dimension in dimensions(items):
        rows = [{"item": i, "points": Decimal(scores.get(str(i.pk), "0"))} for i in dimension.items]
        points = sum((r["points"] for r in rows), Decimal(0))
        table.append({"dimension": dimension, "rows": rows, "points": points})
        chart_rows.append((dimension.indicator.name, points, dimension.max_points))
    assignments = review_assignments(review)
    comments = []
    groups = dict(EvaluatorGroup.choices)
    for assignment in assignments:
        notes = [s.comment for s in assignment.scores.all() if s.comment]
        if assignment.comment or notes:
            comments.append(
                {
                    "group": groups.get(assignment.group, assignment.group),
                    "text": assignment.comment,
                    "notes": notes,
                }
            )
    url = verification_url(review, request)
    group_rows = [
        {"label": groups.get(g, g), **values} for g, values in (review.group_scores or {}).items()
    ]
    return {
        "review": review,
        "org": review.organization,
        "cycle": review.cycle,
        "table": table,
        "max_total": sum((d["dimension"].max_points for d in table), Decimal(0)),
        "chart_svg": bar_chart_svg(chart_rows),
        "group_rows": group_rows,
        "comments": comments,
        "verification_url": url,
        "qr": qr_data_uri(url),
        "report_date": timezone.localdate(),
    }


def report_render(review: Review, request=None) -> bytes:
    """The report's PDF (always in Chinese: it goes on file)."""
    if review.status != ReviewStatus.FINALIZED:
        raise ValueError("only a finalized review has a report")
    with override("zh-hans"):
        return render_pdf("evaluation/report.html", report_context(review, request))


def report_store(review: Review, *, actor=None, request=None) -> Review:
    """Render and store the report, replacing a previous file."""
    content = report_render(review, request)
    old_name = review.report.name if review.report else ""
    review.report.save(report_filename(review), ContentFile(content), save=False)
    review.report_generated_at = timezone.now()
    with transaction.atomic():
        Review.objects.filter(pk=review.pk).update(
            report=review.report.name, report_generated_at=review.report_generated_at
        )
        review_event(review, ReviewEventKind.REPORT, actor)
    if old_name and old_name != review.report.name:
        review.report.storage.delete(old_name)
    return review


def report_bytes(review: Review, *, actor=None, request=None) -> bytes:
    """The stored report, generated on first use (the demo makes reports lazily)."""
    if review.report:
        try:
            with review.report.open("rb") as handle:
                return handle.read()
        except FileNotFoundError:
            pass
    report_store(review, actor=actor, request=request)
    with review.report.open("rb") as handle:
        return handle.read()


def report_date(review: Review) -> datetime.date | None:
    stamp = review.report_generated_at or review.finalized_at
    return timezone.localdate(stamp) if stamp else None
