"""The Excel file format of the organization registry, as a django-import-export resource.

The headers and choice labels below are a file format, not UI text: they are fixed Chinese
strings, the same whatever language the user reads the platform in, and they are mapped to
the ASCII keys of ``incubation.choices`` here, explicitly. No logic keys on translated text.

``OrganizationResource`` maps the columns to the model with the widgets of
``core.excel_widgets`` and checks each row with the registry's own validators
(``core.identifiers``, ``services.clean_identifiers``, the model's field checks); it writes
through ``services.organizations_bulk_create`` / ``organizations_bulk_update`` in batches
of 1,000, so every organization gets its audit event.

Line numbers are Excel line numbers: the header is line 1, the first data row is line 2.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader

from accounts.models import Community
from core.excel import FIRST_DATA_LINE as FIRST_DATA_LINE
from core.excel import check_headers
from core.excel_resources import ExcelModelResource, WriteFailed, writes_refused_as
from core.excel_widgets import (
    CellError,
    ChoiceWidget,
    CountWidget,
    DateWidget,
    NameLookupWidget,
    TextWidget,
    lookup_table,
    read_choice,
    read_date,
    read_text,
)
from core.identifiers import (
    USCC_CHECKSUM_ERROR_CODES,
    clean_name,
    normalize_code,
    normalize_filing_number,
    normalize_name,
    validate_filing_number,
    validate_mobile_or_phone,
    validate_uscc,
)
from incubation import services
from incubation.choices import USCC_TYPE_FOR_STATUS, LegalStatus, PoliticalStatus, ServiceField
from incubation.models import Organization
from incubation.services import clean_identifiers

# The cell readers live in core.excel_widgets; these names are kept for the other files.
__all__ = ["CellError", "lookup_table", "read_choice", "read_date", "read_text"]

# --- Columns ------------------------------------------------------------------------------

NAME = "组织名称"
USCC = "统一社会信用代码"
FILING_NUMBER = "备案编号"
LEGAL_STATUS = "法律形态"
COMMUNITY = "所属社区"
SERVICE_FIELD = "服务领域"
FOUNDED_ON = "成立日期"
LEADER_NAME = "负责人"
LEADER_POLITICAL_STATUS = "负责人政治面貌"
LEADER_PHONE = "联系电话"
PARTY_MEMBER_COUNT = "党员人数"

# (header, model field), in the order of the file.
COLUMNS = (
    (NAME, "name"),
    (USCC, "uscc"),
    (FILING_NUMBER, "filing_number"),
    (LEGAL_STATUS, "legal_status"),
    (COMMUNITY, "community"),
    (SERVICE_FIELD, "service_field"),
    (FOUNDED_ON, "founded_on"),
    (LEADER_NAME, "leader_name"),
    (LEADER_POLITICAL_STATUS, "leader_political_status"),
    (LEADER_PHONE, "leader_phone"),
    (PARTY_MEMBER_COUNT, "party_member_count"),
)
HEADERS = tuple(header for header, _field in COLUMNS)
FIELD_FOR_HEADER = dict(COLUMNS)
HEADER_FOR_FIELD = {field_name: header for header, field_name in FIELD_FOR_HEADER.items()}

# --- Choice labels (what the export writes; the import accepts these and the aliases) ------

LEGAL_STATUS_LABELS = {
    LegalStatus.SOCIAL_GROUP: "社会团体",
    LegalStatus.PRIVATE_NON_ENTERPRISE: "民办非企业单位",
    LegalStatus.FOUNDATION: "基金会",
    LegalStatus.FILED: "备案",
}
# The full labels of the platform's Chinese catalogue, as people copy them from a screen.
_LEGAL_STATUS_ALIASES = {
    "社会团体(登记)": LegalStatus.SOCIAL_GROUP,
    "民办非企业单位(登记)": LegalStatus.PRIVATE_NON_ENTERPRISE,
    "基金会(登记)": LegalStatus.FOUNDATION,
    "社区社会组织(备案)": LegalStatus.FILED,
}
SERVICE_FIELD_LABELS = {
    ServiceField.RESIDENT_SERVICES: "为民服务",
    ServiceField.NEIGHBOURLY_HELP: "邻里互助",
    ServiceField.CHARITY: "公益慈善",
    ServiceField.SAFETY: "平安创建",
    ServiceField.CULTURE_SPORTS: "文体娱乐",
    ServiceField.ELDERLY: "养老",
    ServiceField.DISABILITY: "助残",
    ServiceField.YOUTH: "儿童青少年",
    ServiceField.ENVIRONMENT: "环保",
    ServiceField.OTHER: "其他",
}
POLITICAL_STATUS_LABELS = {
    PoliticalStatus.PARTY_MEMBER: "中共党员",
    PoliticalStatus.PROBATIONARY_MEMBER: "中共预备党员",
    PoliticalStatus.LEAGUE_MEMBER: "共青团员",
    PoliticalStatus.DEMOCRATIC_PARTY: "民主党派",
    PoliticalStatus.MASSES: "群众",
}
_POLITICAL_STATUS_ALIASES = {
    "党员": PoliticalStatus.PARTY_MEMBER,
    "预备党员": PoliticalStatus.PROBATIONARY_MEMBER,
    "团员": PoliticalStatus.LEAGUE_MEMBER,
}


_LEGAL_STATUS_LOOKUP = lookup_table(LEGAL_STATUS_LABELS, _LEGAL_STATUS_ALIASES)
_SERVICE_FIELD_LOOKUP = lookup_table(SERVICE_FIELD_LABELS)
_POLITICAL_STATUS_LOOKUP = lookup_table(POLITICAL_STATUS_LABELS, _POLITICAL_STATUS_ALIASES)


# --- Errors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem in the file.

    ``line`` is the Excel line number (the header is line 1, the first data row line 2),
    None for a problem with the whole file. ``column`` is the header of the column, "" when
    the problem is not about one cell. ``code`` is a stable ASCII code; ``reason`` and
    ``message`` are translated when the error is made.
    """

    line: int | None
    column: str
    code: str
    reason: str
    message: str = field(init=False, compare=False)

    def __post_init__(self):
        if self.line is None:
            message = self.reason
        elif self.column:
            message = _("Line %(line)d, column %(column)s: %(reason)s") % {
                "line": self.line,
                "column": self.column,
                "reason": self.reason,
            }
        else:
            message = _("Line %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason}
        object.__setattr__(self, "message", message)

    def __str__(self):
        return self.message

    @property
    def sort_key(self) -> tuple[int, int]:
        column = HEADERS.index(self.column) if self.column in HEADERS else -1
        return (self.line or 0, column)


def read_legal_status(value) -> str:
    return read_choice(value, _LEGAL_STATUS_LOOKUP, LEGAL_STATUS_LABELS)


def read_service_field(value) -> str:
    return read_choice(value, _SERVICE_FIELD_LOOKUP, SERVICE_FIELD_LABELS)


def read_political_status(value) -> str:
    return read_choice(value, _POLITICAL_STATUS_LOOKUP, POLITICAL_STATUS_LABELS)


# --- Headers and rows ---------------------------------------------------------------------


def header_positions(header: tuple | None) -> dict[str, int] | RowError:
    """Column index of each header, in any order; or one error listing what is expected."""
    return check_headers(
        header,
        headers=HEADERS,
        required=HEADERS,
        expected=_("The headers must be: %(expected)s.") % {"expected": "、".join(HEADERS)},
        read_text=read_text,
        error=RowError,
    )


# --- The resource -------------------------------------------------------------------------

_CHUNK = 1000  # keys per lookup query: well under the parameter limits of SQLite and PG


def _chunks(items: list):
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _lenient(reader, value):
    try:
        return reader(value)
    except (CellError, ValidationError):
        return ""


def _key_of(row) -> tuple[str, str] | None:
    """The natural key a row names, read leniently (the row's checks report what is
    wrong): the filing number of a filed organization, else the credit code."""
    status = _lenient(read_legal_status, row.get(LEGAL_STATUS))
    if status == LegalStatus.FILED:
        number = normalize_filing_number(_lenient(read_text, row.get(FILING_NUMBER)))
        return ("filing_number", number) if number else None
    code = normalize_code(_lenient(read_text, row.get(USCC)))
    return ("uscc", code) if code else None


class OrganizationLoader(BaseInstanceLoader):
    """The instance loader of the import: the organizations the file names, read once per
    1,000 keys (the library's default is a query per row), and who holds each name."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        keys = {"uscc": set(), "filing_number": set()}
        names = set()
        columns = (LEGAL_STATUS, USCC, FILING_NUMBER)
        for cells in zip(*(dataset[column] for column in columns), strict=True):
            key = _key_of(dict(zip(columns, cells, strict=True)))
            if key is not None:
                keys[key[0]].add(key[1])
        for cell in dataset[NAME]:
            name = resource.name_key(_lenient(read_text, cell))
            if name:
                names.add(name)
        self.existing = {}
        for field_name, values in keys.items():
            for chunk in _chunks(sorted(values)):
                found = Organization.objects.filter(**{f"{field_name}__in": chunk})
                for org in found.select_related("community"):
                    self.existing[(field_name, getattr(org, field_name))] = org
        # Names compare by their key: a look-alike spelling is the same name.
        self.name_holders = {}
        for chunk in _chunks(sorted(names)):
            found = Organization.objects.filter(
                community__street=resource.street,
                community__in=resource.allowed,
                name_key__in=chunk,
            )
            for pk, community_id, name_key, uscc, filing_number in found.values_list(
                "pk", "community_id", "name_key", "uscc", "filing_number"
            ):
                self.name_holders[(community_id, name_key)] = (pk, uscc or filing_number)
        resource.loader = self

    def get_instance(self, row):
        key = _key_of(row)
        return self.existing.get(key) if key is not None else None


def _max_length(field_name: str) -> int:
    return Organization._meta.get_field(field_name).max_length


def _phone(text: str) -> str:
    return validate_mobile_or_phone(text)


@functools.cache
def _not_in_file() -> list[str]:
    # Fields the file does not carry, and the community (checking it would be a query per
    # row; it came from the street's own list).
    in_file = set(FIELD_FOR_HEADER.values()) - {"community"}
    return [f.name for f in Organization._meta.concrete_fields if f.name not in in_file]


def _add(errors: dict, field_name: str, code: str, reason: str) -> None:
    errors.setdefault(field_name, []).append(ValidationError(reason, code=code))


class OrganizationResource(ExcelModelResource):
    """The registry's .xlsx columns. Matched by 统一社会信用代码 (registered) or 备案编号
    (filed): a match in the street is updated, anything else is created.

    ``street`` is where the rows go; ``actor`` None is the system (management command),
    a user limits the communities to those they may see.
    """

    headers = HEADERS

    name = Field(
        attribute="name",
        column_name=NAME,
        widget=TextWidget(max_length=_max_length("name"), then=clean_name, required=True),
    )
    uscc = Field(attribute="uscc", column_name=USCC, widget=TextWidget(exact=True))
    filing_number = Field(
        attribute="filing_number", column_name=FILING_NUMBER, widget=TextWidget(exact=True)
    )
    legal_status = Field(
        attribute="legal_status",
        column_name=LEGAL_STATUS,
        widget=ChoiceWidget(LEGAL_STATUS_LABELS, _LEGAL_STATUS_ALIASES, required=True),
    )
    community = Field(attribute="community", column_name=COMMUNITY, widget=NameLookupWidget())
    # An empty service field is the model's default, 其他.
    service_field = Field(
        attribute="service_field",
        column_name=SERVICE_FIELD,
        widget=ChoiceWidget(SERVICE_FIELD_LABELS, default=ServiceField.OTHER),
    )
    founded_on = Field(attribute="founded_on", column_name=FOUNDED_ON, widget=DateWidget())
    leader_name = Field(
        attribute="leader_name",
        column_name=LEADER_NAME,
        widget=TextWidget(max_length=_max_length("leader_name")),
    )
    leader_political_status = Field(
        attribute="leader_political_status",
        column_name=LEADER_POLITICAL_STATUS,
        widget=ChoiceWidget(POLITICAL_STATUS_LABELS, _POLITICAL_STATUS_ALIASES),
    )
    leader_phone = Field(
        attribute="leader_phone",
        column_name=LEADER_PHONE,
        widget=TextWidget(exact=True, then=_phone),
    )
    party_member_count = Field(
        attribute="party_member_count", column_name=PARTY_MEMBER_COUNT, widget=CountWidget()
    )

    class Meta(ExcelModelResource.Meta):
        model = Organization
        fields = tuple(FIELD_FOR_HEADER.values())
        import_order = export_order = fields
        # The natural keys; the loader reads them, by the legal status of each row.
        import_id_fields = ("uscc", "filing_number")
        instance_loader_class = OrganizationLoader

    def __init__(self, *, street=None, **kwargs):
        super().__init__(**kwargs)
        self.street = street
        self.loader = None
        self._name_keys: dict[str, str] = {}
        self._seen_keys: dict = {}
        self._seen_names: dict = {}
        communities = {}
        if street is not None:
            found = Community.objects.filter(street=street)
            if self.actor is not None:
                found = found.visible_to(self.actor)
            communities = {community.name: community for community in found}
        self.allowed = {community.pk for community in communities.values()}

        def unknown(name):
            return CellError(
                "unknown_community",
                _("%(street)s has no community named %(value)s; the communities are: %(names)s.")
                % {"street": street.name, "value": name, "names": "、".join(communities) or "-"},
            )

        self.fields["community"].widget = NameLookupWidget(
            communities, unknown=unknown, required=True
        )

    def get_instance(self, instance_loader, row):
        return instance_loader.get_instance(row)

    def name_key(self, name: str) -> str:
        """``normalize_name``, once per name of the file (it is asked three times)."""
        key = self._name_keys.get(name)
        if key is None:
            key = self._name_keys[name] = normalize_name(name)
        return key

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if not new:
            # Where the organization is now: the row may name another community.
            instance._excel_home = (instance.community.street_id, instance.community_id)
            instance._excel_original = {
                name: getattr(instance, "community_id" if name == "community" else name)
                for name in FIELD_FOR_HEADER.values()
            }

    # --- Checks -------------------------------------------------------------------------

    def check_row(self, instance, errors):
        key, checksum_error = self._check_identifiers(instance, errors)
        # Matched only by a code that passed its checks (as the old pipeline did).
        org = None if instance._excel_new or key is None else instance
        if checksum_error is not None and not (org and org.uscc_checksum_exempt):
            _add(errors, "uscc", *checksum_error)
        in_scope = None
        if org is not None:
            key_field = key[0]
            street_id, community_id = org._excel_home
            if street_id != self.street.pk:
                _add(
                    errors,
                    key_field,
                    "key_elsewhere",
                    _("This code belongs to an organization of another street."),
                )
            elif community_id not in self.allowed:
                # Which community (and so which organization) holds the code is not for
                # staff of another community to learn from an import preview.
                _add(
                    errors,
                    key_field,
                    "out_of_scope",
                    _(
                        "This code is already used by an organization of another community "
                        "of this street."
                    ),
                )
            else:
                in_scope = org
        self._check_within_file(instance, key, errors)
        community = None if "community" in errors else instance.community
        name = None if "name" in errors else instance.name
        if community is not None and name:
            holder = self.loader.name_holders.get((community.pk, self.name_key(name)))
            if holder is not None and holder[0] != getattr(in_scope, "pk", None):
                _add(
                    errors,
                    "name",
                    "name_taken",
                    _("%(community)s already has an organization of this name (code %(code)s).")
                    % {"community": community.name, "code": holder[1]},
                )
        if not errors:
            self._check_model_rules(instance, errors)

    def _check_identifiers(self, instance, errors) -> tuple[tuple | None, tuple | None]:
        """The code the legal status calls for, normalized onto the instance; the other
        one cleared. Returns the row's key (None when the code is wrong) and a failed check
        character that an existing exempt organization may keep (legally issued pilot
        codes fail the checksum)."""
        if {"legal_status", "uscc", "filing_number"} & set(errors):
            return None, None
        uscc, filing_number = instance.uscc or "", instance.filing_number or ""
        instance.uscc = instance.filing_number = None
        if instance.legal_status == LegalStatus.FILED:
            if uscc:
                _add(
                    errors,
                    "uscc",
                    "filed_with_uscc",
                    _("A filed organization has no unified social credit code."),
                )
            if not filing_number:
                _add(
                    errors,
                    "filing_number",
                    "required",
                    _("A filed organization needs its filing number."),
                )
                return None, None
            try:
                instance.filing_number = validate_filing_number(filing_number)
            except ValidationError as exc:
                _add(errors, "filing_number", exc.code or "invalid", exc.messages[0])
                return None, None
            return ("filing_number", instance.filing_number), None
        if filing_number:
            _add(
                errors,
                "filing_number",
                "registered_with_filing_number",
                _(
                    "A registered organization is identified by its unified social credit "
                    "code, not a filing number."
                ),
            )
        if not uscc:
            _add(
                errors,
                "uscc",
                "required",
                _("A registered organization needs its unified social credit code."),
            )
            return None, None
        expected_type = USCC_TYPE_FOR_STATUS[instance.legal_status]
        checksum_error = None
        try:
            code = validate_uscc(uscc, expected_type=expected_type)
        except ValidationError as exc:
            if exc.code not in USCC_CHECKSUM_ERROR_CODES:
                _add(errors, "uscc", exc.code or "invalid", exc.messages[0])
                return None, None
            try:
                code = validate_uscc(uscc, expected_type=expected_type, checksum_exempt=True)
            except ValidationError as exempt_exc:
                _add(errors, "uscc", exempt_exc.code or "invalid", exempt_exc.messages[0])
                return None, None
            checksum_error = (exc.code, exc.messages[0])
        instance.uscc = code
        return ("uscc", code), checksum_error

    def _check_within_file(self, instance, key, errors) -> None:
        line = instance._excel_line
        if key is not None:
            first = self._seen_keys.setdefault(key, line)
            if first != line:
                _add(
                    errors,
                    key[0],
                    "duplicate_key",
                    _("Line %(other)d has the same code; each organization once, please.")
                    % {"other": first},
                )
        if "community" in errors or "name" in errors or not instance.name:
            return
        community = instance.community
        first = self._seen_names.setdefault((community.pk, self.name_key(instance.name)), line)
        if first != line:
            _add(
                errors,
                "name",
                "duplicate_name",
                _("Line %(other)d has an organization of the same name in %(community)s.")
                % {"other": first, "community": community.name},
            )

    def _check_model_rules(self, instance, errors) -> None:
        """The model's and the service's own checks, behind the cell readers."""
        try:
            clean_identifiers(instance)
            instance.clean_fields(exclude=_not_in_file())
        except ValidationError as exc:
            for field_name, found in exc.error_dict.items():
                errors.setdefault(field_name, []).extend(found)

    # --- Writes -------------------------------------------------------------------------

    def changes(self, instance) -> dict:
        return self.changed_values(
            instance, FIELD_FOR_HEADER.values(), relations={"community"}, phones={"leader_phone"}
        )

    def write_creates(self, instances):
        with writes_refused_as(
            RowError,
            _(
                "The database refused the new organizations (someone may have added the "
                "same code or name meanwhile); nothing was written. Import the file again."
            ),
        ):
            services.organizations_bulk_create(
                rows=[
                    {name: getattr(org, name) for name in FIELD_FOR_HEADER.values()}
                    for org in instances
                ],
                actor=self.actor,
                evidence=[{"source": "excel_import", "line": org._excel_line} for org in instances],
            )

    def write_updates(self, instances):
        with writes_refused_as(
            RowError,
            _("The database refused this row; nothing was written. Import the file again."),
        ):
            services.organizations_bulk_update(
                changes=[(org, org._excel_changes) for org in instances],
                actor=self.actor,
                evidence=[{"source": "excel_import", "line": org._excel_line} for org in instances],
            )


class _RowByRowLoader(OrganizationLoader):
    """The library's default way: one query per row for its organization."""

    def get_instance(self, row):
        key = _key_of(row)
        if key is None:
            return None
        return Organization.objects.select_related("community").filter(**{key[0]: key[1]}).first()


class RowByRowOrganizationResource(OrganizationResource):
    """The same import in the library's default row-by-row mode (a lookup, a savepoint
    and a save per row), for ``make bench`` to compare against: same checks, same
    services, same result."""

    class Meta(OrganizationResource.Meta):
        use_bulk = False
        instance_loader_class = _RowByRowLoader

    def do_instance_save(self, instance, is_create):
        if self.dry_run:
            return
        try:
            (self.write_creates if is_create else self.write_updates)([instance])
        except WriteFailed as exc:
            self.write_error = exc.error
            raise
