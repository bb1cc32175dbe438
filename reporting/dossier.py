"""The audit dossier of one organization (档案包): a background job that puts everything
the platform holds about the organization into one zip for an inspection or a hand-over.

It lives here, in the top layer, because it reads every app — the documents and the
timeline (incubation), the annual reviews and their frozen reports (evaluation), the
grants (funding), the party coverage (party building) and the audit log — each through
its own models and selectors.

The zip holds CSV files (UTF-8 with a BOM, so Excel opens the Chinese), the stored files
themselves, ``manifest.json`` (organization, sections, and every file with its size and
SHA-256) and ``MANIFEST.sha256`` in ``sha256sum`` format, so that
``sha256sum -c MANIFEST.sha256`` checks the unpacked dossier with no platform at hand.

The runner only reads: running it again after a killed worker builds the same dossier.
"""

import csv
import datetime
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from accounts.roles import is_community_staff_of, is_street_staff_of
from audit.selectors import entries_about, is_audited
from core.decisions import ALLOWED, Decision, deny, refuse_unless
from core.identifiers import mask_phone
from incubation.models import Organization
from incubation.selectors import document_history

KIND = "kaiyihui.organization_dossier"
FORMAT = "kaiyihui-organization-dossier/1"
CHUNK = 1024 * 1024
# How far the audit section follows relations out from the organization: its own rows
# (documents, reviews, grants, coverage …) and their rows (tranches, versions, scores …).
AUDIT_DEPTH = 2


# --- Who may start it ------------------------------------------------------------------------


def can_start_dossier(user, org) -> Decision:
    """Street staff of the organization's street and staff of its community."""
    if getattr(user, "is_superuser", False):
        if user.is_active:  # a deactivated superuser starts nothing
            return ALLOWED
    elif is_street_staff_of(user, org.community.street_id) or is_community_staff_of(
        user, org.community_id
    ):
        return ALLOWED
    return deny(_("Only street staff and the organization's community staff may do this."))


def dossier_start(*, organization: Organization, actor):
    """Queue the dossier job (after commit); the job page follows it."""
    from jobs.services import job_start

    refuse_unless(can_start_dossier(actor, organization))
    return job_start(
        kind=KIND,
        actor=actor,
        street=organization.community.street,
        title=_("Audit dossier: %(name)s") % {"name": organization.name},
        params={"organization_id": organization.pk},
    )


# --- Writing the zip -------------------------------------------------------------------------


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_name(name: str, fallback: str = "file") -> str:
    """A file name that unpacks the same on every system (no folders, no reserved
    characters), Chinese kept."""
    cleaned = _UNSAFE.sub("_", name or "").strip(" .")
    return cleaned[-120:] or fallback


def csv_cell(value) -> str:
    """A CSV cell as Excel should show it: dates in ISO form, money exact, and text that
    Excel would run as a formula (= + - @) kept as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


@dataclass
class ManifestEntry:
    path: str
    size: int
    sha256: str
    section: str


@dataclass
class DossierWriter:
    archive: zipfile.ZipFile
    entries: list[ManifestEntry] = field(default_factory=list)
    section: str = ""

    def _unique(self, path: str) -> str:
        taken = {entry.path for entry in self.entries}
        if path not in taken:
            return path
        stem, dot, ext = path.rpartition(".")
        stem, ext = (stem, f".{ext}") if dot else (path, "")
        number = 2
        while f"{stem}-{number}{ext}" in taken:
            number += 1
        return f"{stem}-{number}{ext}"

    def add_bytes(self, path: str, content: bytes) -> ManifestEntry:
        path = self._unique(path)
        self.archive.writestr(path, content)
        entry = ManifestEntry(path, len(content), hashlib.sha256(content).hexdigest(), self.section)
        self.entries.append(entry)
        return entry

    def add_stream(self, path: str, handle) -> ManifestEntry:
        """Copy a stored file into the zip in chunks, hashing what is written."""
        path = self._unique(path)
        digest, size = hashlib.sha256(), 0
        with self.archive.open(path, "w", force_zip64=True) as target:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
        entry = ManifestEntry(path, size, digest.hexdigest(), self.section)
        self.entries.append(entry)
        return entry

    def add_stored(self, path: str, field_file) -> ManifestEntry | None:
        """A stored file (FieldFile), or None when its bytes are missing from storage."""
        if not field_file:
            return None
        try:
            with field_file.open("rb") as handle:
                return self.add_stream(path, handle)
        except (FileNotFoundError, OSError):
            return None

    def add_csv(self, path: str, header: list, rows) -> int:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([csv_cell(h) for h in header])
        count = 0
        for row in rows:
            writer.writerow([csv_cell(v) for v in row])
            count += 1
        # The BOM tells Excel the file is UTF-8 (without it Chinese comes out garbled).
        self.add_bytes(path, buffer.getvalue().encode("utf-8-sig"))
        return count


def _verbose(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _check(recorded: str, entry: ManifestEntry | None) -> str:
    if entry is None:
        return _("file missing from storage")
    if not recorded:
        return ""
    return _("matches") if recorded == entry.sha256 else _("DIFFERS from the recorded hash")


# --- The sections ----------------------------------------------------------------------------


def section_organization(w: DossierWriter, org: Organization, notes: list) -> dict:
    fields = [
        "name",
        "legal_status",
        "uscc",
        "filing_number",
        "service_field",
        "founded_on",
        "address",
        "leader_name",
        "leader_phone",
        "leader_political_status",
        "party_member_count",
        "growth_level",
        "incubation_phase",
        "incubation_type",
        "intake_agreement_on",
        "planned_incubation_months",
        "stage",
        "stage_changed_at",
        "term_start",
        "term_end",
        "term_extended_until",
        "grade",
        "grade_valid_until",
        "last_annual_review_year",
        "last_annual_review_result",
    ]
    rows = []
    for name in fields:
        model_field = Organization._meta.get_field(name)
        value = getattr(org, name)
        if name == "leader_phone":
            # The dossier leaves the platform: personal data is masked as in the audit log.
            value = mask_phone(value)
        elif model_field.choices and value:
            value = dict(model_field.flatchoices).get(value, value)
        rows.append([str(model_field.verbose_name), name, value])
    rows.append([_verbose(Organization, "community"), "community", org.community.name])
    rows.append([_("street"), "street", org.community.street.name])
    w.add_csv("organization.csv", [_("field"), _("code"), _("value")], rows)
    return {"rows": len(rows)}


def section_documents(w: DossierWriter, org: Organization, notes: list) -> dict:
    from incubation.models import OrganizationDocument as D

    documents = list(document_history(org).order_by("kind", "version"))
    rows = []
    for d in documents:
        path = f"documents/{d.kind}/v{d.version}-{safe_name(d.original_name)}"
        entry = w.add_stored(path, d.file)
        check = _check(d.sha256, entry)
        if entry is None or (d.sha256 and entry.sha256 != d.sha256):
            notes.append(
                _("Document %(title)s version %(version)d: %(check)s")
                % {"title": d.title, "version": d.version, "check": check}
            )
        rows.append(
            [
                d.get_kind_display(),
                d.version,
                _("current") if d.is_current else _("superseded"),
                d.title,
                d.original_name,
                d.content_type,
                d.size,
                d.valid_from,
                d.expires_on,
                d.uploaded_by,
                d.created_at,
                d.superseded_at,
                d.note,
                d.sha256,
                entry.path if entry else "",
                check,
            ]
        )
    header = [
        _verbose(D, "kind"),
        _verbose(D, "version"),
        _("status"),
        _verbose(D, "title"),
        _verbose(D, "original_name"),
        _verbose(D, "content_type"),
        _verbose(D, "size"),
        _verbose(D, "valid_from"),
        _verbose(D, "expires_on"),
        _verbose(D, "uploaded_by"),
        _("uploaded at"),
        _verbose(D, "superseded_at"),
        _verbose(D, "note"),
        _("SHA-256 recorded at upload"),
        _("path in the dossier"),
        _("check"),
    ]
    w.add_csv("documents.csv", header, rows)
    return {"rows": len(rows)}


def section_timeline(w: DossierWriter, org: Organization, notes: list) -> dict:
    from incubation.models import OrganizationEvent as E

    events = E.objects.filter(organization=org).select_related("actor").order_by("created_at", "pk")
    rows = (
        [e.created_at, e.get_kind_display(), e.from_label, e.to_label, e.actor, e.note, e.evidence]
        for e in events
    )
    header = [
        _verbose(E, "created_at"),
        _verbose(E, "kind"),
        _verbose(E, "from_value"),
        _verbose(E, "to_value"),
        _verbose(E, "actor"),
        _verbose(E, "note"),
        _verbose(E, "evidence"),
    ]
    return {"rows": w.add_csv("timeline.csv", header, rows)}


def section_reviews(w: DossierWriter, org: Organization, notes: list) -> dict:
    from evaluation.models import Review as R
    from evaluation.selectors import frozen_reports_of

    reviews = list(
        R.objects.filter(organization=org).select_related("cycle").order_by("cycle__year")
    )
    # The frozen reports, copied byte for byte and checked against the hash recorded when
    # each was frozen.
    reports = {review.pk: (stored, sha) for review, stored, sha in frozen_reports_of(org)}
    rows = []
    for r in reviews:
        stored, recorded = reports.get(r.pk, (None, ""))
        entry = None
        if stored:
            entry = w.add_stored(f"reviews/{r.cycle.year}-{r.verification_code}.pdf", stored)
            if entry is None or (recorded and recorded != entry.sha256):
                notes.append(
                    _("Report of the %(year)s review: %(check)s")
                    % {"year": r.cycle.year, "check": _check(recorded, entry)}
                )
        rows.append(
            [
                r.cycle.year,
                r.get_status_display(),
                r.submitted_at,
                r.total,
                r.get_grade_display() if r.grade else "",
                r.get_annual_result_display() if r.annual_result else "",
                r.finalized_at,
                r.verification_code,
                entry.path if entry else "",
                recorded or (entry.sha256 if entry else ""),
                _check(recorded, entry) if stored else "",
            ]
        )
    header = [
        _("year"),
        _verbose(R, "status"),
        _verbose(R, "submitted_at"),
        _verbose(R, "total"),
        _verbose(R, "grade"),
        _verbose(R, "annual_result"),
        _verbose(R, "finalized_at"),
        _verbose(R, "verification_code"),
        _("report in the dossier"),
        _("SHA-256 of the report"),
        _("check"),
    ]
    w.add_csv("reviews.csv", header, rows)
    return {"rows": len(rows)}


def section_grants(w: DossierWriter, org: Organization, notes: list) -> dict:
    from funding.models import Application as A
    from funding.models import Tranche as T
    from funding.selectors import with_paid

    applications = list(
        with_paid(A.objects.filter(organization=org))
        .select_related("call")
        .order_by("call__year", "pk")
    )
    rows = (
        [
            a.call.year,
            a.call.title,
            a.title,
            a.get_track_display(),
            a.get_status_display(),
            a.requested_amount,
            a.awarded_amount,
            a.paid,
            a.agreement_signed_on,
            a.get_acceptance_result_display() if a.acceptance_result else "",
            a.accepted_on,
            a.terminated_on,
        ]
        for a in applications
    )
    header = [
        _("year"),
        _verbose(A, "call"),
        _verbose(A, "title"),
        _verbose(A, "track"),
        _verbose(A, "status"),
        _verbose(A, "requested_amount"),
        _verbose(A, "awarded_amount"),
        _("paid"),
        _verbose(A, "agreement_signed_on"),
        _verbose(A, "acceptance_result"),
        _verbose(A, "accepted_on"),
        _verbose(A, "terminated_on"),
    ]
    count = w.add_csv("grants.csv", header, rows)
    tranches = (
        T.objects.filter(application__organization=org)
        .select_related("application")
        .order_by("application_id", "pk")
    )
    tranche_rows = (
        [
            t.application.title,
            t.get_milestone_display(),
            t.percent,
            t.amount,
            t.paid_on,
            t.reference,
        ]
        for t in tranches
    )
    tranche_header = [
        _verbose(T, "application"),
        _verbose(T, "milestone"),
        _verbose(T, "percent"),
        _verbose(T, "amount"),
        _verbose(T, "paid_on"),
        _verbose(T, "reference"),
    ]
    count += w.add_csv("grant_tranches.csv", tranche_header, tranche_rows)
    return {"rows": count}


def section_party(w: DossierWriter, org: Organization, notes: list) -> dict:
    from partybuilding.models import InstructorAssignment as I
    from partybuilding.models import PartyCoverage as C

    coverages = (
        C.objects.filter(organization=org).select_related("branch").order_by("started_on", "pk")
    )
    count = w.add_csv(
        "party_coverage.csv",
        [
            _verbose(C, "branch"),
            _verbose(C, "liaison"),
            _verbose(C, "started_on"),
            _verbose(C, "ended_on"),
        ],
        ([c.branch.name, c.liaison, c.started_on, c.ended_on] for c in coverages),
    )
    instructors = (
        I.objects.filter(organization=org).select_related("sent_by").order_by("started_on", "pk")
    )
    count += w.add_csv(
        "party_instructors.csv",
        [
            _verbose(I, "name"),
            _verbose(I, "phone"),
            _verbose(I, "sent_by"),
            _verbose(I, "started_on"),
            _verbose(I, "ended_on"),
        ],
        (
            [i.name, mask_phone(i.phone), i.sent_by.name, i.started_on, i.ended_on]
            for i in instructors
        ),
    )
    return {"rows": count}


def related_rows(org: Organization, depth: int = AUDIT_DEPTH) -> dict[str, list]:
    """Model label -> primary keys of the organization's row and of the audited rows that
    hang off it, following reverse foreign keys ``depth`` steps out."""
    found: dict[str, set] = {"incubation.organization": {org.pk}}
    frontier: list[tuple[type[models.Model], list]] = [(Organization, [org.pk])]
    for _step in range(depth):
        following = []
        for model, pks in frontier:
            for relation in model._meta.related_objects:
                if relation.many_to_many:
                    continue
                related = relation.related_model
                if not is_audited(related):
                    continue
                rows = list(
                    related._base_manager.filter(**{f"{relation.field.name}__in": pks}).values_list(
                        "pk", flat=True
                    )
                )
                if rows:
                    label = f"{related._meta.app_label}.{related._meta.model_name}"
                    found.setdefault(label, set()).update(rows)
                    following.append((related, rows))
        frontier = following
    return {label: sorted(pks) for label, pks in found.items()}


def section_audit(w: DossierWriter, org: Organization, notes: list) -> dict:
    from django.apps import apps

    from audit.models import AuditEntry as L

    def model_label(entry) -> str:
        try:
            return str(apps.get_model(entry.app_label, entry.model)._meta.verbose_name)
        except LookupError:
            return f"{entry.app_label}.{entry.model}"

    entries = entries_about(related_rows(org))
    rows = (
        [
            e.at,
            e.actor_name,
            e.get_action_display(),
            model_label(e),
            f"{e.app_label}.{e.model}",
            e.object_pk,
            e.object_repr,
            e.changes,
            e.ip_address,
        ]
        for e in entries
    )
    header = [
        _verbose(L, "at"),
        _verbose(L, "actor_name"),
        _verbose(L, "action"),
        _verbose(L, "model"),
        _("code"),
        _verbose(L, "object_pk"),
        _verbose(L, "object_repr"),
        _verbose(L, "changes"),
        _verbose(L, "ip_address"),
    ]
    return {"rows": w.add_csv("audit_log.csv", header, rows)}


SECTIONS = [
    ("organization", gettext_lazy("Organization"), section_organization),
    ("documents", gettext_lazy("Documents"), section_documents),
    ("timeline", gettext_lazy("Timeline"), section_timeline),
    ("reviews", gettext_lazy("Annual reviews and reports"), section_reviews),
    ("grants", gettext_lazy("Grants"), section_grants),
    ("party", gettext_lazy("Party coverage"), section_party),
    ("audit", gettext_lazy("Audit log"), section_audit),
]


# --- The runner ------------------------------------------------------------------------------


def build_dossier(org: Organization, *, actor=None, job_id=None, progress=None) -> bytes:
    """The zip's bytes. ``progress(done)`` is called after each section."""
    buffer = io.BytesIO()
    notes: list[str] = []
    sections = {}
    with override("zh-hans"), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        writer = DossierWriter(archive)
        for done, (code, label, build) in enumerate(SECTIONS, 1):
            writer.section = code
            before = len(writer.entries)
            summary = build(writer, org, notes)
            sections[code] = {"label": str(label), "files": len(writer.entries) - before, **summary}
            if progress:
                progress(done)
        manifest = {
            "format": FORMAT,
            "organization": {
                "id": org.pk,
                "name": org.name,
                "identifier": org.identifier,
                "community": org.community.name,
                "street": org.community.street.name,
            },
            "generated_at": timezone.localtime().isoformat(timespec="seconds"),
            "generated_by": getattr(actor, "username", "") if actor else "",
            "job": job_id,
            "sections": sections,
            "notes": notes,
            "files": [
                {"path": e.path, "size": e.size, "sha256": e.sha256, "section": e.section}
                for e in writer.entries
            ],
        }
        writer.section = "manifest"
        writer.add_bytes(
            "manifest.json",
            json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"),
        )
        # sha256sum's format: "<hash>  <path>", one line per file, manifest.json included.
        lines = "".join(f"{e.sha256}  {e.path}\n" for e in writer.entries)
        archive.writestr("MANIFEST.sha256", lines.encode("utf-8"))
    return buffer.getvalue()


def run_dossier(job, progress):
    org = Organization.objects.select_related("community", "community__street").get(
        pk=job.params["organization_id"]
    )
    # Asked again at run time: rights may have changed while the job waited.
    if job.created_by is not None and not can_start_dossier(job.created_by, org):
        raise PermissionError("the user who started the dossier may no longer read it")
    progress(0, total=len(SECTIONS))
    content = build_dossier(org, actor=job.created_by, job_id=job.pk, progress=progress)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return f"dossier-{org.pk}-{stamp}.zip", content


def register() -> None:
    from incubation.tools import OrganizationTool, register_organization_tool
    from jobs.runners import register_runner

    register_runner(KIND, gettext_lazy("Audit dossier"))(run_dossier)
    register_organization_tool(
        OrganizationTool(
            code="dossier",
            label=gettext_lazy("Build the audit dossier (zip)"),
            url_name="dossier_start",
            allowed=lambda user, org: bool(can_start_dossier(user, org)),
        )
    )
