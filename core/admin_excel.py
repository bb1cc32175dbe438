"""Excel import and export pages for a ModelAdmin: the shared base of the app mixins.

Import is two steps: the upload is checked in full and previewed (counts and every error,
nothing written); only a file without errors can then be confirmed, which imports it in one
transaction. Between the two steps the file waits in MEDIA_ROOT/imports/ under a random
name that only the uploader's session knows; it is deleted when confirmed, when it has
errors, and after a day if abandoned.

A subclass sets ``pending_session_key`` and implements
``import_excel`` and ``write_excel_export``; ``excel_import_context`` and
``excel_changelist_context`` add to the pages' context.
"""

import io
import re
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import FileResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Street
from core.excel import XLSX_CONTENT_TYPE
from core.xlsx_guard import inspect_xlsx

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PENDING_MAX_AGE_SECONDS = 24 * 3600
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


def _sweep_abandoned(directory: Path) -> None:
    cutoff = time.time() - PENDING_MAX_AGE_SECONDS
    for old in directory.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


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
        """The objects the user sees, with the changelist's filters and search."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            queryset = self.get_queryset(request)
        queryset = queryset.visible_to(request.user)
        buffer = io.BytesIO()
        filename = self.write_excel_export(request, queryset, buffer)
        buffer.seek(0)
        return FileResponse(
            buffer, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
        )

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
                    context["token"] = self._keep_pending(request, upload)
        context["form"] = form
        return TemplateResponse(request, self.excel_import_template, context)

    def _keep_pending(self, request, upload) -> str:
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
        return token

    def _take_pending(self, request, token: str) -> Path | None:
        """The file this session uploaded under ``token``, forgotten by the session now."""
        key = self.pending_session_key
        tokens = request.session.get(key, [])
        if not _TOKEN.fullmatch(token) or token not in tokens:
            return None
        request.session[key] = [t for t in tokens if t != token]
        pending = _pending_dir() / f"{token}.xlsx"
        return pending if pending.is_file() else None
