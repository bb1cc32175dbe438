"""Public pages of 凯益榜单, no login and nothing personal: the hub's public board (the
front page for visitors), a published ranking, an organization's portrait (画像) and its
printable PDF. They show only what ``rankings.public`` and ``rankings.portrait`` return."""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from awards.selectors import latest_honours
from core.pdf import render_pdf
from core.public_cache import cached_public
from incubation.choices import AnnualReviewResult, GrowthLevel, LegalStatus, ServiceField
from incubation.workflows import Stage
from marketplace.selectors import public_wall
from partybuilding.choices import CoverageKind
from rankings.charts import radar_svg, rank_line_svg
from rankings.choices import PeriodKind, ScopeKind
from rankings.portrait import CACHE_SECONDS, organization_portrait
from rankings.public import (
    PAGE_ROWS,
    board_rankings,
    public_ranking,
    public_ranking_rows,
    sibling_rankings,
)
from rankings.workflows import RankingStatus
from volunteering.selectors import public_upcoming

_LARGEST_ID = 2**31 - 1
BOARD_WISHES = 6
BOARD_HONOURS = 8
BOARD_SESSIONS = 6


def _label(choices, value) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return ""


def _portrait_or_404(pk: int) -> dict:
    if not 0 < pk <= _LARGEST_ID:
        raise Http404
    portrait = organization_portrait(pk)
    if portrait is None:
        raise Http404
    return portrait


def _present(portrait: dict) -> dict:
    """Labels in words for the keys the portrait holds."""
    return {
        **portrait,
        "legal_status_label": _label(LegalStatus, portrait["legal_status"]),
        "service_field_label": _label(ServiceField, portrait["service_field"]),
        "growth_level_label": _label(GrowthLevel, portrait["growth_level"]),
        "stage_label": _label(Stage, portrait["stage"]),
        "review_result_label": _label(AnnualReviewResult, portrait["last_annual_review_result"]),
        "coverage_label": _label(CoverageKind, portrait["coverage_kind"]),
    }


@require_GET
def portrait(request, pk):
    """Public: one organization's portrait, phone first, with the radar over six
    dimensions and the line of its monthly rank (drawn by the vendored ECharts)."""
    data = _present(_portrait_or_404(pk))
    charts = {
        "radar": data["radar"],
        "history": data["rank_history"],
        "labels": {"rank": _("rank")},
    }
    context = {"o": data, "charts": charts}
    return render(request, "rankings/public/portrait.html", context)


@require_GET
def portrait_pdf(request, pk):
    """The portrait on paper for meetings: the same facts, charts drawn as SVG. The bytes
    are cached with the portrait, so a crowd does not render it again and again."""
    data = _present(_portrait_or_404(pk))
    key = f"rankings:portrait-pdf:{pk}:{get_language()}"
    content = cache.get(key)
    if content is None:
        context = {
            "o": data,
            "radar_svg": radar_svg(data["radar"]),
            "rank_svg": rank_line_svg(data["rank_history"]),
            "printed_on": timezone.localdate(),
        }
        content = render_pdf("rankings/public/portrait_pdf.html", context)
        cache.set(key, content, CACHE_SECONDS)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="portrait-{data["id"]}.pdf"'
    return response


def _ranking_title(ranking: dict) -> str:
    period = ranking["period_start"]
    if ranking["period_kind"] == PeriodKind.YEAR:
        return _("%(year)s yearly ranking") % {"year": period.year}
    return _("%(year)s-%(month)02d monthly ranking") % {"year": period.year, "month": period.month}


def _scope_label(ranking: dict) -> str:
    if ranking["scope_kind"] == ScopeKind.COMMUNITY:
        return ranking["community__name"] or ""
    if ranking["scope_kind"] == ScopeKind.GROWTH_LEVEL:
        return _label(GrowthLevel, ranking["growth_level"])
    return str(ScopeKind.STREET.label)


def _present_ranking(ranking: dict) -> dict:
    return {
        **ranking,
        "title": _ranking_title(ranking),
        "scope_label": _scope_label(ranking),
        "on_notice": ranking["status"] == RankingStatus.NOTICE,
    }


@require_GET
def board(request):
    """Public: the hub's front page — the current rankings, the latest honours, the wish
    wall and the coming activities. Each part reads a cached selector."""
    wall = public_wall(page=1)
    context = {
        "rankings": [_present_ranking(r) for r in board_rankings()],
        "honours": cached_public("rankings:board:honours", lambda: latest_honours(BOARD_HONOURS)),
        "wishes": wall["rows"][:BOARD_WISHES],
        "wishes_total": wall["total"],
        "wishes_fulfilled": wall["fulfilled"],
        "sessions": public_upcoming(BOARD_SESSIONS),
    }
    return render(request, "rankings/public/board.html", context)


@require_GET
def ranking_page(request, pk):
    """Public: one published snapshot, a page of rows at a time, with the tabs of the same
    period's other scopes. A superseded snapshot says which one replaced it and why."""
    if not 0 < pk <= _LARGEST_ID:
        raise Http404
    ranking = public_ranking(pk)
    if ranking is None:
        raise Http404
    pages = max(1, -(-ranking["organizations"] // PAGE_ROWS))
    try:
        page = min(max(int(request.GET.get("page", 1)), 1), pages)
    except (TypeError, ValueError):
        page = 1
    context = {
        "ranking": _present_ranking(ranking),
        "rows": public_ranking_rows(pk, page),
        "tabs": [
            {**_present_ranking({**ranking, **tab}), "pk": tab["pk"]}
            for tab in sibling_rankings(ranking)
        ],
        "page": page,
        "pages": pages,
        "first": (page - 1) * PAGE_ROWS + 1,
    }
    return render(request, "rankings/public/ranking.html", context)
