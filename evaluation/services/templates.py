"""Indicator templates: the default 1000-point template, new versions, freezing."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.decisions import refuse_unless
from core.errors import ActionRefused
from evaluation.choices import IndicatorScope
from evaluation.models import Indicator, IndicatorTemplate

DEFAULT_TEMPLATE_NAME = "社会组织等级评估指标"

# (code, name, scope, party, [(code, name, max, party, guidance)]) — 1000 points for every
# organization: registered 民非 take D3B in place of D3.
DEFAULT_TREE = [
    (
        "D1",
        "基础条件",
        IndicatorScope.ALL,
        [
            ("D1.1", "法人资格与登记备案", 50, False, "登记或备案事项、章程、年检情况"),
            ("D1.2", "办公场所与设施", 50, False, "固定场所、必要设施"),
            ("D1.3", "人员与财务基础", 50, False, "专职人员、财务制度"),
        ],
    ),
    (
        "D2",
        "内部治理",
        IndicatorScope.ALL,
        [
            ("D2.1", "党组织建设", 80, True, "党组织覆盖、组织生活、党建入章程"),
            ("D2.2", "组织机构与民主决策", 70, False, "理事会、监事会、换届"),
            ("D2.3", "财务与资产管理", 60, False, "收支、审计、信息公开"),
            ("D2.4", "档案与证章管理", 40, False, "档案完整、证章规范"),
        ],
    ),
    (
        "D3",
        "工作绩效",
        IndicatorScope.NOT_PNE,
        [
            ("D3.1", "项目承接", 120, False, "政府购买服务、公益创投项目"),
            ("D3.2", "服务活动开展", 120, False, "活动数量、覆盖人群"),
            ("D3.3", "社区治理参与", 100, False, "议事协商、志愿服务"),
            ("D3.4", "品牌与创新", 60, False, "品牌项目、创新做法"),
        ],
    ),
    (
        "D3B",
        "业务活动和诚信建设",
        IndicatorScope.PNE_ONLY,
        [
            ("D3B.1", "业务活动开展", 150, False, "章程规定业务、服务质量"),
            ("D3B.2", "项目承接", 100, False, "政府购买服务、公益创投项目"),
            ("D3B.3", "诚信建设与信息公开", 100, False, "诚信承诺、信息公开、收费规范"),
            ("D3B.4", "社会责任", 50, False, "公益活动、志愿服务"),
        ],
    ),
    (
        "D4",
        "社会评价",
        IndicatorScope.ALL,
        [
            ("D4.1", "居民满意度", 100, False, "服务对象、居民满意度测评"),
            ("D4.2", "社区与部门评价", 60, False, "社区、职能科室评价"),
            ("D4.3", "荣誉与媒体报道", 40, False, "表彰、报道"),
        ],
    ),
]


@transaction.atomic
def template_seed_default(*, street, actor=None) -> IndicatorTemplate:
    """The default template (version 1) of a street, created once."""
    existing = IndicatorTemplate.objects.filter(street=street, name=DEFAULT_TEMPLATE_NAME)
    template = existing.order_by("-version").first()
    if template is not None:
        return template
    template = IndicatorTemplate.objects.create(street=street, name=DEFAULT_TEMPLATE_NAME)
    position = 0
    for code, name, scope, items in DEFAULT_TREE:
        position += 1
        dimension = Indicator.objects.create(
            template=template,
            code=code,
            name=name,
            scope=scope,
            position=position,
            max_points=Decimal(sum(item[2] for item in items)),
        )
        for item_code, item_name, points, party, guidance in items:
            position += 1
            Indicator.objects.create(
                template=template,
                parent=dimension,
                code=item_code,
                name=item_name,
                scope=scope,
                position=position,
                max_points=Decimal(points),
                is_party_section=party,
                guidance=guidance,
            )
    return template


@transaction.atomic
def template_save(*, template: IndicatorTemplate, actor) -> IndicatorTemplate:
    """Create a template in the actor's street or save its changed name (the admin's
    form). A frozen template is used by a cycle and stays as it is."""
    from evaluation.permissions import can_run_evaluation

    refuse_unless(can_run_evaluation(actor))
    if template.pk is None:
        if not actor.street_id:
            raise ActionRefused(_("Only street staff may do this."))
        template.street_id = actor.street_id
    elif IndicatorTemplate.objects.filter(pk=template.pk, frozen=True).exists():
        raise ActionRefused(
            _("The template “%(name)s” is frozen: a cycle uses it. Make a new version instead.")
            % {"name": template.name}
        )
    template.full_clean()
    template.save()
    return template


def template_new_version(*, template: IndicatorTemplate, actor) -> IndicatorTemplate:
    """Copy a template into the next version (editable); the old one stays with its
    cycles."""
    from evaluation.permissions import can_run_evaluation

    if actor is not None:
        refuse_unless(can_run_evaluation(actor))
    latest = (
        IndicatorTemplate.objects.filter(street=template.street, name=template.name)
        .order_by("-version")
        .first()
    )
    copy = IndicatorTemplate.objects.create(
        street=template.street, name=template.name, version=latest.version + 1, previous=template
    )
    mapping: dict[int | None, int] = {}
    # Dimensions first, then items (their parents must exist in the copy).
    for level in (True, False):
        for indicator in template.indicators.filter(parent__isnull=level).order_by("position"):
            old_pk = indicator.pk
            indicator.pk = None
            indicator.template = copy
            indicator.parent_id = mapping.get(indicator.parent_id)
            indicator.save()
            mapping[old_pk] = indicator.pk
    return copy


def template_freeze(template: IndicatorTemplate) -> None:
    if not template.frozen:
        IndicatorTemplate.objects.filter(pk=template.pk).update(frozen=True)
        template.frozen = True


def template_sync_dimension_points(template: IndicatorTemplate) -> None:
    """A dimension's maximum is the sum of its items (after staff edit items)."""
    for dimension in template.indicators.filter(parent__isnull=True):
        total = sum((c.max_points for c in dimension.children.all()), Decimal(0))
        if dimension.max_points != total:
            Indicator.objects.filter(pk=dimension.pk).update(max_points=total)
