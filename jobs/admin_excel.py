"""Excel import and export pages for a ModelAdmin: the shared base of the app mixins.

Import is two steps: the upload is checked in full and previewed (counts and every error,
nothing written); only a file without errors can then be confirmed, which imports it in one
transaction. Between the two steps the file waits in MEDIA_ROOT/imports/ under a random
name that only the uploader's session knows; it is deleted when confirmed, when it has
errors, and after a day if abandoned.

A confirmed file of more than ``KAIYIHUI_IMPORT_JOB_ROWS`` rows (2,000) is imported by a
background job instead of the request: the file moves to MEDIA_ROOT/imports/jobs/, the user
follows the job page (progress bar, then the counts or the errors and a CSV of them), and
the import itself is the same call with the same all-or-nothing transaction.

A subclass sets ``pending_session_key`` and implements
``import_excel`` and ``write_excel_export``; ``excel_import_context`` and
``excel_changelist_context`` add to the pages' context.
"""

import csv
import io
import re
import secrets
import time
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Street
from core.xlsx_guard import inspect_xlsx, reading_limits
from jobs.exports import export_start, register_exporter
from jobs.runners import register_runner

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PENDING_MAX_AGE_SECONDS = 24 * 3600
# A job's file is kept while the job may still be retried, then swept like the others.
JOB_FILE_MAX_AGE_SECONDS = 7 * 24 * 3600
# The kind is stored in job rows: it keeps the name from when this module lived in core.
IMPORT_JOB = "core.excel_import"
# The exporter of every changelist's "export to Excel" button.
CHANGELIST_EXPORT = "admin.changelist"
# Errors written into the job's message; all of them are in its CSV file.
JOB_MESSAGE_ERRORS = 50
_TOKEN = re.compile(r"[0-9a-f]{32}")


class ExcelUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an .xlsx file (Excel 2007 or later)."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB; split it into several files.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        # Refused here, in milliseconds, before any parser inflates a zip bomb.
        inspect_xlsx(upload)
        return upload


def _pending_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _job_dir() -> Path:
    return _pending_dir() / "jobs"


def _sweep_abandoned(directory: Path, max_age: int = PENDING_MAX_AGE_SECONDS) -> None:
    cutoff = time.time() - max_age
    for old in directory.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def job_threshold() -> int:
    return getattr(settings, "KAIYIHUI_IMPORT_JOB_ROWS", 2000)


class ExcelImportAdminMixin:
    """Adds Excel import and export to a ModelAdmin; list it before ``admin.ModelAdmin``.

    The export starts from the changelist's queryset (filters and search applied) and
    narrows it with ``visible_to`` itself; the import needs add and change permission
    (``may_import_excel``) and writes into the user's street.
    """

    excel_import_template = "admin/excel_import.html"
    pending_session_key: str

    # --- Hooks ----------------------------------------------------------------------------

    def import_excel(self, source, *, street, actor, dry_run: bool):
        """Import ``source`` into ``street`` and return the report."""
        raise ImproperlyConfigured(f"{type(self).__name__} must define import_excel()")

    def write_excel_export(self, request, queryset, buffer) -> str:
        """Write the export of ``queryset`` into ``buffer``; return the file name."""
        raise ImproperlyConfigured(f"{type(self).__name__} must define write_excel_export()")

    def excel_import_context(self, request, street) -> dict:
        """Context of the import page: ``title``, ``intro`` and ``notes`` paragraphs,
        ``headers``, ``optional_headers``, ``first_data_line``."""
        return {}

    def excel_changelist_context(self, request) -> dict:
        """Extra changelist context when the user may export."""
        return {}

    def may_import_excel(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    # --- URLs and changelist --------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import-excel/",
                self.admin_site.admin_view(self.excel_import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "export-excel/",
                self.admin_site.admin_view(self.excel_export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def _excel_url(self, action: str) -> str:
        info = self.admin_site.name, self.opts.app_label, self.opts.model_name
        return reverse("{}:{}_{}_{}".format(*info, action))

    def changelist_view(self, request, extra_context=None):
        context = {**(extra_context or {})}
        if self.has_view_or_change_permission(request):
            query = request.GET.urlencode()
            context["excel_export_url"] = self._excel_url("export") + (f"?{query}" if query else "")
            context.update(self.excel_changelist_context(request))
        if self.may_import_excel(request):
            context["excel_import_url"] = self._excel_url("import")
        return super().changelist_view(request, extra_context=context)

    # --- Export ---------------------------------------------------------------------------

    def excel_export_view(self, request):
        """Starts the export of the objects the user sees, with the changelist's filters
        and search, as a background job (``admin.changelist``) and shows its page."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        job = export_start(
            exporter=CHANGELIST_EXPORT,
            actor=request.user,
            title=_("Excel export of %(objects)s") % {"objects": self.opts.verbose_name_plural},
            params={"model": self.opts.label_lower, "query": request.GET.urlencode()},
        )
        return redirect("jobs:detail", job.pk)

    # --- Import ---------------------------------------------------------------------------

    def _import_street(self, request) -> Street | None:
        if request.user.street_id:
            return request.user.street
        if request.user.is_superuser:
            streets = list(Street.objects.all()[:2])
            if len(streets) == 1:
                return streets[0]
        return None

    def excel_import_view(self, request):
        if not self.may_import_excel(request):
            raise PermissionDenied
        changelist_url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
        )
        street = self._import_street(request)
        if street is None:
            self.message_user(
                request,
                _(
                    "Your account is not tied to a street, so there is no street to import "
                    "into. Sign in with a street account."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(changelist_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "street": street,
            "changelist_url": changelist_url,
            **self.excel_import_context(request, street),
        }
        form = ExcelUploadForm()
        if request.method == "POST" and "confirm" in request.POST:
            pending = self._take_pending(request, request.POST.get("token", ""))
            if pending is None:
                self.message_user(
                    request,
                    _("The uploaded file is no longer available; upload it again."),
                    messages.ERROR,
                )
                return HttpResponseRedirect(self._excel_url("import"))
            rows = self._pending_rows(request, pending.stem)
            if rows > job_threshold():
                job = self._start_import_job(request, pending, street=street, rows=rows)
                return redirect("jobs:detail", job.pk)
            try:
                report = self.import_excel(
                    pending, street=street, actor=request.user, dry_run=False
                )
            finally:
                pending.unlink(missing_ok=True)
            if report.ok:
                self.message_user(request, report.summary(), messages.SUCCESS)
                return HttpResponseRedirect(changelist_url)
            context["report"] = report
        elif request.method == "POST":
            form = ExcelUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                report = self.import_excel(upload, street=street, actor=request.user, dry_run=True)
                context["report"] = report
                if report.ok:
                    context["token"] = self._keep_pending(request, upload, rows=report.rows)
                    context["runs_as_job"] = report.rows > job_threshold()
        context["form"] = form
        return TemplateResponse(request, self.excel_import_template, context)

    def _keep_pending(self, request, upload, *, rows: int = 0) -> str:
        directory = _pending_dir()
        directory.mkdir(parents=True, exist_ok=True)
        _sweep_abandoned(directory)
        token = secrets.token_hex(16)
        upload.seek(0)
        with open(directory / f"{token}.xlsx", "wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        key = self.pending_session_key
        request.session[key] = [*request.session.get(key, [])[-4:], token]
        # The previewed row count decides, at confirmation, between the request and a job.
        counts = request.session.get(f"{key}:rows", {})
        kept = {t: n for t, n in counts.items() if t in request.session[key]}
        request.session[f"{key}:rows"] = {**kept, token: rows}
        return token

    def _pending_rows(self, request, token: str) -> int:
        counts = request.session.get(f"{self.pending_session_key}:rows", {})
        rows = counts.pop(token, 0)
        request.session[f"{self.pending_session_key}:rows"] = counts
        return rows

    def _start_import_job(self, request, pending: Path, *, street, rows: int):
        from jobs.services import job_start

        directory = _job_dir()
        directory.mkdir(parents=True, exist_ok=True)
        _sweep_abandoned(directory, JOB_FILE_MAX_AGE_SECONDS)
        pending.replace(directory / pending.name)
        return job_start(
            kind=IMPORT_JOB,
            actor=request.user,
            street=street,
            title=_("Import of %(rows)d %(objects)s into %(street)s")
            % {"rows": rows, "objects": self.opts.verbose_name_plural, "street": street.name},
            params={
                "model": self.opts.label_lower,
                "token": pending.stem,
                "street_id": street.pk,
                "actor_id": request.user.pk,
                "rows": rows,
            },
        )

    def _take_pending(self, request, token: str) -> Path | None:
        """The file this session uploaded under ``token``, forgotten by the session now."""
        key = self.pending_session_key
        tokens = request.session.get(key, [])
        if not _TOKEN.fullmatch(token) or token not in tokens:
            return None
        request.session[key] = [t for t in tokens if t != token]
        pending = _pending_dir() / f"{token}.xlsx"
        return pending if pending.is_file() else None


# --- The background export -----------------------------------------------------------------


def changelist_rows(*, model: str, user, query: str, ids=None):
    """The model admin, a request as ``user`` and the rows of its changelist with the
    filters and search of ``query`` (a query string), narrowed by ``visible_to(user)``:
    what the user saw when they asked, read again in the worker (``ids``: only the rows
    they ticked). Refused (PermissionDenied) when the user may no longer see the list."""
    from django.test import RequestFactory

    model_admin = admin.site.get_model_admin(apps.get_model(model))
    info = model_admin.opts.app_label, model_admin.opts.model_name
    request = RequestFactory().get(
        reverse("admin:{}_{}_changelist".format(*info)), QueryDict(query)
    )
    request.user = user
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    try:
        queryset = model_admin.get_changelist_instance(request).get_queryset(request)
    except IncorrectLookupParameters:
        queryset = model_admin.get_queryset(request)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return model_admin, request, queryset.visible_to(user)


@register_exporter(CHANGELIST_EXPORT, gettext_lazy("List export"))
def export_changelist(*, user, params, destination) -> str:
    model_admin, request, queryset = changelist_rows(
        model=params["model"], user=user, query=params.get("query", "")
    )
    return model_admin.write_excel_export(request, queryset, destination)


# --- The background import ----------------------------------------------------------------


@register_runner(IMPORT_JOB, gettext_lazy("Excel import"))
def run_excel_import(job, progress):
    """Import the confirmed file with the model admin's ``import_excel``, as the user who
    confirmed it. All rows or none, in one transaction: a run interrupted before the commit
    left nothing behind and runs again from the file; the file is deleted after the commit.
    Errors go into the job's message and a CSV file to download."""
    from accounts.models import User
    from jobs.services import job_note

    params = job.params
    path = _job_dir() / f"{params['token']}.xlsx"
    if not _TOKEN.fullmatch(params["token"]) or not path.is_file():
        raise RuntimeError(_("The uploaded file is no longer available; upload it again."))
    model_admin = admin.site.get_model_admin(apps.get_model(params["model"]))
    # Never None: a missing actor would import as the system, past the user's scope.
    actor = User.objects.get(pk=params["actor_id"])
    street = Street.objects.get(pk=params["street_id"])
    rows = params["rows"]
    progress(0, total=rows)

    def on_line(line: int) -> None:
        # Reading is the first half of the work; checking and writing the second.
        progress(min(line, rows) // 2)

    seconds = getattr(settings, "KAIYIHUI_IMPORT_JOB_MAX_SECONDS", 300)
    with reading_limits(seconds=seconds, on_line=on_line):
        report = model_admin.import_excel(path, street=street, actor=actor, dry_run=False)
    path.unlink(missing_ok=True)
    job_note(job=job, message=_job_message(report))
    if report.ok:
        return None
    return f"import-errors-{job.pk}.csv", _errors_csv(report)


def _job_message(report) -> str:
    if report.ok:
        return report.summary()
    lines = [
        _("%(count)d error(s); nothing was written.") % {"count": len(report.errors)},
        *(error.message for error in report.errors[:JOB_MESSAGE_ERRORS]),
    ]
    if len(report.errors) > JOB_MESSAGE_ERRORS:
        lines.append(_("All the errors are in the file to download."))
    return "\n".join(lines)


def _errors_csv(report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Line"), _("Column"), _("Problem")])
    for error in report.errors:
        writer.writerow([error.line or "", error.column, error.reason])
    # With a BOM, Excel opens the Chinese text as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")
