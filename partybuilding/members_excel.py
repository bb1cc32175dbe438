"""Party members ⇄ Excel (.xlsx), in the house pattern of ``incubation.excel``.

``import_members`` reads every row, validates all of them (cells, ID numbers, branches,
organizations, duplicates in the file and in the database, the actor's permission) and writes
nothing unless every row is right; the writes then happen in one transaction through
``partybuilding.services.members``. The natural key is the 身份证号: a member already on
record is updated, never duplicated.

``export_members`` writes the same columns. A masked export (ID and phone numbers partly
replaced by ``*``, for everyone but street staff) says so in its sheet title and on a second
sheet, and cannot be imported back: a masked ID number is refused on its line.

The headers, choice labels and sheet titles are a file format: fixed Chinese strings, the
same whatever language the user reads the platform in. Error messages are translated.
Line numbers are Excel line numbers: the header is line 1, the first data row line 2.

社会组织代码 (optional column): the organization's 统一社会信用代码 for a registered
organization, its 备案编号 for a filed one — the registry's own natural key. When filled it
decides the organization (and 所在社会组织, if also filled, must be its name); when empty the
organization is found by its name in the street, which must then be unambiguous.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

import openpyxl
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.errors import ActionRefused
from core.excel import FIRST_DATA_LINE as FIRST_DATA_LINE
from core.excel import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE
from core.excel import check_headers, date_cell, read_rows, start_export_sheet, text_cell
from core.identifiers import (
    mask_id_number,
    mask_phone,
    normalize_code,
    normalize_filing_number,
    normalize_name,
    validate_mobile_or_phone,
    validate_resident_id,
)
from incubation.excel import ImportReport
from incubation.models import Organization
from incubation.resources import (
    CellError,
    RowError,
    lookup_table,
    read_choice,
    read_date,
    read_text,
)
from partybuilding.choices import MemberStatus, PartyOrgKind, Sex
from partybuilding.models import PartyMember, PartyOrganization
from partybuilding.services.members import (
    EDITABLE_FIELDS,
    can_manage_members,
    clean_member,
    is_masked,
    members_bulk_create,
    members_bulk_update,
)

BATCH_SIZE = 1000
MAX_ROWS = 50_000

# --- Columns ------------------------------------------------------------------------------

NAME = "姓名"
SEX = "性别"
BIRTH_DATE = "出生日期"
ID_NUMBER = "身份证号"
PHONE = "联系电话"
ORGANIZATION = "所在社会组织"
ORGANIZATION_CODE = "社会组织代码"
BRANCH = "所属党支部"
STATUS = "党员类型"
JOINED_ON = "入党日期"
POSTS = "党内职务"

HEADERS = (
    NAME,
    SEX,
    BIRTH_DATE,
    ID_NUMBER,
    PHONE,
    ORGANIZATION,
    ORGANIZATION_CODE,
    BRANCH,
    STATUS,
    JOINED_ON,
    POSTS,
)
# A file without these columns is still read (the export always writes them).
OPTIONAL_HEADERS = frozenset({ORGANIZATION_CODE})
REQUIRED_HEADERS = tuple(header for header in HEADERS if header not in OPTIONAL_HEADERS)
HEADER_FOR_FIELD = {
    "name": NAME,
    "sex": SEX,
    "birth_date": BIRTH_DATE,
    "id_number": ID_NUMBER,
    "phone": PHONE,
    "organization": ORGANIZATION,
    "branch": BRANCH,
    "status": STATUS,
    "joined_on": JOINED_ON,
    "posts": POSTS,
}

SEX_LABELS = {Sex.MALE: "男", Sex.FEMALE: "女"}
STATUS_LABELS = {MemberStatus.FULL: "正式党员", MemberStatus.PROBATIONARY: "预备党员"}
_SEX_ALIASES = {"男性": Sex.MALE, "女性": Sex.FEMALE}
_STATUS_ALIASES = {"正式": MemberStatus.FULL, "预备": MemberStatus.PROBATIONARY}

SHEET_TITLE = "党员名单"
# Excel caps sheet titles at 31 characters and forbids : \ / ? * [ ].
MASKED_SHEET_TITLE = "党员名单(已脱敏,不能用于导入更新)"
NOTE_SHEET_TITLE = "说明"
MASKED_NOTE = (
    "本文件中的身份证号和联系电话已脱敏(部分数字以*代替),仅供查看。",
    "脱敏文件不能用于导入或更新党员信息:导入时含*的身份证号会被逐行拒绝。",
    "需要导入更新时,请由街道工作人员导出完整(未脱敏)的文件。",
)


_SEX_LOOKUP = lookup_table(SEX_LABELS, _SEX_ALIASES)
_STATUS_LOOKUP = lookup_table(STATUS_LABELS, _STATUS_ALIASES)
_COLUMN_ORDER = {header: index for index, header in enumerate(HEADERS)}


def _sort_key(error: RowError) -> tuple[int, int]:
    return (error.line or 0, _COLUMN_ORDER.get(error.column, -1))


# --- Cell readers -------------------------------------------------------------------------


def _required(value):
    if value in ("", None):
        raise CellError("required", _("This column must be filled in."))
    return value


def _max_length(field_name: str) -> int:
    return PartyMember._meta.get_field(field_name).max_length


def _read_id_number(value) -> str:
    text = _required(read_text(value, exact=True))
    if is_masked(text):
        raise CellError(
            "id_masked",
            _(
                "This ID number is masked (it contains *): a masked export cannot be imported "
                "or used to update members. Use a full export made by street staff, or enter "
                "the full 18-character number."
            ),
        )
    return text


def _read_phone(value) -> str:
    text = read_text(value, exact=True)
    if not text:
        return ""
    if is_masked(text):
        raise CellError(
            "phone_masked",
            _(
                "This phone number is masked (it contains *): a masked export cannot be "
                "imported. Enter the full number or leave the cell empty."
            ),
        )
    return validate_mobile_or_phone(text)


# --- Rows ---------------------------------------------------------------------------------


@dataclass
class MemberRow:
    line: int
    values: dict = field(default_factory=dict)  # model field → value
    errors: list[RowError] = field(default_factory=list)
    key: str | None = None  # the normalized ID number
    branch_name: str = ""
    organization_name: str = ""
    organization_code: str = ""
    existing: PartyMember | None = None

    def fail(self, column: str, code: str, reason: str) -> None:
        self.errors.append(RowError(self.line, column, code, reason))

    def read(self, column: str, reader, value):
        """``reader(value)``, or None with the error recorded against this cell."""
        try:
            return reader(value)
        except CellError as exc:
            self.fail(column, exc.code, exc.reason)
        except ValidationError as exc:
            self.fail(column, exc.code or "invalid", exc.messages[0])
        return None


def _text(field_name: str, *, required: bool = False):
    def reader(value):
        text = read_text(value, max_length=_max_length(field_name))
        return _required(text) if required else text

    return reader


def parse_row(line: int, cells: dict) -> MemberRow:
    """Read one data row (``cells``: header → cell value). Branch and organization are
    resolved later, against the database, for all rows at once."""
    row = MemberRow(line)
    values = row.values
    values["name"] = row.read(NAME, _text("name", required=True), cells[NAME])
    sex = row.read(SEX, lambda v: read_choice(v, _SEX_LOOKUP, SEX_LABELS), cells[SEX])
    birth_date = row.read(BIRTH_DATE, read_date, cells[BIRTH_DATE])
    id_text = row.read(ID_NUMBER, _read_id_number, cells[ID_NUMBER])
    values["phone"] = row.read(PHONE, _read_phone, cells[PHONE])
    row.organization_name = row.read(ORGANIZATION, read_text, cells[ORGANIZATION]) or ""
    code_cell = cells.get(ORGANIZATION_CODE)
    row.organization_code = (
        row.read(ORGANIZATION_CODE, lambda v: read_text(v, exact=True), code_cell) or ""
    )
    row.branch_name = row.read(BRANCH, lambda v: _required(read_text(v)), cells[BRANCH]) or ""
    values["status"] = row.read(
        STATUS,
        lambda v: _required(read_choice(v, _STATUS_LOOKUP, STATUS_LABELS)),
        cells[STATUS],
    )
    values["joined_on"] = row.read(JOINED_ON, lambda v: _required(read_date(v)), cells[JOINED_ON])
    values["posts"] = row.read(POSTS, _text("posts"), cells[POSTS]) or ""
    if id_text:
        # The number carries the birth date and sex: an empty cell takes them from it, a
        # filled one must agree with it (the error is the ID number's, as in the admin).
        info = row.read(
            ID_NUMBER,
            lambda v: validate_resident_id(v, birth_date=birth_date or None, sex=sex or None),
            id_text,
        )
        if info is not None:
            row.key = info.number
            values["id_number"] = info.number
            values["birth_date"] = birth_date or info.birth_date
            values["sex"] = sex or info.sex
    return row


def _header_positions(header: tuple | None) -> dict[str, int] | RowError:
    return check_headers(
        header,
        headers=HEADERS,
        required=REQUIRED_HEADERS,
        expected=_("The headers must be: %(expected)s (%(optional)s may be left out).")
        % {"expected": "、".join(HEADERS), "optional": "、".join(sorted(OPTIONAL_HEADERS))},
        read_text=read_text,
        error=RowError,
    )


# --- Import -------------------------------------------------------------------------------


class _WriteFailed(Exception):
    def __init__(self, error: RowError):
        super().__init__(error.message)
        self.error = error


def import_members(source: str | IO[bytes], *, street, actor=None, dry_run: bool) -> ImportReport:
    """Import an .xlsx file of party members into ``street``: all rows or none.

    Members are matched by their 身份证号: a member on record is updated (not moved: a
    different branch is refused, transfers keep their history through ``member_transfer``),
    any other row creates a member. ``actor`` None is the system (management command); a
    user reaches only the branches they see and may manage. With ``dry_run`` nothing is
    written and the counts say what would happen.
    """
    report = ImportReport(dry_run=dry_run)
    rows = _read_file(source, report)
    if rows is None:
        return report
    if not rows:
        report.errors.append(
            RowError(None, "", "no_rows", _("The file has no data rows below the header."))
        )
        return report
    report.rows = len(rows)
    _check_within_file(rows)
    _resolve_branches(rows, street, actor)
    _resolve_organizations(rows, street)
    _match_existing(rows, street, actor)
    for row in rows:
        if not row.errors:
            _check_model_rules(row)
        report.errors.extend(row.errors)
    if report.errors:
        report.errors.sort(key=_sort_key)
        return report

    creates, updates = [], []
    for row in rows:
        if row.existing is None:
            creates.append(row)
            continue
        changes = {
            name: row.values[name]
            for name in EDITABLE_FIELDS
            if not _same(row.existing, name, row.values[name])
        }
        if changes:
            updates.append((row, changes))
        else:
            report.unchanged += 1
    if not dry_run:
        try:
            with transaction.atomic():
                _write(creates, updates, actor)
        except _WriteFailed as exc:
            report.unchanged = 0
            report.errors.append(exc.error)
            return report
        report.written = True
    report.created, report.updated = len(creates), len(updates)
    return report


def _read_file(source, report: ImportReport) -> list[MemberRow] | None:
    return read_rows(
        source,
        report,
        positions=_header_positions,
        parse=parse_row,
        max_rows=MAX_ROWS,
        error=RowError,
    )


def _chunks(items: list) -> Iterator[list]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _check_within_file(rows: list[MemberRow]) -> None:
    first_line: dict[str, int] = {}
    for row in rows:
        if row.key is None:
            continue
        first = first_line.setdefault(row.key, row.line)
        if first != row.line:
            row.fail(
                ID_NUMBER,
                "duplicate_key",
                _("Line %(other)d has the same ID number; each member once, please.")
                % {"other": first},
            )


def _resolve_branches(rows: list[MemberRow], street, actor) -> None:
    """Branches by name among the party organizations of the street the actor sees; each
    branch's permission is checked once."""
    organizations = PartyOrganization.objects.filter(street=street)
    if actor is not None:
        organizations = organizations.visible_to(actor)
    # By the name's key, unique per street: a name pasted with a zero-width space or typed
    # with full-width digits finds its branch.
    by_key = {org.name_key: org for org in organizations.select_related("street")}
    allowed: dict[int, tuple[bool, str]] = {}
    for row in rows:
        if not row.branch_name:
            continue
        branch = by_key.get(normalize_name(row.branch_name))
        if branch is None:
            row.fail(
                BRANCH,
                "unknown_branch",
                _("%(street)s has no party branch named %(value)s.")
                % {"street": street.name, "value": row.branch_name},
            )
            continue
        if branch.kind != PartyOrgKind.BRANCH:
            row.fail(
                BRANCH,
                "not_a_branch",
                _("%(name)s is a %(kind)s; members belong to a party branch.")
                % {"name": branch.name, "kind": branch.get_kind_display()},
            )
            continue
        if branch.pk not in allowed:
            allowed[branch.pk] = can_manage_members(actor, branch)
        ok, reason = allowed[branch.pk]
        if not ok:
            row.fail(BRANCH, "branch_not_yours", reason)
            continue
        row.values["branch"] = branch


def _organization_keys(code: str) -> tuple[str, str]:
    return normalize_code(code), normalize_filing_number(code)


def _resolve_organizations(rows: list[MemberRow], street) -> None:
    in_street = Organization.objects.filter(community__street=street).select_related("community")
    uscc_keys, filing_keys, names = set(), set(), set()
    for row in rows:
        if row.organization_code:
            uscc, filing = _organization_keys(row.organization_code)
            uscc_keys.add(uscc)
            filing_keys.add(filing)
        elif row.organization_name:
            names.add(normalize_name(row.organization_name))
    by_uscc, by_filing, by_name = {}, {}, {}
    for chunk in _chunks(sorted(uscc_keys | filing_keys)):
        for org in in_street.filter(Q(uscc__in=chunk) | Q(filing_number__in=chunk)):
            if org.uscc:
                by_uscc[org.uscc] = org
            if org.filing_number:
                by_filing[org.filing_number] = org
    for chunk in _chunks(sorted(names)):
        # By key, like the names are kept unique (one per community).
        for org in in_street.filter(name_key__in=chunk).order_by("community__name"):
            by_name.setdefault(org.name_key, []).append(org)
    for row in rows:
        if row.organization_code:
            uscc, filing = _organization_keys(row.organization_code)
            org = by_uscc.get(uscc) or by_filing.get(filing)
            if org is None:
                row.fail(
                    ORGANIZATION_CODE,
                    "unknown_organization_code",
                    _(
                        "%(street)s has no organization with the unified social credit code "
                        "or filing number %(value)s."
                    )
                    % {"street": street.name, "value": row.organization_code},
                )
                continue
            if row.organization_name and normalize_name(row.organization_name) != normalize_name(
                org.name
            ):
                row.fail(
                    ORGANIZATION,
                    "organization_mismatch",
                    _("The code %(code)s belongs to %(name)s, not to %(value)s.")
                    % {
                        "code": row.organization_code,
                        "name": org.name,
                        "value": row.organization_name,
                    },
                )
                continue
            row.values["organization"] = org
        elif row.organization_name:
            found = by_name.get(normalize_name(row.organization_name), [])
            if not found:
                row.fail(
                    ORGANIZATION,
                    "unknown_organization",
                    _("%(street)s has no organization named %(value)s.")
                    % {"street": street.name, "value": row.organization_name},
                )
            elif len(found) > 1:
                row.fail(
                    ORGANIZATION,
                    "ambiguous_organization",
                    _(
                        "Several organizations are named %(value)s (in %(communities)s); "
                        "fill in the column %(column)s to say which."
                    )
                    % {
                        "value": row.organization_name,
                        "communities": "、".join(org.community.name for org in found),
                        "column": ORGANIZATION_CODE,
                    },
                )
            else:
                row.values["organization"] = found[0]
        else:
            row.values["organization"] = None


def _match_existing(rows: list[MemberRow], street, actor) -> None:
    """Members already on record with the rows' ID numbers (in any street: the number is
    unique platform-wide)."""
    keys = sorted({row.key for row in rows if row.key})
    existing = {}
    for chunk in _chunks(keys):
        found = PartyMember.objects.filter(id_number__in=chunk).select_related(
            "branch__street", "organization"
        )
        existing.update({member.id_number: member for member in found})
    allowed: dict[int, tuple[bool, str]] = {}
    for row in rows:
        member = existing.get(row.key) if row.key else None
        if member is None:
            continue
        if member.branch.street_id != street.pk:
            row.fail(
                ID_NUMBER,
                "key_elsewhere",
                _("This ID number is on the roll of another street's party branch."),
            )
            continue
        if member.branch_id not in allowed:
            allowed[member.branch_id] = can_manage_members(actor, member.branch)
        ok, reason = allowed[member.branch_id]
        if not ok:
            row.fail(ID_NUMBER, "out_of_scope", reason)
            continue
        branch = row.values.get("branch")
        if branch is not None and branch.pk != member.branch_id:
            row.fail(
                BRANCH,
                "branch_changed",
                _(
                    "%(name)s is a member of %(branch)s. A move to another branch is a "
                    "transfer: record it on the member's page (it keeps the date and the "
                    "history), then import again."
                )
                % {"name": member.name, "branch": member.branch.name},
            )
            continue
        row.existing = member


def _check_model_rules(row: MemberRow) -> None:
    """The service's and the model's own checks, as a safety net behind the cell readers."""
    probe = PartyMember(**row.values)
    if row.existing is not None:
        probe.pk = row.existing.pk
    try:
        clean_member(probe)
        probe.clean_fields(exclude=["probation_ends_on"])
    except ValidationError as exc:
        for field_name, errors in exc.error_dict.items():
            for error in errors:
                row.fail(
                    HEADER_FOR_FIELD.get(field_name, ""), error.code or "invalid", next(iter(error))
                )


def _same(member: PartyMember, field_name: str, value) -> bool:
    if field_name == "organization":
        return member.organization_id == (value.pk if value is not None else None)
    current = getattr(member, field_name)
    if current == value:
        return True
    if field_name == "phone" and current and value:
        try:
            return validate_mobile_or_phone(current) == value
        except ValidationError:
            return False
    return False


def _write(creates: list[MemberRow], updates: list[tuple[MemberRow, dict]], actor) -> None:
    try:
        members_bulk_create(rows=[row.values for row in creates], actor=actor)
        members_bulk_update(
            changes=[(row.existing, changes) for row, changes in updates], actor=actor
        )
    except ActionRefused as exc:
        raise _WriteFailed(RowError(None, "", "refused", exc.message)) from exc
    except IntegrityError as exc:
        raise _WriteFailed(
            RowError(
                None,
                "",
                "write_failed",
                _(
                    "The database refused the members (someone may have added the same ID "
                    "number meanwhile); nothing was written. Import the file again."
                ),
            )
        ) from exc


# --- Export -------------------------------------------------------------------------------

_COLUMN_WIDTHS = {
    NAME: 12,
    BIRTH_DATE: 12,
    ID_NUMBER: 22,
    PHONE: 16,
    ORGANIZATION: 30,
    ORGANIZATION_CODE: 22,
    BRANCH: 30,
    JOINED_ON: 12,
    POSTS: 20,
}


def export_members(queryset, destination: str | IO[bytes], *, masked: bool) -> int:
    """Write ``queryset`` as .xlsx with the import's columns; returns the number of rows.

    ``masked`` replaces most digits of ID and phone numbers with ``*`` (mask_id_number,
    mask_phone); the sheet title and a second sheet say that such a file cannot be imported
    back. Streams in a constant number of queries however many members there are.
    """
    workbook = openpyxl.Workbook(write_only=True)
    title = MASKED_SHEET_TITLE if masked else SHEET_TITLE
    sheet = start_export_sheet(workbook, title, HEADERS, _COLUMN_WIDTHS, 10)
    count = 0
    members = queryset.select_related("branch", "organization").order_by(
        "branch__name", "name", "pk"
    )
    for member in members.iterator(chunk_size=2000):
        sheet.append(_export_cells(sheet, member, masked))
        count += 1
    if masked:
        note = workbook.create_sheet(NOTE_SHEET_TITLE)
        note.column_dimensions["A"].width = 90
        for line in MASKED_NOTE:
            note.append([line])
    workbook.save(destination)
    return count


def _export_cells(sheet, member: PartyMember, masked: bool) -> list:
    org = member.organization
    id_number = mask_id_number(member.id_number) if masked else member.id_number
    phone = mask_phone(member.phone) if masked else member.phone
    return [
        text_cell(sheet, member.name),
        SEX_LABELS.get(member.sex, member.sex),
        date_cell(sheet, member.birth_date),
        text_cell(sheet, id_number),
        text_cell(sheet, phone),
        text_cell(sheet, org.name) if org else None,
        text_cell(sheet, (org.uscc or org.filing_number or "") if org else ""),
        text_cell(sheet, member.branch.name),
        STATUS_LABELS.get(member.status, member.status),
        date_cell(sheet, member.joined_on),
        text_cell(sheet, member.posts),
    ]
