"""Monthly and annual statistics reports: figures for the period, the PDF's text, the Excel
cells, one row per period (regenerating replaces), sent once, the admin and the command."""

import datetime
import io
import subprocess
import zipfile

import openpyxl
import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from notifications.models import Notification
from partybuilding.models import PartyActivity, PartyOrganization
from reporting.models import PeriodicReport
from reporting.services import (
    month_period,
    periodic_report_email,
    periodic_report_generate,
    previous_month,
    scheduled_reports,
)


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def activities(tenant):
    branch = PartyOrganization.objects.create(
        street=tenant.street, kind="branch", name="支部", community=tenant.community
    )
    for day in (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 10, 25),
        datetime.date(2026, 11, 3),
    ):
        PartyActivity.objects.create(branch=branch, kind="theme_day", date=day, title="活动")
    return branch


def test_it_knows_its_periods():
    assert month_period(2026, 2) == (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert month_period(2026, 12) == (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    assert previous_month(datetime.date(2027, 1, 1)) == (2026, 12)


@time_machine.travel("2026-11-28 10:00 +0800")
def test_it_stores_a_pdf_and_an_excel_with_the_figures(tenant, activities, tmp_path):
    report = periodic_report_generate(
        street=tenant.street, kind="monthly", period_start=datetime.date(2026, 10, 1)
    )
    assert report.period_end == datetime.date(2026, 10, 31)
    assert report.figures["period"]["party_activities"] == 2
    assert report.figures["headline"]["organizations_total"] == 2

    content = report.pdf.read()
    (tmp_path / "report.pdf").write_bytes(content)
    fonts = subprocess.run(
        ["pdffonts", str(tmp_path / "report.pdf")], capture_output=True, check=True
    ).stdout.decode()
    assert "CJK" in fonts  # the Chinese font is embedded, not boxes
    text = pdf_text(content)
    assert "a街道" in text
    assert "2026-10" in text
    assert "登记或备案的社会组织" in text

    workbook = openpyxl.load_workbook(io.BytesIO(report.xlsx.read()), read_only=True)
    rows = {row[0]: row[1] for sheet in workbook for row in sheet.iter_rows(values_only=True)}
    assert 2 in rows.values()
    assert any("党组织活动" in str(label) or "activities" in str(label) for label in rows)


@time_machine.travel("2026-11-28 10:00 +0800")
def test_regenerating_replaces_the_stored_report(tenant, activities):
    first = periodic_report_generate(
        street=tenant.street, kind="monthly", period_start=datetime.date(2026, 10, 1)
    )
    PartyActivity.objects.create(
        branch=activities, kind="theme_day", date=datetime.date(2026, 10, 9), title="补录"
    )
    second = periodic_report_generate(
        street=tenant.street, kind="monthly", period_start=datetime.date(2026, 10, 9)
    )
    assert first.pk == second.pk
    assert PeriodicReport.objects.count() == 1
    assert second.figures["period"]["party_activities"] == 3


@time_machine.travel("2026-12-01 06:00 +0800")
def test_the_beat_run_sends_each_report_once_even_when_doubled(tenant, outsider_tenant, activities):
    tenant.street_admin.email = "admin@example.org"
    tenant.street_admin.save()
    scheduled_reports()
    scheduled_reports()
    assert PeriodicReport.objects.filter(kind="monthly").count() == 2  # one per street
    sent = [message for message in mail.outbox if "admin@example.org" in message.to]
    assert len(sent) == 1
    assert {name for name, _content, _type in sent[0].attachments} == {
        "a-street-2026-11.pdf",
        "a-street-2026-11.xlsx",
    }
    assert Notification.objects.filter(recipient=tenant.street_admin).count() == 1
    assert not Notification.objects.filter(
        recipient=outsider_tenant.street_admin,
        key__contains=str(PeriodicReport.objects.get(street=tenant.street).pk),
    ).exists()


@time_machine.travel("2027-01-01 06:00 +0800")
def test_january_brings_the_annual_report_too(tenant):
    scheduled_reports()
    kinds = set(PeriodicReport.objects.values_list("kind", "period_start"))
    assert kinds == {("monthly", datetime.date(2026, 12, 1)), ("annual", datetime.date(2026, 1, 1))}


@time_machine.travel("2026-11-28 10:00 +0800")
def test_the_command_writes_both_files(tenant, tmp_path):
    out = tmp_path / "out"
    call_command("monthly_report", "--month", "2026-10", "--out", str(out), "--street", "a-street")
    assert sorted(path.name for path in out.iterdir()) == [
        "a-street-2026-10.pdf",
        "a-street-2026-10.xlsx",
    ]
    call_command("monthly_report", "--year", "2025", "--out", str(out), "--street", "a-street")
    assert (out / "a-street-2025.pdf").read_bytes().startswith(b"%PDF")


@time_machine.travel("2026-11-28 10:00 +0800")
def test_the_admin_button_generates_through_a_job(
    client, tenant, django_capture_on_commit_callbacks
):
    client.force_login(tenant.street_admin)
    listing = client.get(reverse("admin:reporting_periodicreport_changelist"))
    assert reverse("admin:reporting_periodicreport_generate") in listing.content.decode()
    refused = client.post(
        reverse("admin:reporting_periodicreport_generate"), {"kind": "monthly", "period": "十月"}
    )
    assert refused.status_code == 200
    assert not PeriodicReport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:reporting_periodicreport_generate"),
            {"kind": "monthly", "period": "2026-10"},
        )
    assert response.status_code == 302
    job_page = client.get(response.url)
    assert job_page.status_code == 200
    download = client.get(job_page.context["state"]["download"])
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert names == ["a-street-2026-10.pdf", "a-street-2026-10.xlsx"]
    report = PeriodicReport.objects.get()
    pdf = client.get(reverse("admin:reporting_periodicreport_file", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200


def test_another_streets_report_answers_404(client, tenant, outsider_tenant):
    report = PeriodicReport.objects.create(
        street=tenant.street,
        kind="monthly",
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 10, 31),
    )
    client.force_login(outsider_tenant.street_admin)
    url = reverse("admin:reporting_periodicreport_file", args=[report.pk, "pdf"])
    assert client.get(url).status_code == 404


def test_the_report_list_query_count_does_not_grow(client, tenant, count_queries):
    client.force_login(tenant.street_admin)
    url = reverse("admin:reporting_periodicreport_changelist")

    def add(month):
        PeriodicReport.objects.create(
            street=tenant.street,
            kind="monthly",
            period_start=datetime.date(2025, month, 1),
            period_end=datetime.date(2025, month, 28),
        )

    add(1)
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for month in range(2, 12):
        add(month)
    with count_queries() as many:
        client.get(url)
    assert few.count == many.count, many.dump()


def test_periodic_report_email_is_a_no_op_the_second_time(tenant):
    report = PeriodicReport.objects.create(
        street=tenant.street,
        kind="monthly",
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 10, 31),
        emailed_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
    )
    assert periodic_report_email(report) == 0
