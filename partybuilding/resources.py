"""The Excel file format of the party member roll, as a django-import-export resource.

``PartyMemberResource`` maps the columns to ``PartyMember`` with the widgets of
``core.excel_widgets``; each row is checked with the roll's own validators
(``validate_resident_id``, ``services.members.clean_member``, the model's field checks) and
the permission predicates, and written in batches through ``members_bulk_create`` /
``members_bulk_update``. The natural key is the 身份证号: a member already on record is
updated, never duplicated. A masked ID or phone number (an export for staff who may not see
them in full) is refused on its line, so a masked file never updates anyone.

The headers, choice labels and sheet titles are a file format: fixed Chinese strings, the
same whatever language the user reads the platform in. Error messages are translated.
Line numbers are Excel line numbers: the header is line 1, the first data row line 2.

社会组织代码 (optional column): the organization's 统一社会信用代码 for a registered
organization, its 备案编号 for a filed one — the registry's own natural key. When filled it
decides the organization (and 所在社会组织, if also filled, must be its name); when empty the
organization is found by its name in the street, which must then be unambiguous.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.resources import ModelResource

from core.decisions import Decision
from core.excel import check_headers
from core.excel_resources import ExcelModelResource, writes_refused_as
from core.excel_widgets import (
    CellError,
    CellWidget,
    ChoiceWidget,
    DateWidget,
    TextWidget,
    read_text,
    required_error,
)
from core.identifiers import (
    mask_id_number,
    mask_phone,
    normalize_code,
    normalize_filing_number,
    normalize_name,
    validate_mobile_or_phone,
    validate_resident_id,
)
from incubation.models import Organization
from incubation.resources import RowError
from partybuilding.choices import CoverageKind, Establishment, MemberStatus, PartyOrgKind, Sex
from partybuilding.models import PartyMember, PartyOrganization
from partybuilding.services.members import (
    EDITABLE_FIELDS,
    MEMBER_FIELDS,
    can_manage_members,
    clean_member,
    is_masked,
    members_bulk_create,
    members_bulk_update,
)

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

_CHUNK = 1000  # keys per lookup query


def header_positions(header: tuple | None) -> dict[str, int] | RowError:
    return check_headers(
        header,
        headers=HEADERS,
        required=REQUIRED_HEADERS,
        expected=_("The headers must be: %(expected)s (%(optional)s may be left out).")
        % {"expected": "、".join(HEADERS), "optional": "、".join(sorted(OPTIONAL_HEADERS))},
        read_text=read_text,
        error=RowError,
    )


# --- Cell readers -------------------------------------------------------------------------


def _max_length(field_name: str) -> int:
    return PartyMember._meta.get_field(field_name).max_length


def _read_id_number(value) -> str:
    text = read_text(value, exact=True)
    if not text:
        raise required_error()
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


def _lenient(reader, value):
    try:
        return reader(value)
    except (CellError, ValidationError):
        return ""


def _chunks(items: list):
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _organization_keys(code: str) -> tuple[str, str]:
    return normalize_code(code), normalize_filing_number(code)


def _add(errors: dict, field_name: str, code: str, reason: str) -> None:
    errors.setdefault(field_name, []).append(ValidationError(reason, code=code))


# --- The resource -------------------------------------------------------------------------


class MemberLoader(BaseInstanceLoader):
    """Members by ID number (in any street: the number is unique platform-wide) and the
    street's organizations the file names, read once per 1,000 keys."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        keys = sorted(
            {key for cell in dataset[ID_NUMBER] if (key := _id_key(cell))} if dataset else ()
        )
        self.members = {}
        for chunk in _chunks(keys):
            found = PartyMember.objects.filter(id_number__in=chunk).select_related(
                "branch__street", "organization"
            )
            self.members.update({member.id_number: member for member in found})
        codes, names = set(), set()
        for code_cell, name_cell in zip(
            dataset[ORGANIZATION_CODE], dataset[ORGANIZATION], strict=True
        ):
            code = _lenient(lambda v: read_text(v, exact=True), code_cell)
            if code:
                codes.update(_organization_keys(code))
            elif name := _lenient(read_text, name_cell):
                names.add(normalize_name(name))
        in_street = Organization.objects.filter(community__street=resource.street).select_related(
            "community"
        )
        self.by_uscc, self.by_filing, self.by_name = {}, {}, {}
        for chunk in _chunks(sorted(codes)):
            for org in in_street.filter(Q(uscc__in=chunk) | Q(filing_number__in=chunk)):
                if org.uscc:
                    self.by_uscc[org.uscc] = org
                if org.filing_number:
                    self.by_filing[org.filing_number] = org
        for chunk in _chunks(sorted(names)):
            # By key, like the names are kept unique (one per community).
            for org in in_street.filter(name_key__in=chunk).order_by("community__name"):
                self.by_name.setdefault(org.name_key, []).append(org)
        resource.loader = self

    def get_instance(self, row):
        key = _id_key(row.get(ID_NUMBER))
        return self.members.get(key) if key else None


def _id_key(cell) -> str:
    text = _lenient(read_text, cell)
    return normalize_code(text) if text and not is_masked(text) else ""


class PartyMemberResource(ExcelModelResource):
    """The member roll's .xlsx columns, into ``street``. ``actor`` None is the system
    (management command); a user reaches only the branches they see and may manage.
    ``masked`` (export) replaces most digits of ID and phone numbers with ``*``."""

    headers = HEADERS

    name = Field(
        attribute="name",
        column_name=NAME,
        widget=TextWidget(max_length=_max_length("name"), required=True),
    )
    sex = Field(attribute="sex", column_name=SEX, widget=ChoiceWidget(SEX_LABELS, _SEX_ALIASES))
    birth_date = Field(attribute="birth_date", column_name=BIRTH_DATE, widget=DateWidget())
    id_number = Field(
        attribute="id_number", column_name=ID_NUMBER, widget=CellWidget(_read_id_number)
    )
    phone = Field(attribute="phone", column_name=PHONE, widget=CellWidget(_read_phone))
    # Read together in check_row: the code decides, the name must agree.
    organization_name = Field(column_name=ORGANIZATION, widget=TextWidget())
    organization_code = Field(column_name=ORGANIZATION_CODE, widget=TextWidget(exact=True))
    branch = Field(attribute="branch", column_name=BRANCH, widget=CellWidget(read_text))
    status = Field(
        attribute="status",
        column_name=STATUS,
        widget=ChoiceWidget(STATUS_LABELS, _STATUS_ALIASES, required=True),
    )
    joined_on = Field(
        attribute="joined_on", column_name=JOINED_ON, widget=DateWidget(required=True)
    )
    posts = Field(
        attribute="posts", column_name=POSTS, widget=TextWidget(max_length=_max_length("posts"))
    )

    class Meta(ExcelModelResource.Meta):
        model = PartyMember
        fields = (
            "name",
            "sex",
            "birth_date",
            "id_number",
            "phone",
            "organization_name",
            "organization_code",
            "branch",
            "status",
            "joined_on",
            "posts",
        )
        import_order = export_order = fields
        import_id_fields = ("id_number",)
        instance_loader_class = MemberLoader

    def __init__(self, *, street=None, masked: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.street = street
        self.masked = masked
        self.loader = None
        self._seen_keys: dict[str, int] = {}
        self._may_manage: dict[int, Decision] = {}
        self._branches = {}
        if street is not None:
            organizations = PartyOrganization.objects.filter(street=street)
            if self.actor is not None:
                organizations = organizations.visible_to(self.actor)
            # By the name's key, unique per street: a name pasted with a zero-width space
            # or typed with full-width digits finds its branch.
            self._branches = {org.name_key: org for org in organizations.select_related("street")}
        self.fields["branch"].widget = CellWidget(
            self._read_branch, required=True, render=lambda branch: branch.name
        )

    def may_manage(self, branch) -> Decision:
        """``can_manage_members``, once per branch of the file."""
        if branch.pk not in self._may_manage:
            self._may_manage[branch.pk] = can_manage_members(self.actor, branch)
        return self._may_manage[branch.pk]

    def _read_branch(self, value):
        name = read_text(value)
        if not name:
            return None
        branch = self._branches.get(normalize_name(name))
        if branch is None:
            raise CellError(
                "unknown_branch",
                _("%(street)s has no party branch named %(value)s.")
                % {"street": self.street.name, "value": name},
            )
        if branch.kind != PartyOrgKind.BRANCH:
            raise CellError(
                "not_a_branch",
                _("%(name)s is a %(kind)s; members belong to a party branch.")
                % {"name": branch.name, "kind": branch.get_kind_display()},
            )
        decision = self.may_manage(branch)
        if not decision:
            raise CellError("branch_not_yours", decision.reason)
        return branch

    def get_instance(self, instance_loader, row):
        return instance_loader.get_instance(row)

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        instance._excel_row = row
        if not new:
            # The member as on record: the row may name another branch.
            instance._excel_home = instance.branch
            instance._excel_original = {
                name: getattr(instance, "organization_id" if name == "organization" else name)
                for name in EDITABLE_FIELDS
            }

    # --- Checks -------------------------------------------------------------------------

    def check_row(self, instance, errors):
        key = self._check_id_number(instance, errors)
        if key is not None:
            first = self._seen_keys.setdefault(key, instance._excel_line)
            if first != instance._excel_line:
                _add(
                    errors,
                    "id_number",
                    "duplicate_key",
                    _("Line %(other)d has the same ID number; each member once, please.")
                    % {"other": first},
                )
        self._resolve_organization(instance, errors)
        if key is not None and not instance._excel_new:
            self._check_existing(instance, errors)
        if not errors:
            self._check_model_rules(instance, errors)

    def _check_id_number(self, instance, errors) -> str | None:
        """The number carries the birth date and sex: an empty cell takes them from it, a
        filled one must agree with it (the error is the ID number's, as in the admin)."""
        if "id_number" in errors:
            return None
        birth_date = None if "birth_date" in errors else instance.birth_date
        sex = None if "sex" in errors else instance.sex
        try:
            info = validate_resident_id(
                instance.id_number, birth_date=birth_date or None, sex=sex or None
            )
        except ValidationError as exc:
            _add(errors, "id_number", exc.code or "invalid", exc.messages[0])
            return None
        instance.id_number = info.number
        instance.birth_date = birth_date or info.birth_date
        instance.sex = sex or info.sex
        return info.number

    def _resolve_organization(self, instance, errors) -> None:
        row, loader = instance._excel_row, self.loader
        try:
            code = read_text(row.get(ORGANIZATION_CODE), exact=True)
        except CellError as exc:
            _add(errors, "organization_code", exc.code, exc.reason)
            code = ""
        name = read_text(row.get(ORGANIZATION))
        instance.organization = None
        if code:
            uscc, filing = _organization_keys(code)
            org = loader.by_uscc.get(uscc) or loader.by_filing.get(filing)
            if org is None:
                _add(
                    errors,
                    "organization_code",
                    "unknown_organization_code",
                    _(
                        "%(street)s has no organization with the unified social credit code "
                        "or filing number %(value)s."
                    )
                    % {"street": self.street.name, "value": code},
                )
            elif name and normalize_name(name) != normalize_name(org.name):
                _add(
                    errors,
                    "organization_name",
                    "organization_mismatch",
                    _("The code %(code)s belongs to %(name)s, not to %(value)s.")
                    % {"code": code, "name": org.name, "value": name},
                )
            else:
                instance.organization = org
        elif name:
            found = loader.by_name.get(normalize_name(name), [])
            if not found:
                _add(
                    errors,
                    "organization_name",
                    "unknown_organization",
                    _("%(street)s has no organization named %(value)s.")
                    % {"street": self.street.name, "value": name},
                )
            elif len(found) > 1:
                _add(
                    errors,
                    "organization_name",
                    "ambiguous_organization",
                    _(
                        "Several organizations are named %(value)s (in %(communities)s); "
                        "fill in the column %(column)s to say which."
                    )
                    % {
                        "value": name,
                        "communities": "、".join(org.community.name for org in found),
                        "column": ORGANIZATION_CODE,
                    },
                )
            else:
                instance.organization = found[0]

    def _check_existing(self, instance, errors) -> None:
        home = instance._excel_home
        if home.street_id != self.street.pk:
            _add(
                errors,
                "id_number",
                "key_elsewhere",
                _("This ID number is on the roll of another street's party branch."),
            )
            return
        decision = self.may_manage(home)
        if not decision:
            _add(errors, "id_number", "out_of_scope", decision.reason)
            return
        if "branch" not in errors and instance.branch_id != home.pk:
            _add(
                errors,
                "branch",
                "branch_changed",
                _(
                    "%(name)s is a member of %(branch)s. A move to another branch is a "
                    "transfer: record it on the member's page (it keeps the date and the "
                    "history), then import again."
                )
                % {"name": instance._excel_original["name"], "branch": home.name},
            )

    def _check_model_rules(self, instance, errors) -> None:
        """The service's and the model's own checks, behind the cell readers."""
        values = {name: getattr(instance, name) for name in MEMBER_FIELDS}
        instance._excel_values = values
        probe = PartyMember(**values)
        probe.pk = instance.pk
        try:
            clean_member(probe)
            probe.clean_fields(exclude=["probation_ends_on"])
        except ValidationError as exc:
            for field_name, found in exc.error_dict.items():
                name = "organization_name" if field_name == "organization" else field_name
                errors.setdefault(name, []).extend(found)

    # --- Writes -------------------------------------------------------------------------

    def changes(self, instance) -> dict:
        return self.changed_values(
            instance, EDITABLE_FIELDS, relations={"organization"}, phones={"phone"}
        )

    def _writes_refused(self):
        return writes_refused_as(
            RowError,
            _(
                "The database refused the members (someone may have added the same ID "
                "number meanwhile); nothing was written. Import the file again."
            ),
        )

    def write_creates(self, instances):
        with self._writes_refused():
            members_bulk_create(
                rows=[member._excel_values for member in instances], actor=self.actor
            )

    def write_updates(self, instances):
        with self._writes_refused():
            members_bulk_update(
                changes=[(member, member._excel_changes) for member in instances],
                actor=self.actor,
            )

    # --- Export -------------------------------------------------------------------------

    def dehydrate_id_number(self, member):
        return mask_id_number(member.id_number) if self.masked else member.id_number

    def dehydrate_phone(self, member):
        return mask_phone(member.phone) if self.masked else member.phone

    def dehydrate_organization_name(self, member):
        return member.organization.name if member.organization else None

    def dehydrate_organization_code(self, member):
        org = member.organization
        return (org.uscc or org.filing_number or "") if org else ""


# --- The coverage matrix (export only) ----------------------------------------------------

# A file format: fixed Chinese headers and labels, whatever language the user reads the
# platform in.
MATRIX_HEADERS = ("社区", "组织名称", "覆盖方式", "党支部", "党建联络员", "正式党员数")
MATRIX_WIDTHS = dict(zip(MATRIX_HEADERS, (16, 32, 22, 28, 12, 10), strict=True))
COVERAGE_LABELS_ZH = {
    CoverageKind.OWN_BRANCH: "单独建立支部",
    CoverageKind.JOINT_BRANCH: "联合支部覆盖",
    CoverageKind.INSTRUCTOR: "仅选派党建指导员",
    CoverageKind.NONE: "未覆盖",
}
FUNCTIONAL_SUFFIX_ZH = "(功能型)"


# The values as they are (text, numbers), not the library's strings.
_AS_IS = CellWidget(lambda value: value)


class CoverageMatrixResource(ModelResource):
    """One row per organization of ``selectors`` coverage matrix (its annotations:
    ``coverage_kind``, ``branch_establishment``, ``branch_name``, ``liaison``,
    ``full_members``)."""

    community = Field(attribute="community__name", column_name=MATRIX_HEADERS[0], widget=_AS_IS)
    name = Field(attribute="name", column_name=MATRIX_HEADERS[1], widget=_AS_IS)
    coverage = Field(column_name=MATRIX_HEADERS[2])
    branch_name = Field(attribute="branch_name", column_name=MATRIX_HEADERS[3], widget=_AS_IS)
    liaison = Field(attribute="liaison", column_name=MATRIX_HEADERS[4], widget=_AS_IS)
    full_members = Field(attribute="full_members", column_name=MATRIX_HEADERS[5], widget=_AS_IS)

    class Meta:
        model = Organization
        fields = ("community", "name", "coverage", "branch_name", "liaison", "full_members")
        export_order = fields

    def dehydrate_coverage(self, org) -> str:
        label = COVERAGE_LABELS_ZH[org.coverage_kind]
        if org.branch_establishment == Establishment.FUNCTIONAL:
            label += FUNCTIONAL_SUFFIX_ZH
        return label

    def iter_queryset(self, queryset):
        # An annotated queryset, read in chunks: no query per row.
        yield from queryset.iterator(chunk_size=2000)
