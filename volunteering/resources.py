"""Volunteer service hours ⇄ Excel (.xlsx), through django-import-export (export only).

``ServiceHoursResource`` writes one row per attended place (who, which activity and
session, the sign-in and sign-out, the hours and how they were recorded);
``YearTotalsResource`` one row per volunteer and year with the hours and the number of
sessions served. Both follow ``reporting.resources``: rows go straight to a write-only
workbook (``core.excel_resources.write_sheet``), read in chunks with everything they print
joined in, so the number of queries does not grow with the rows.

ID numbers are always masked (``mask_id_number``): an hours sheet travels (to the
organizer, to a unit asking for a proof) and nobody needs the full number to read hours.

The headers and sheet titles are a file format: fixed Chinese strings, the same whatever
language the user reads the platform in. The caller scopes the queryset (``visible_to``).
"""

from __future__ import annotations

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from import_export import resources
from import_export.fields import Field

from core.excel_resources import write_sheet
from core.excel_widgets import CellWidget
from core.identifiers import mask_id_number
from volunteering.choices import AttendanceSource, Series
from volunteering.models import Place
from volunteering.workflows import PlaceStatus

_AS_IS = CellWidget(lambda value: value)

NAME = "姓名"
ID_NUMBER = "身份证号(脱敏)"
ACTIVITY = "活动"
SERIES = "活动类别"
ORGANIZER = "组织方"
COMMUNITY = "社区"
SESSION_DATE = "服务日期"
SIGNED_IN = "签到时间"
SIGNED_OUT = "签退时间"
HOURS = "服务时长(小时)"
SOURCE = "记录方式"
YEAR = "年度"
SESSIONS = "服务次数"

HOURS_SHEET_TITLE = "志愿服务时长"
TOTALS_SHEET_TITLE = "年度服务时长汇总"

SERIES_LABELS = {
    Series.PARTNER_DAY: "公益伙伴日",
    Series.DEDICATION_DAY: "党员固定奉献日",
    Series.CLAIM_DELIVERY: "清单认领服务",
    Series.OTHER: "其他公益活动",
}
SOURCE_LABELS = {
    AttendanceSource.QR: "扫码签到",
    AttendanceSource.ORGANIZER: "组织方登记",
    AttendanceSource.SUPPLEMENT: "补录(已审核)",
}

_WIDTHS = {NAME: 12, ID_NUMBER: 22, ACTIVITY: 32, ORGANIZER: 24, SIGNED_IN: 18, SIGNED_OUT: 18}


def _column(header: str) -> Field:
    return Field(column_name=header, widget=_AS_IS)


def _time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def attended_places(places: QuerySet[Place]) -> QuerySet[Place]:
    """The attended places of ``places`` with all that a row prints, in one query."""
    return (
        places.filter(status=PlaceStatus.ATTENDED)
        .select_related(
            "volunteer",
            "session__activity__community",
            "session__activity__organization",
            "session__activity__party_org",
            "session__activity__partner_unit",
        )
        .order_by("session__starts_at", "volunteer__name", "pk")
    )


class ServiceHoursResource(resources.Resource):
    """One attended place per row."""

    name = _column(NAME)
    id_number = _column(ID_NUMBER)
    activity = _column(ACTIVITY)
    series = _column(SERIES)
    organizer = _column(ORGANIZER)
    community = _column(COMMUNITY)
    session_date = _column(SESSION_DATE)
    signed_in = _column(SIGNED_IN)
    signed_out = _column(SIGNED_OUT)
    hours = _column(HOURS)
    source = _column(SOURCE)

    class Meta:
        fields = (
            "name",
            "id_number",
            "activity",
            "series",
            "organizer",
            "community",
            "session_date",
            "signed_in",
            "signed_out",
            "hours",
            "source",
        )
        export_order = fields

    def dehydrate_name(self, place) -> str:
        return place.volunteer.name

    def dehydrate_id_number(self, place) -> str:
        return mask_id_number(place.volunteer.id_number)

    def dehydrate_activity(self, place) -> str:
        return place.session.activity.title

    def dehydrate_series(self, place) -> str:
        return SERIES_LABELS.get(place.session.activity.series, place.session.activity.series)

    def dehydrate_organizer(self, place) -> str:
        activity = place.session.activity
        for organizer in (activity.organization, activity.party_org, activity.partner_unit):
            if organizer is not None:
                return str(organizer)
        return "凯益荟"

    def dehydrate_community(self, place) -> str:
        community = place.session.activity.community
        return community.name if community else ""

    def dehydrate_session_date(self, place):
        return timezone.localtime(place.session.starts_at).date()

    def dehydrate_signed_in(self, place) -> str:
        return _time(place.signed_in_at)

    def dehydrate_signed_out(self, place) -> str:
        return _time(place.signed_out_at)

    def dehydrate_hours(self, place) -> float:
        return float(place.hours)

    def dehydrate_source(self, place) -> str:
        sources = {place.sign_in_source, place.sign_out_source} - {""}
        return "、".join(SOURCE_LABELS.get(s, s) for s in sorted(sources))


def year_totals(places: QuerySet[Place]):
    """Hours and sessions of each volunteer by year (of the session, local time), from the
    attended places of ``places``: one grouped query."""
    return (
        places.filter(status=PlaceStatus.ATTENDED)
        .annotate(year=ExtractYear("session__starts_at"))
        .values("volunteer_id", "volunteer__name", "volunteer__id_number", "year")
        .annotate(hours=Sum("hours"), sessions=Count("pk"))
        .order_by("volunteer__name", "volunteer_id", "year")
    )


class YearTotalsResource(resources.Resource):
    """One volunteer and year per row (rows of ``year_totals``)."""

    name = _column(NAME)
    id_number = _column(ID_NUMBER)
    year = _column(YEAR)
    sessions = _column(SESSIONS)
    hours = _column(HOURS)

    class Meta:
        fields = ("name", "id_number", "year", "sessions", "hours")
        export_order = fields

    def dehydrate_name(self, row) -> str:
        return row["volunteer__name"]

    def dehydrate_id_number(self, row) -> str:
        return mask_id_number(row["volunteer__id_number"])

    def dehydrate_year(self, row) -> int:
        return row["year"]

    def dehydrate_sessions(self, row) -> int:
        return row["sessions"]

    def dehydrate_hours(self, row) -> float:
        return float(row["hours"] or 0)


def _workbook(resource, rows, title, destination) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    write_sheet(workbook, resource, rows, title=title, widths=_WIDTHS, default_width=14)
    workbook.save(destination)


def service_hours_workbook(places: QuerySet[Place], destination) -> None:
    """Write the .xlsx of the attended places of ``places`` (already scoped by the caller)
    into ``destination`` (a path or a binary file)."""
    _workbook(ServiceHoursResource(), attended_places(places), HOURS_SHEET_TITLE, destination)


def year_totals_workbook(places: QuerySet[Place], destination) -> None:
    """Write the .xlsx of each volunteer's hours per year over ``places`` (scoped by the
    caller) into ``destination``; the grouped rows stream like the others."""
    _workbook(YearTotalsResource(), year_totals(places), TOTALS_SHEET_TITLE, destination)
