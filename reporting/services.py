"""The monthly and annual statistics reports: figures for a period, the PDF and Excel files,
and the one service that stores (and replaces) them and e-mails them once."""

import datetime
import logging
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from accounts.models import Street, User
from accounts.roles import Role
from core.excel import XLSX_CONTENT_TYPE
from incubation.choices import EventKind, LegalStatus
from incubation.models import Organization, OrganizationEvent
from incubation.workflows import LIFECYCLE_STAGES, Stage
from marketplace.selectors import marketplace_period_figures
from notifications.services import notify
from partybuilding.choices import ActivityKind
from partybuilding.models import PartyActivity, PartyMember
from reporting.models import PeriodicReport, ReportKind
from reporting.resources import report_workbook
from reporting.selectors import headline_figures

logger = logging.getLogger(__name__)

# The headline figures a report prints, in order, with their labels.
HEADLINE_LABELS = {
    "organizations_total": gettext_lazy("Organizations registered or filed"),
    "organizations_4a_or_above": gettext_lazy("Organizations graded 4A or above"),
    "paired_grassroots_organizations": gettext_lazy("Grassroots organizations paired (1+X)"),
    "party_committees": gettext_lazy("Party committees"),
    "party_general_branches": gettext_lazy("Party general branches"),
    "party_branches": gettext_lazy("Party branches"),
    "party_members": gettext_lazy("Party members"),
    "leaders_serving_as_secretaries": gettext_lazy(
        "Organization leaders serving as party secretaries"
    ),
    "members_developed": gettext_lazy("Members developed"),
    "organization_coverage_rate": gettext_lazy("Party organization coverage rate"),
    "work_coverage_rate": gettext_lazy("Party work coverage rate"),
    "party_activities_this_year": gettext_lazy("Party activities this year"),
    "grant_projects_funded": gettext_lazy("Micro-venture projects funded"),
    "grant_amount_awarded": gettext_lazy("Micro-venture grants awarded (yuan)"),
    "foundation_council_units": gettext_lazy("Foundation council member units"),
    "foundation_raised": gettext_lazy("Foundation donations raised (yuan)"),
    "foundation_balance": gettext_lazy("Foundation balance (yuan)"),
    "wishes_fulfilled": gettext_lazy("Micro-wishes fulfilled"),
    "projects_matched": gettext_lazy("Projects matched"),
    "social_funds_raised": gettext_lazy("Social funds drawn in (yuan)"),
    "needs_listed": gettext_lazy("Needs listed"),
    "resources_listed": gettext_lazy("Resources listed"),
    "claims_open": gettext_lazy("Claims in progress"),
    "public_benefit_activities_total": gettext_lazy("Public-benefit activities"),
    "volunteer_hours_total": gettext_lazy("Volunteer service hours"),
    "volunteers_active": gettext_lazy("Volunteers active in the last 12 months"),
    "dedication_day_attendance_rate": gettext_lazy(
        "Members' dedication day attendance (last 12 months)"
    ),
    "ranking_published_at": gettext_lazy("Latest ranking published on"),
    "honours_total": gettext_lazy("Honours awarded"),
    "campaigns_held": gettext_lazy("Award campaigns held"),
}
RATE_KEYS = {
    "organization_coverage_rate",
    "work_coverage_rate",
    "dedication_day_attendance_rate",
}
MONEY_KEYS = {
    "grant_amount_awarded",
    "foundation_raised",
    "foundation_balance",
    "social_funds_raised",
}


def month_period(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def year_period(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def previous_month(today: datetime.date) -> tuple[int, int]:
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.year, last.month


def period_figures(street: Street, start: datetime.date, end: datetime.date) -> dict:
    """What happened in the period (a constant number of grouped queries)."""
    orgs = Organization.objects.filter(community__street=street)
    window = (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
        timezone.make_aware(datetime.datetime.combine(end, datetime.time.max)),
    )
    stage_changes = dict(
        OrganizationEvent.objects.filter(
            organization__community__street=street,
            kind=EventKind.STAGE_CHANGED,
            created_at__range=window,
        )
        .values_list("to_value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    activities = dict(
        PartyActivity.objects.filter(branch__street=street, date__range=(start, end))
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "organizations_added": orgs.filter(created_at__range=window).count(),
        "stage_changes": {stage.value: stage_changes.get(stage, 0) for stage in LIFECYCLE_STAGES},
        "party_activities": sum(activities.values()),
        "party_activities_by_kind": {kind.value: activities.get(kind, 0) for kind in ActivityKind},
        "party_members_joined": PartyMember.objects.filter(
            branch__street=street, joined_on__range=(start, end)
        ).count(),
    }


def report_figures(street: Street, start: datetime.date, end: datetime.date) -> dict:
    return {
        "headline": headline_figures(street=street, today=min(end, timezone.localdate())),
        "period": period_figures(street, start, end),
        "marketplace": marketplace_period_figures(street, start, end),
    }


def _value(key: str, value) -> str:
    if value is None:
        return "—"
    if key in RATE_KEYS:
        return f"{value * 100:.1f}%"
    if key in MONEY_KEYS:
        return f"{Decimal(value):,.2f}"
    return str(value)


def report_sections(figures: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """The report as titled sections of (label, value) rows — one layout for PDF and Excel."""
    headline, period = figures["headline"], figures["period"]
    # Reports stored before the marketplace existed have no such part.
    market = figures.get("marketplace")
    sections = [
        (
            _("Headline figures"),
            [
                (str(label), _value(key, headline.get(key)))
                for key, label in HEADLINE_LABELS.items()
            ],
        ),
        (
            _("Organizations by lifecycle stage"),
            [
                (str(stage.label), str(headline["organizations_by_stage"][stage.value]))
                for stage in LIFECYCLE_STAGES
            ],
        ),
        (
            _("Organizations by legal status"),
            [
                (str(status.label), str(headline["organizations_by_legal_status"][status.value]))
                for status in LegalStatus
            ],
        ),
        (
            _("In this period"),
            [
                (_("Organizations added to the register"), str(period["organizations_added"])),
                (_("Party activities held"), str(period["party_activities"])),
                (_("Party members joined"), str(period["party_members_joined"])),
                *[
                    (
                        _("Entered stage %(stage)s") % {"stage": Stage(stage).label},
                        str(count),
                    )
                    for stage, count in period["stage_changes"].items()
                ],
            ],
        ),
        (
            _("Party activities in this period by kind"),
            [
                (str(ActivityKind(kind).label), str(count))
                for kind, count in period["party_activities_by_kind"].items()
            ],
        ),
    ]
    if market is not None:
        sections.insert(
            -1,
            (
                _("The marketplace (凯益集市) in this period"),
                [
                    (_("Micro-wishes fulfilled"), str(market["wishes_fulfilled"])),
                    (_("Projects matched"), str(market["projects_matched"])),
                    (_("Claims confirmed"), str(market["claims_confirmed"])),
                    (_("Needs listed"), str(market["needs_listed"])),
                    (
                        _("Social funds committed (yuan)"),
                        _value("social_funds_raised", market["social_funds_committed"]),
                    ),
                ],
            ),
        )
    return sections


def render_report_pdf(report: PeriodicReport) -> bytes:
    from core.pdf import render_pdf

    return render_pdf(
        "reporting/report_pdf.html",
        {
            "report": report,
            "sections": report_sections(report.figures),
            "generated_on": timezone.localdate(),
        },
    )


def render_report_xlsx(report: PeriodicReport) -> bytes:
    return report_workbook(report_sections(report.figures))


@transaction.atomic
def periodic_report_generate(
    *, street: Street, kind: str, period_start: datetime.date, actor=None
) -> PeriodicReport:
    """Compute the figures, render both files and store them; a second run for the same
    street, kind and period replaces the files of the first."""
    kind = ReportKind(kind)
    if kind == ReportKind.ANNUAL:
        start, end = year_period(period_start.year)
    else:
        start, end = month_period(period_start.year, period_start.month)
    report, _created = PeriodicReport.objects.select_for_update().get_or_create(
        street=street, kind=kind, period_start=start, defaults={"period_end": end}
    )
    with override("zh-hans"):
        report.period_end = end
        report.figures = report_figures(street, start, end)
        report.generated_by = actor if getattr(actor, "pk", None) else None
        for field, content in (
            ("pdf", render_report_pdf(report)),
            ("xlsx", render_report_xlsx(report)),
        ):
            old = getattr(report, field)
            if old:
                old.delete(save=False)
            suffix = field
            getattr(report, field).save(f"{report.file_stem}.{suffix}", ContentFile(content), False)
    report.full_clean()
    report.save()
    return report


def street_admins(street: Street):
    return User.objects.filter(is_active=True, street=street, groups__name=Role.STREET_ADMIN)


def periodic_report_email(report: PeriodicReport) -> int:
    """Send the report to the street's admins once: an in-app notice, and an e-mail with
    both files attached. Returns how many e-mails went out (0 when already sent)."""
    with transaction.atomic():
        locked = PeriodicReport.objects.select_for_update().get(pk=report.pk)
        if locked.emailed_at is not None:
            return 0
        recipients = list(street_admins(report.street))
        with override("zh-hans"):
            title = _("%(street)s: %(report)s") % {
                "street": report.street.name,
                "report": report.period_label,
            }
            body = _("The statistics report is attached (PDF and Excel).")
            for user in recipients:
                notify(
                    recipient=user,
                    kind="statistics_report",
                    key=f"report:{report.pk}",
                    title=title,
                    body=body,
                    url="/admin/reporting/periodicreport/",
                    email=False,
                )
        addresses = [user.email for user in recipients if user.email]
        if addresses:
            message = EmailMessage(subject=title, body=body, to=addresses)
            message.attach(f"{report.file_stem}.pdf", report.pdf.read(), "application/pdf")
            message.attach(f"{report.file_stem}.xlsx", report.xlsx.read(), XLSX_CONTENT_TYPE)
            message.send()
        locked.emailed_at = timezone.now()
        locked.save(update_fields=["emailed_at", "updated_at"])
    return len(addresses)


def scheduled_reports(today: datetime.date | None = None) -> list[PeriodicReport]:
    """The beat's run on the 1st: last month's report for every street, and in January
    the annual report of the year before; each stored and sent once."""
    today = today or timezone.localdate()
    year, month = previous_month(today)
    reports = []
    for street in Street.objects.all():
        wanted = [(ReportKind.MONTHLY, datetime.date(year, month, 1))]
        if today.month == 1:
            wanted.append((ReportKind.ANNUAL, datetime.date(today.year - 1, 1, 1)))
        for kind, start in wanted:
            report = PeriodicReport.objects.filter(
                street=street, kind=kind, period_start=start
            ).first()
            if report is None or not report.pdf:
                report = periodic_report_generate(street=street, kind=kind, period_start=start)
            periodic_report_email(report)
            reports.append(report)
    return reports
