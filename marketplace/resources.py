"""The Excel file formats of the marketplace (凯益集市), as django-import-export resources.

``NeedResource`` and ``WishResource`` import the needs and wishes community workers collect
on visits, and export them with the same columns; ``ResourceListResource``,
``ProjectResource`` and ``ClaimResource`` export the other lists. They follow the house
pattern of ``incubation.resources``: the widgets of ``core.excel_widgets``, every row
checked (cells, the importer's communities, the model's rules, the wish value cap) and
nothing written unless every row is right; the writes go through
``marketplace.services`` (``need_create`` / ``wish_create``), one call per row inside
the import's single transaction.

Imports only create: a need or a wish has no natural key. A row that repeats one on
record (same community, title, category and dates for a need; same community, alias,
wish and collection date for a wish) is refused on its line, so importing an export back
creates no duplicates: it is refused, row by row, with the reason.

The person behind a wish (姓名, 联系电话, 住址, 身份证号, 交接联系人, 同意拍照) is written
to ``WishBeneficiary``; an export carries those columns only for a viewer who may see the
beneficiaries (``can_see_beneficiary``: that community's staff), and only for that
community's rows. Anyone else's export leaves the columns out and says so in its title.

The headers, choice labels and sheet titles are a file format: fixed Chinese strings, the
same whatever language the user reads the platform in. Error messages are translated.
Line numbers are Excel line numbers: the header is line 1, the first data row line 2.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.resources import ModelResource

from accounts.models import Community
from accounts.roles import Role, has_role
from core.errors import ActionRefused
from core.excel import check_headers
from core.excel_resources import ExcelModelResource, WriteFailed, writes_refused_as
from core.excel_widgets import (
    CellError,
    CellWidget,
    ChoiceWidget,
    CountWidget,
    DateWidget,
    TextWidget,
    read_date,
    read_text,
)
from core.identifiers import validate_mobile_or_phone, validate_resident_id
from incubation.resources import RowError
from marketplace.choices import (
    AgeBand,
    ClaimTarget,
    NeedNature,
    NeedSource,
    ProviderKind,
    TargetGroup,
)
from marketplace.models import Category, Claim, Need, Project, Resource, Wish, WishBeneficiary
from marketplace.permissions import can_manage_community, can_see_beneficiary
from marketplace.services.listings import need_create
from marketplace.services.wishes import check_wish_value, wish_create
from marketplace.workflows import ClaimStatus, ListingStatus, ProjectStatus, WishStatus

# --- Columns ------------------------------------------------------------------------------

TITLE = "需求标题"
COMMUNITY = "所属社区"
GRID = "网格"
CATEGORY = "服务类别"
NATURE = "物资或服务"
TARGET_GROUP = "服务对象"
QUANTITY = "数量"
WINDOW_START = "需求开始日期"
WINDOW_END = "需求截止日期"
PLACE = "服务地点"
DESCRIPTION = "需求描述"
ESTIMATED_VALUE = "估算价值（元）"
SOURCE = "收集途径"
MAX_CLAIMS = "可认领数"
STATUS = "状态"  # export only; an import ignores it (imported rows wait for verification)

NEED_COLUMNS = (
    (TITLE, "title"),
    (COMMUNITY, "community"),
    (GRID, "grid"),
    (CATEGORY, "category"),
    (NATURE, "nature"),
    (TARGET_GROUP, "target_group"),
    (QUANTITY, "quantity"),
    (WINDOW_START, "window_start"),
    (WINDOW_END, "window_end"),
    (PLACE, "place"),
    (DESCRIPTION, "description"),
    (ESTIMATED_VALUE, "estimated_value"),
    (SOURCE, "source"),
    (MAX_CLAIMS, "max_claims"),
)
NEED_FIELDS = tuple(name for _header, name in NEED_COLUMNS)
NEED_HEADERS = (*(header for header, _name in NEED_COLUMNS), STATUS)

ALIAS = "称呼"
AGE_BAND = "年龄段"
WISH_TITLE = "心愿内容"
WISH_DESCRIPTION = "心愿描述"
VALUE = "价值（元）"
COLLECTED_ON = "收集日期"
PERSON_NAME = "姓名"
PERSON_PHONE = "联系电话"
PERSON_ADDRESS = "住址"
PERSON_ID_NUMBER = "身份证号"
HANDOVER_CONTACT = "交接联系人"
PHOTO_CONSENT = "同意拍照"

WISH_COLUMNS = (
    (ALIAS, "alias"),
    (AGE_BAND, "age_band"),
    (TARGET_GROUP, "target_group"),
    (COMMUNITY, "community"),
    (CATEGORY, "category"),
    (WISH_TITLE, "title"),
    (WISH_DESCRIPTION, "description"),
    (VALUE, "value"),
    (COLLECTED_ON, "collected_on"),
)
WISH_FIELDS = tuple(name for _header, name in WISH_COLUMNS)
# The beneficiary's columns: (header, key of ``wish_create``'s ``beneficiary`` dict).
PERSON_COLUMNS = (
    (PERSON_NAME, "name"),
    (PERSON_PHONE, "phone"),
    (PERSON_ADDRESS, "address"),
    (PERSON_ID_NUMBER, "id_number"),
    (HANDOVER_CONTACT, "handover_contact"),
    (PHOTO_CONSENT, "photo_consent"),
)
PERSON_HEADERS = tuple(header for header, _key in PERSON_COLUMNS)
WISH_HEADERS = (
    *(header for header, _name in WISH_COLUMNS),
    *PERSON_HEADERS,
    STATUS,
)
# A file without these columns is still read.
OPTIONAL_HEADERS = frozenset({STATUS})

NEED_SHEET_TITLE = "需求清单"
WISH_SHEET_TITLE = "微心愿"
# Excel caps sheet titles at 31 characters and forbids : \ / ? * [ ].
WISH_PUBLIC_SHEET_TITLE = "微心愿(不含受益人信息,不能导入)"
NOTE_SHEET_TITLE = "说明"
WISH_PUBLIC_NOTE = (
    "本文件只含微心愿的公开信息,不含受益人的姓名、电话、住址、身份证号和交接联系人。",
    "受益人信息只有该社区的社区工作人员可以查看和导出。",
    "本文件缺少受益人列,不能用于导入。",
)

# --- Choice labels (what the export writes; the import accepts these, aliases and codes) --

NATURE_LABELS = {NeedNature.SERVICE: "服务", NeedNature.GOODS: "物资"}
TARGET_GROUP_LABELS = {
    TargetGroup.ELDERLY_ALONE: "独居老人",
    TargetGroup.ELDERLY: "老年人",
    TargetGroup.CHILDREN: "困境儿童",
    TargetGroup.DISABLED: "残疾人",
    TargetGroup.LOW_INCOME: "低保家庭",
    TargetGroup.VETERANS: "退役军人",
    TargetGroup.RESIDENTS: "全体居民",
}
_TARGET_GROUP_ALIASES = {
    "空巢老人": TargetGroup.ELDERLY_ALONE,
    "老人": TargetGroup.ELDERLY,
    "儿童": TargetGroup.CHILDREN,
    "残障人士": TargetGroup.DISABLED,
    "低保户": TargetGroup.LOW_INCOME,
    "居民": TargetGroup.RESIDENTS,
}
SOURCE_LABELS = {
    NeedSource.HOME_VISIT: "入户走访",
    NeedSource.HOTLINE: "热线电话",
    NeedSource.RESIDENT_MEETING: "居民议事会",
    NeedSource.OTHER: "其他",
}
_SOURCE_ALIASES = {"走访": NeedSource.HOME_VISIT, "热线": NeedSource.HOTLINE}
AGE_BAND_LABELS = {
    AgeBand.CHILD: "14岁以下",
    AgeBand.YOUTH: "14-35岁",
    AgeBand.ADULT: "36-59岁",
    AgeBand.SENIOR: "60-79岁",
    AgeBand.ELDER: "80岁及以上",
}
# As the platform's screens write them (an en dash).
_AGE_BAND_ALIASES = {
    "14–35岁": AgeBand.YOUTH,
    "36–59岁": AgeBand.ADULT,
    "60–79岁": AgeBand.SENIOR,
}
YES, NO = "是", "否"
_YES_NO = {
    "是": True,
    "同意": True,
    "y": True,
    "yes": True,
    "true": True,
    "1": True,
    "否": False,
    "不同意": False,
    "n": False,
    "no": False,
    "false": False,
    "0": False,
}
LISTING_STATUS_LABELS = {
    ListingStatus.PENDING: "待审核",
    ListingStatus.LISTED: "已上架",
    ListingStatus.REJECTED: "未通过",
    ListingStatus.FULFILLED: "已圆梦",
    ListingStatus.WITHDRAWN: "退出",
}
WISH_STATUS_LABELS = {
    WishStatus.COLLECTED: "已收集",
    WishStatus.VERIFIED: "已审核",
    WishStatus.PUBLISHED: "已发布",
    WishStatus.CLAIMED: "已认领",
    WishStatus.DELIVERED: "已交付",
    WishStatus.CONFIRMED: "已圆梦",
    WishStatus.WITHDRAWN: "退出",
}
PROJECT_STATUS_LABELS = {
    ProjectStatus.PROPOSED: "已提出",
    ProjectStatus.MATCHED: "已对接",
    ProjectStatus.DELIVERING: "实施中",
    ProjectStatus.COMPLETED: "已结项",
    ProjectStatus.CANCELLED: "已取消",
}
CLAIM_STATUS_LABELS = {
    ClaimStatus.CLAIMED: "已认领",
    ClaimStatus.IN_PROGRESS: "进行中",
    ClaimStatus.EVIDENCE_SUBMITTED: "已提交完成情况",
    ClaimStatus.CONFIRMED: "已确认",
    ClaimStatus.RATED: "已评价",
    ClaimStatus.CANCELLED: "已取消",
    ClaimStatus.EXPIRED: "已失效",
    ClaimStatus.REVOKED: "已撤销",
}
CLAIM_TARGET_LABELS = {
    ClaimTarget.NEED: "需求",
    ClaimTarget.PROJECT: "项目",
    ClaimTarget.WISH: "微心愿",
}
PROVIDER_KIND_LABELS = {
    ProviderKind.ORGANIZATION: "社会组织",
    ProviderKind.PARTY_MEMBER: "党员",
    ProviderKind.PARTNER_UNIT: "共建单位",
    ProviderKind.VOLUNTEER_TEAM: "志愿服务队",
}

CATEGORY_SEPARATOR = "·"
_SEPARATORS = re.compile(r"[·・•‧/／\\\-—>＞|｜]+")
_CHUNK = 1000  # keys per lookup query


def _key(text: str) -> str:
    """Full-width → half-width (NFKC), no whitespace, lower case: for matching only."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _chunks(items: list):
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _add(errors: dict, field_name: str, code: str, reason: str) -> None:
    errors.setdefault(field_name, []).append(ValidationError(reason, code=code))


def _positions(headers: tuple[str, ...]):
    required = tuple(header for header in headers if header not in OPTIONAL_HEADERS)

    def positions(header: tuple | None):
        return check_headers(
            header,
            headers=headers,
            required=required,
            expected=_("The headers must be: %(expected)s (%(optional)s may be left out).")
            % {"expected": "、".join(headers), "optional": "、".join(sorted(OPTIONAL_HEADERS))},
            read_text=read_text,
            error=RowError,
        )

    return positions


need_header_positions = _positions(NEED_HEADERS)
wish_header_positions = _positions(WISH_HEADERS)


# --- Cell readers -------------------------------------------------------------------------


def read_any_date(value) -> datetime.date | None:
    """A date in the house spellings (2026-12-04, 2026/12/4, 2026年12月4日), future ones
    too: a need is needed until a day to come."""
    return read_date(value, today=datetime.date.max)


_MONEY_DECORATION = re.compile(r"[元¥￥,，\s]|人民币|RMB", re.IGNORECASE)
_MAX_MONEY = Decimal("999999999999.99")


def read_money(value) -> Decimal | None:
    """An amount in yuan: 600, 199.5, '1,200', '300元', '¥80'; two decimals at most."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        amount = None
    elif isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        text = _MONEY_DECORATION.sub("", unicodedata.normalize("NFKC", str(value)))
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = None
    if amount is None or not amount.is_finite():
        raise CellError(
            "money_invalid",
            _("%(value)s is not an amount in yuan; write it in digits, such as 199.50.")
            % {"value": str(value).strip()},
        )
    if amount < 0:
        raise CellError("money_negative", _("The amount cannot be negative."))
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError("money_precision", _("Amounts are in yuan with at most two decimals."))
    if amount > _MAX_MONEY:
        raise CellError("money_too_large", _("The amount is too large."))
    return amount.quantize(Decimal("0.01"))


def read_yes_no(value) -> bool | None:
    text = read_text(value)
    if not text:
        return None
    answer = _YES_NO.get(_key(text))
    if answer is None:
        raise CellError(
            "choice_invalid",
            _("%(value)s is not one of the allowed values: %(choices)s.")
            % {"value": text, "choices": f"{YES}、{NO}"},
        )
    return answer


def _read_phone(value) -> str:
    text = read_text(value, exact=True)
    return validate_mobile_or_phone(text) if text else ""


def _read_id_number(value) -> str:
    text = read_text(value, exact=True)
    return validate_resident_id(text).number if text else ""


def category_label(category) -> str | None:
    """父类·子类 for a child category, the name for a top one."""
    if category is None:
        return None
    if category.parent_id:
        return f"{category.parent.name}{CATEGORY_SEPARATOR}{category.name}"
    return category.name


class CategoryLookup:
    """The category tree, read once: a cell names a category by its code, its name (a
    child's name when no other child has it) or 父类·子类."""

    def __init__(self):
        categories = list(Category.objects.select_related("parent"))
        self.by_key: dict[str, Category] = {}
        self.ambiguous: dict[str, list[Category]] = {}
        child_names: dict[str, list[Category]] = {}
        for category in categories:
            self.by_key[_key(category.code)] = category
            if category.parent_id:
                self.by_key[self._path(category.parent.name, category.name)] = category
                child_names.setdefault(_key(category.name), []).append(category)
            else:
                self.by_key[_key(category.name)] = category
        for name, found in child_names.items():
            if name in self.by_key:
                continue  # a top category of that name wins
            if len(found) == 1:
                self.by_key[name] = found[0]
            else:
                self.ambiguous[name] = found

    @staticmethod
    def _path(parent: str, child: str) -> str:
        return f"{_key(parent)}{CATEGORY_SEPARATOR}{_key(child)}"

    def read(self, value) -> Category | None:
        text = read_text(value)
        if not text:
            return None
        key = _key(text)
        found = self.by_key.get(key)
        if found is None:
            parts = [part for part in _SEPARATORS.split(key) if part]
            if len(parts) == 2:
                found = self.by_key.get(self._path(*parts))
        if found is not None:
            return found
        if key in self.ambiguous:
            raise CellError(
                "ambiguous_category",
                _("Several categories are named %(value)s; write one of: %(choices)s.")
                % {
                    "value": text,
                    "choices": "、".join(category_label(c) for c in self.ambiguous[key]),
                },
            )
        raise CellError(
            "unknown_category",
            _(
                "There is no service category %(value)s; write its name (such as 养老服务 or "
                "养老服务·助餐) or its code."
            )
            % {"value": text},
        )


# --- The importing resources --------------------------------------------------------------


class ExistingRowsLoader(BaseInstanceLoader):
    """Imports only create (no row updates a record); this loader reads once, per 1,000
    titles, the records of the importer's communities that the file's titles name, so a
    row repeating one on record (a file exported and imported again) is refused."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        titles = sorted(
            {text for cell in dataset[resource.title_header] if (text := _lenient_text(cell))}
            if dataset
            else ()
        )
        self.existing = set()
        for chunk in _chunks(titles):
            found = resource._meta.model.objects.filter(
                community__in=resource.allowed_ids, title__in=chunk
            )
            self.existing.update(found.values_list(*resource.duplicate_key_fields))
        resource.loader = self

    def get_instance(self, row):
        return None


def _lenient_text(cell) -> str:
    try:
        return read_text(cell)
    except CellError:
        return ""


class MarketplaceImportResource(ExcelModelResource):
    """What the need and wish imports share: ``street`` is where the rows go, ``actor``
    the importer (the services need one: they record who collected each row); a row may
    name only a community the actor may manage."""

    title_header: str
    duplicate_key_fields: tuple[str, ...]
    model_fields: tuple[str, ...]

    def __init__(self, *, street=None, **kwargs):
        super().__init__(**kwargs)
        self.street = street
        self.loader = None
        self._seen: dict[tuple, int] = {}
        self.communities: dict[str, Community] = {}
        self.allowed_ids: set[int] = set()
        if street is not None:
            for community in Community.objects.filter(street=street).select_related("street"):
                self.communities[_key(community.name)] = community
                if self.actor is not None and can_manage_community(self.actor, community):
                    self.allowed_ids.add(community.pk)
        self._categories = None
        self.fields["community"].widget = CellWidget(
            self._read_community, required=True, render=lambda c: c.name if c else None
        )
        self.fields["category"].widget = CellWidget(
            self._read_category, required=True, render=category_label
        )

    def _read_category(self, value):
        if self._categories is None:
            self._categories = CategoryLookup()
        return self._categories.read(value)

    def _read_community(self, value):
        name = read_text(value)
        if not name:
            return None
        community = self.communities.get(_key(name))
        if community is not None and community.pk in self.allowed_ids:
            return community
        if community is not None:
            # Named, but not the importer's: say so without telling anything about it.
            raise CellError(
                "community_not_yours",
                _("You may not add needs or wishes to %(value)s.") % {"value": name},
            )
        yours = [c.name for c in self.communities.values() if c.pk in self.allowed_ids]
        raise CellError(
            "unknown_community",
            _("%(value)s is not a community you work for; yours: %(names)s.")
            % {"value": name, "names": "、".join(yours) or "-"},
        )

    def get_instance(self, instance_loader, row):
        return None

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        instance._excel_row = row

    def check_row(self, instance, errors):
        self.check_fields(instance, errors)
        key_fields = self.duplicate_key_fields
        if not any(name.removesuffix("_id") in errors for name in key_fields):
            key = tuple(getattr(instance, name) for name in key_fields)
            line = instance._excel_line
            first = self._seen.setdefault(key, line)
            if first != line:
                _add(
                    errors,
                    "title",
                    "duplicate_row",
                    _("Line %(other)d is the same row; each once, please.") % {"other": first},
                )
            elif self.loader is not None and key in self.loader.existing:
                _add(errors, "title", "already_on_record", self.already_on_record())
        if not errors:
            self._check_model_rules(instance, errors)

    def check_fields(self, instance, errors) -> None:
        """The row's own rules, beyond each cell."""

    def already_on_record(self) -> str:
        raise NotImplementedError

    def _check_model_rules(self, instance, errors) -> None:
        in_file = set(self.model_fields)
        exclude = [f.name for f in self._meta.model._meta.concrete_fields if f.name not in in_file]
        # The community and category came from the street's and the tree's own lists.
        exclude += ["community", "category"]
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as exc:
            for field_name, found in exc.error_dict.items():
                errors.setdefault(field_name, []).extend(found)

    def values_of(self, instance) -> dict:
        return {name: getattr(instance, name) for name in self.model_fields if name != "community"}

    def write_one(self, instance) -> None:
        raise NotImplementedError

    def write_creates(self, instances):
        # One service call per row, in the import's transaction (all rows or none); a
        # refusal names its line. The savepoint keeps PostgreSQL's transaction usable
        # after a refused write until the library rolls it all back.
        with writes_refused_as(
            RowError,
            _("The database refused the rows; nothing was written. Import the file again."),
        ):
            for instance in instances:
                try:
                    self.write_one(instance)
                except ActionRefused as exc:
                    raise WriteFailed(
                        RowError(instance._excel_line, "", "refused", exc.message)
                    ) from exc
                except ValidationError as exc:
                    raise WriteFailed(
                        RowError(instance._excel_line, "", "invalid", " ".join(exc.messages))
                    ) from exc

    def write_updates(self, instances):
        # Imports never update; ``get_instance`` finds no record for any row.
        raise WriteFailed(RowError(None, "", "refused", _("This import only adds new rows.")))

    def dehydrate_status(self, instance):
        return self.status_labels.get(instance.status, instance.status)


def _text(model, name: str, **kwargs) -> TextWidget:
    return TextWidget(max_length=model._meta.get_field(name).max_length, **kwargs)


class NeedResource(MarketplaceImportResource):
    """The needs list's .xlsx columns (需求清单)."""

    headers = NEED_HEADERS
    title_header = TITLE
    duplicate_key_fields = ("community_id", "title", "category_id", "window_start", "window_end")
    model_fields = NEED_FIELDS
    status_labels = LISTING_STATUS_LABELS

    title = Field(attribute="title", column_name=TITLE, widget=_text(Need, "title", required=True))
    community = Field(attribute="community", column_name=COMMUNITY, widget=CellWidget(read_text))
    grid = Field(attribute="grid", column_name=GRID, widget=_text(Need, "grid"))
    category = Field(attribute="category", column_name=CATEGORY, widget=CellWidget(read_text))
    nature = Field(
        attribute="nature",
        column_name=NATURE,
        widget=ChoiceWidget(NATURE_LABELS, default=NeedNature.SERVICE),
    )
    target_group = Field(
        attribute="target_group",
        column_name=TARGET_GROUP,
        widget=ChoiceWidget(TARGET_GROUP_LABELS, _TARGET_GROUP_ALIASES, required=True),
    )
    quantity = Field(attribute="quantity", column_name=QUANTITY, widget=CountWidget(default=1))
    window_start = Field(
        attribute="window_start",
        column_name=WINDOW_START,
        widget=CellWidget(read_any_date, required=True),
    )
    window_end = Field(
        attribute="window_end",
        column_name=WINDOW_END,
        widget=CellWidget(read_any_date, required=True),
    )
    place = Field(attribute="place", column_name=PLACE, widget=_text(Need, "place"))
    description = Field(
        attribute="description", column_name=DESCRIPTION, widget=TextWidget(required=True)
    )
    estimated_value = Field(
        attribute="estimated_value",
        column_name=ESTIMATED_VALUE,
        widget=CellWidget(read_money, default=Decimal("0.00")),
    )
    source = Field(
        attribute="source",
        column_name=SOURCE,
        widget=ChoiceWidget(SOURCE_LABELS, _SOURCE_ALIASES, required=True),
    )
    max_claims = Field(
        attribute="max_claims", column_name=MAX_CLAIMS, widget=CountWidget(default=1)
    )
    status = Field(column_name=STATUS, widget=CellWidget(read_text))

    class Meta(ExcelModelResource.Meta):
        model = Need
        fields = (*NEED_FIELDS, "status")
        import_order = export_order = fields
        instance_loader_class = ExistingRowsLoader

    def check_fields(self, instance, errors):
        dates_read = not {"window_start", "window_end"} & set(errors)
        if dates_read and instance.window_end < instance.window_start:
            _add(errors, "window_end", "window_order", _("The need cannot end before it starts."))
        for name in ("quantity", "max_claims"):
            if name not in errors and getattr(instance, name) < 1:
                _add(errors, name, "at_least_one", _("Write 1 or more."))

    def already_on_record(self) -> str:
        return _(
            "This need is already on record (same community, title, category and dates): the "
            "file may be an export. Import only needs not yet on record."
        )

    def write_one(self, need):
        need_create(community=need.community, actor=self.actor, **self.values_of(need))


class WishResource(MarketplaceImportResource):
    """The micro-wishes' .xlsx columns (微心愿), with the beneficiary's.

    ``viewer`` (export) decides the beneficiary's columns: present only when the viewer may
    see beneficiaries at all, filled only on the rows of wishes they may see it for."""

    headers = WISH_HEADERS
    title_header = WISH_TITLE
    duplicate_key_fields = ("community_id", "alias", "title", "collected_on")
    model_fields = WISH_FIELDS
    status_labels = WISH_STATUS_LABELS

    alias = Field(attribute="alias", column_name=ALIAS, widget=_text(Wish, "alias", required=True))
    age_band = Field(
        attribute="age_band",
        column_name=AGE_BAND,
        widget=ChoiceWidget(AGE_BAND_LABELS, _AGE_BAND_ALIASES, required=True),
    )
    target_group = Field(
        attribute="target_group",
        column_name=TARGET_GROUP,
        widget=ChoiceWidget(TARGET_GROUP_LABELS, _TARGET_GROUP_ALIASES, required=True),
    )
    community = Field(attribute="community", column_name=COMMUNITY, widget=CellWidget(read_text))
    category = Field(attribute="category", column_name=CATEGORY, widget=CellWidget(read_text))
    title = Field(
        attribute="title", column_name=WISH_TITLE, widget=_text(Wish, "title", required=True)
    )
    description = Field(attribute="description", column_name=WISH_DESCRIPTION, widget=TextWidget())
    value = Field(attribute="value", column_name=VALUE, widget=CellWidget(read_money))
    collected_on = Field(attribute="collected_on", column_name=COLLECTED_ON, widget=DateWidget())
    # The person: kept on the unsaved wish under these names, then handed to wish_create.
    person_name = Field(
        attribute="person_name",
        column_name=PERSON_NAME,
        widget=_text(WishBeneficiary, "name", required=True),
    )
    person_phone = Field(
        attribute="person_phone", column_name=PERSON_PHONE, widget=CellWidget(_read_phone)
    )
    person_address = Field(
        attribute="person_address",
        column_name=PERSON_ADDRESS,
        widget=_text(WishBeneficiary, "address"),
    )
    person_id_number = Field(
        attribute="person_id_number",
        column_name=PERSON_ID_NUMBER,
        widget=CellWidget(_read_id_number),
    )
    person_handover_contact = Field(
        attribute="person_handover_contact",
        column_name=HANDOVER_CONTACT,
        widget=_text(WishBeneficiary, "handover_contact", required=True),
    )
    person_photo_consent = Field(
        attribute="person_photo_consent",
        column_name=PHOTO_CONSENT,
        widget=CellWidget(read_yes_no, default=False, render=lambda v: YES if v else NO),
    )
    status = Field(column_name=STATUS, widget=CellWidget(read_text))

    PERSON_FIELDS = (
        "person_name",
        "person_phone",
        "person_address",
        "person_id_number",
        "person_handover_contact",
        "person_photo_consent",
    )

    class Meta(ExcelModelResource.Meta):
        model = Wish
        fields = (
            *WISH_FIELDS,
            "person_name",
            "person_phone",
            "person_address",
            "person_id_number",
            "person_handover_contact",
            "person_photo_consent",
            "status",
        )
        import_order = export_order = fields
        instance_loader_class = ExistingRowsLoader

    def __init__(self, *, viewer=None, **kwargs):
        super().__init__(**kwargs)
        self.viewer = viewer
        self.shows_person = may_see_any_beneficiary(viewer)

    def check_fields(self, instance, errors):
        if "value" not in errors:
            if instance.value is None:
                _add(errors, "value", "required", _("This column must be filled in."))
            else:
                try:
                    check_wish_value(instance.value)
                except ActionRefused as exc:
                    _add(errors, "value", "over_cap", exc.message)
        if "collected_on" not in errors and instance.collected_on is None:
            instance.collected_on = timezone.localdate()

    def already_on_record(self) -> str:
        return _(
            "This wish is already on record (same community, alias, wish and collection "
            "date): the file may be an export. Import only wishes not yet on record."
        )

    def write_one(self, wish):
        beneficiary = {key: getattr(wish, f"person_{key}") for _header, key in PERSON_COLUMNS}
        wish_create(
            community=wish.community,
            actor=self.actor,
            beneficiary=beneficiary,
            **self.values_of(wish),
        )

    # --- Export -------------------------------------------------------------------------

    def get_export_fields(self, selected_fields=None):
        fields = super().get_export_fields(selected_fields)
        if self.shows_person:
            return fields
        hidden = {self.fields[name] for name in self.PERSON_FIELDS}
        return [field for field in fields if field not in hidden]

    def _person(self, wish):
        if not can_see_beneficiary(self.viewer, wish):
            return None
        try:
            return wish.beneficiary
        except WishBeneficiary.DoesNotExist:
            return None

    def dehydrate_person_name(self, wish):
        return getattr(self._person(wish), "name", None)

    def dehydrate_person_phone(self, wish):
        return getattr(self._person(wish), "phone", None)

    def dehydrate_person_address(self, wish):
        return getattr(self._person(wish), "address", None)

    def dehydrate_person_id_number(self, wish):
        return getattr(self._person(wish), "id_number", None)

    def dehydrate_person_handover_contact(self, wish):
        return getattr(self._person(wish), "handover_contact", None)

    def dehydrate_person_photo_consent(self, wish):
        person = self._person(wish)
        if person is None:
            return None
        return YES if person.photo_consent else NO


def may_see_any_beneficiary(user) -> bool:
    """Community staff tied to a community (``can_see_beneficiary`` then decides per wish)."""
    return bool(
        user is not None
        and getattr(user, "community_id", None)
        and has_role(user, [Role.COMMUNITY_STAFF])
    )


# --- Export-only lists --------------------------------------------------------------------

# The values as they are (text, numbers, dates), not the library's strings.
_AS_IS = CellWidget(lambda value: value)


def _labels(labels: dict):
    return CellWidget(lambda value: value, render=lambda value: labels.get(value, value))


def _day(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


class ExportResource(ModelResource):
    """An export-only list: read in chunks (prefetches per chunk), no query per row."""

    class Meta:
        abstract = True

    def iter_queryset(self, queryset):
        yield from queryset.iterator(chunk_size=2000)


RESOURCE_HEADERS = (
    "资源名称",
    "提供方类型",
    "提供方",
    "服务类别",
    "技能",
    "服务对象",
    "每月次数",
    "服务社区",
    "服务时段",
    "资源描述",
    STATUS,
)


class ResourceListResource(ExportResource):
    """资源清单."""

    title = Field(attribute="title", column_name=RESOURCE_HEADERS[0], widget=_AS_IS)
    provider_kind = Field(
        attribute="provider_kind",
        column_name=RESOURCE_HEADERS[1],
        widget=_labels(PROVIDER_KIND_LABELS),
    )
    provider = Field(column_name=RESOURCE_HEADERS[2])
    category = Field(column_name=RESOURCE_HEADERS[3])
    skills = Field(attribute="skills", column_name=RESOURCE_HEADERS[4], widget=_AS_IS)
    target_groups = Field(column_name=RESOURCE_HEADERS[5])
    capacity_per_month = Field(
        attribute="capacity_per_month", column_name=RESOURCE_HEADERS[6], widget=_AS_IS
    )
    served = Field(column_name=RESOURCE_HEADERS[7])
    time_slots = Field(attribute="time_slots", column_name=RESOURCE_HEADERS[8], widget=_AS_IS)
    description = Field(attribute="description", column_name=RESOURCE_HEADERS[9], widget=_AS_IS)
    status = Field(attribute="status", column_name=STATUS, widget=_labels(LISTING_STATUS_LABELS))

    class Meta:
        model = Resource
        fields = (
            "title",
            "provider_kind",
            "provider",
            "category",
            "skills",
            "target_groups",
            "capacity_per_month",
            "served",
            "time_slots",
            "description",
            "status",
        )
        export_order = fields

    @staticmethod
    def prepare(queryset):
        return queryset.select_related(
            "category__parent", "organization", "party_member", "partner_unit"
        ).prefetch_related("communities")

    def dehydrate_provider(self, resource):
        return resource.provider_name

    def dehydrate_category(self, resource):
        return category_label(resource.category)

    def dehydrate_target_groups(self, resource):
        codes = [code.strip() for code in resource.target_groups.split(",") if code.strip()]
        if not codes:
            return TARGET_GROUP_LABELS[TargetGroup.RESIDENTS]
        return "、".join(TARGET_GROUP_LABELS.get(code, code) for code in codes)

    def dehydrate_served(self, resource):
        names = sorted(c.name for c in resource.communities.all())
        return "、".join(names) if names else "全街道"


PROJECT_HEADERS = (
    "项目名称",
    COMMUNITY,
    CATEGORY,
    STATUS,
    "预算（元）",
    "已筹社会资金（元）",
    "受益人数",
    "开始日期",
    "结束日期",
    MAX_CLAIMS,
    "对接日期",
)


class ProjectResource(ExportResource):
    """项目清单, with each project's social funds: the sum of its ledger lines
    (``funds_total``, annotated by ``prepare``)."""

    title = Field(attribute="title", column_name=PROJECT_HEADERS[0], widget=_AS_IS)
    community = Field(attribute="community__name", column_name=COMMUNITY, widget=_AS_IS)
    category = Field(column_name=CATEGORY)
    status = Field(attribute="status", column_name=STATUS, widget=_labels(PROJECT_STATUS_LABELS))
    budget = Field(attribute="budget", column_name=PROJECT_HEADERS[4], widget=_AS_IS)
    funds_total = Field(column_name=PROJECT_HEADERS[5])
    beneficiaries = Field(attribute="beneficiaries", column_name=PROJECT_HEADERS[6], widget=_AS_IS)
    starts_on = Field(attribute="starts_on", column_name=PROJECT_HEADERS[7], widget=_AS_IS)
    ends_on = Field(attribute="ends_on", column_name=PROJECT_HEADERS[8], widget=_AS_IS)
    max_claims = Field(attribute="max_claims", column_name=MAX_CLAIMS, widget=_AS_IS)
    matched_on = Field(column_name=PROJECT_HEADERS[10])

    class Meta:
        model = Project
        fields = (
            "title",
            "community",
            "category",
            "status",
            "budget",
            "funds_total",
            "beneficiaries",
            "starts_on",
            "ends_on",
            "max_claims",
            "matched_on",
        )
        export_order = fields

    @staticmethod
    def prepare(queryset):
        from django.db.models import DecimalField, OuterRef, Subquery, Sum
        from django.db.models.functions import Coalesce

        from marketplace.models import FundCommitment

        ledger = (
            FundCommitment.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        money = DecimalField(max_digits=16, decimal_places=2)
        return queryset.select_related("community", "category__parent").annotate(
            funds_total=Coalesce(
                Subquery(ledger, output_field=money), Decimal("0"), output_field=money
            )
        )

    def dehydrate_category(self, project):
        return category_label(project.category)

    def dehydrate_funds_total(self, project):
        return Decimal(project.funds_total).quantize(Decimal("0.01"))

    def dehydrate_matched_on(self, project):
        return _day(project.matched_at)


CLAIM_HEADERS = (
    "认领类型",
    "认领事项",
    COMMUNITY,
    "认领方",
    STATUS,
    "认领日期",
    "完成期限",
    "确认日期",
    "评分",
)


class ClaimResource(ExportResource):
    """认领记录."""

    target = Field(
        attribute="target", column_name=CLAIM_HEADERS[0], widget=_labels(CLAIM_TARGET_LABELS)
    )
    item = Field(column_name=CLAIM_HEADERS[1])
    community = Field(attribute="community__name", column_name=COMMUNITY, widget=_AS_IS)
    claimant = Field(column_name=CLAIM_HEADERS[3])
    status = Field(attribute="status", column_name=STATUS, widget=_labels(CLAIM_STATUS_LABELS))
    claimed_on = Field(column_name=CLAIM_HEADERS[5])
    deadline = Field(attribute="deadline", column_name=CLAIM_HEADERS[6], widget=_AS_IS)
    confirmed_on = Field(column_name=CLAIM_HEADERS[7])
    rating = Field(attribute="rating", column_name=CLAIM_HEADERS[8], widget=_AS_IS)

    class Meta:
        model = Claim
        fields = (
            "target",
            "item",
            "community",
            "claimant",
            "status",
            "claimed_on",
            "deadline",
            "confirmed_on",
            "rating",
        )
        export_order = fields

    @staticmethod
    def prepare(queryset):
        return queryset.select_related(
            "need", "project", "wish", "community", "organization", "party_member"
        )

    def dehydrate_item(self, claim):
        item = claim.need or claim.project or claim.wish
        return item.title if item is not None else None

    def dehydrate_claimant(self, claim):
        claimant = claim.organization or claim.party_member
        return claimant.name if claimant is not None else None

    def dehydrate_claimed_on(self, claim):
        return _day(claim.created_at)

    def dehydrate_confirmed_on(self, claim):
        return _day(claim.confirmed_at)


__all__ = [
    "ClaimResource",
    "NeedResource",
    "ProjectResource",
    "ResourceListResource",
    "WishResource",
]
