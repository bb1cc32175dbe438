"""Every form, shown with saved values and sent back untouched, changes nothing (issue 14).

The grant application showed its saved dates as ``2027/03/01`` in ``<input type=date>``:
the browser showed the fields empty and sent nothing, so saving an untouched draft wiped
the project period. Here each form class of the project is rendered with saved values
(an instance built by the factories, or initial data), its HTML is read the way a browser
builds the request (an ``<input type=date>`` or ``<input type=number>`` whose value the
browser would not accept is sent empty; a form the browser would refuse to send fails),
and the form bound to that data must be valid with nothing in ``changed_data``.

A new form class fails ``test_it_knows_how_to_build_every_form`` until it is registered
in ``BUILDERS`` below."""

from __future__ import annotations

import datetime
import importlib
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone, translation

from tests.factories import UserFactory

# --- What a browser sends ----------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FLOAT = re.compile(r"^-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?$")
_SKIPPED_TYPES = {"submit", "button", "reset", "image", "file"}


def _sanitize(kind: str, value: str) -> str:
    """The HTML value sanitization algorithm for the input types the portal uses."""
    if kind == "date":
        if not _ISO_DATE.match(value):
            return ""
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return ""
        return value
    if kind == "number":
        return value if _FLOAT.match(value) else ""
    if kind in {"text", "search", "tel", "password", "email", "url", "hidden"}:
        value = value.replace("\r", "").replace("\n", "")
        return value if kind == "hidden" else value.strip() if kind == "email" else value
    return value


class BrowserForm(HTMLParser):
    """Reads inputs, selects and textareas as the browser would submit them, and the
    reasons the browser would refuse to submit (``refusals``)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []
        self.refusals: list[str] = []
        self._select = None
        self._option = None
        self._textarea = None

    def _check(self, name, kind, value, attrs):
        if "required" in attrs and value == "":
            self.refusals.append(f"{name}: required but empty")
        if kind in {"number", "date"} and value != "":
            parse = Decimal if kind == "number" else datetime.date.fromisoformat
            current = parse(value)
            for bound, wrong in (("min", lambda b: current < b), ("max", lambda b: current > b)):
                raw = attrs.get(bound)
                if raw and wrong(parse(raw)):
                    self.refusals.append(f"{name}: {value} outside {bound}={raw}")
            step = attrs.get("step")
            if kind == "number" and step and step != "any":
                base = Decimal(attrs.get("min") or "0")
                if (current - base) % Decimal(step) != 0:
                    self.refusals.append(f"{name}: {value} does not fit step={step}")

    def handle_starttag(self, tag, attrs_list):
        attrs = {k: ("" if v is None else v) for k, v in attrs_list}
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text").lower()
            if kind in _SKIPPED_TYPES:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.pairs.append((name, attrs.get("value", "on")))
                elif "required" in attrs and kind == "checkbox":
                    self.refusals.append(f"{name}: required checkbox unchecked")
                return
            value = _sanitize(kind, attrs.get("value", ""))
            self._check(name, kind, value, attrs)
            self.pairs.append((name, value))
        elif tag == "select" and name and "disabled" not in attrs:
            self._select = {"name": name, "attrs": attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"attrs": attrs, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea" and name and "disabled" not in attrs:
            self._textarea = {"name": name, "attrs": attrs, "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            options = [o for o in select["options"] if "disabled" not in o["attrs"]]
            chosen = [o for o in options if "selected" in o["attrs"]]
            if "multiple" not in select["attrs"]:
                # No option marked: the browser sends the first one.
                chosen = chosen[-1:] or options[:1]
            for option in chosen:
                value = option["attrs"].get("value", option["text"].strip())
                self.pairs.append((select["name"], value))
            if "required" in select["attrs"] and not any(
                option["attrs"].get("value", option["text"].strip()) for option in chosen
            ):
                self.refusals.append(f"{select['name']}: required but nothing chosen")
        elif tag == "textarea" and self._textarea is not None:
            area, self._textarea = self._textarea, None
            # The parser drops one newline right after <textarea>; browsers send CRLF.
            text = area["text"][1:] if area["text"].startswith("\n") else area["text"]
            self._check(area["name"], "textarea", text, area["attrs"])
            self.pairs.append((area["name"], text.replace("\r\n", "\n").replace("\n", "\r\n")))


def browser_data(html: str):
    """The POST data a browser would send for this HTML, as a QueryDict-like dict."""
    from django.utils.datastructures import MultiValueDict

    parser = BrowserForm()
    parser.feed(html)
    parser.close()
    data = MultiValueDict()
    for name, value in parser.pairs:
        data.appendlist(name, value)
    return data, parser.refusals


# --- How to build each form with saved values ---------------------------------------------

TODAY = timezone.localdate()
PERIOD_START = datetime.date(2027, 3, 1)
PERIOD_END = datetime.date(2027, 11, 30)


def _pdf():
    return SimpleUploadedFile(
        "说明.pdf", b"%PDF-1.4\n% roundtrip\n", content_type="application/pdf"
    )


def _xlsx():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return SimpleUploadedFile("导入.xlsx", buffer.getvalue())


def _picked(data, make_file):
    """The file the person picks before sending (none while the form is only shown)."""
    return None if data is None else {"file": make_file()}


def _superuser_request():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(username="roundtrip-root", is_superuser=True, is_staff=True)
    return request


def _admin_form(model, obj):
    """The form exactly as the admin change page builds it (admin widgets included)."""
    request = _superuser_request()
    model_admin = admin.site._registry[model]
    form_class = model_admin.get_form(request, obj, change=True)
    return lambda data=None, files=None: form_class(data, files, instance=obj)


def _grant_draft(t):
    from tests.funding.factories import make_call, make_draft, make_eligible, refresh

    call = make_call(t)
    org = make_eligible(t.org)
    app = make_draft(call, org, t.leader)
    # The saved period of the bug report, with a non-round amount.
    from funding.models import Application

    Application.objects.filter(pk=app.pk).update(
        starts_on=PERIOD_START, ends_on=PERIOD_END, requested_amount=Decimal("19999.50")
    )
    return call, refresh(app)


def _review(t):
    from evaluation.selectors import applicable_items
    from evaluation.services.reviews import review_start
    from tests.evaluation.helpers import fill, make_cycle, make_org

    cycle = make_cycle(
        t.street,
        year=TODAY.year,
        opens_on=TODAY - datetime.timedelta(days=5),
        deadline=TODAY + datetime.timedelta(days=20),
    )
    org = make_org(t, leader=t.leader, name="往返测试服务社")
    review = review_start(cycle=cycle, organization=org, actor=t.leader)
    review = fill(review, t.leader, ratio=Decimal("0.75"))
    return review, applicable_items(review)


def b_application(t):
    from funding.forms import ApplicationForm
    from funding.models import Application

    _call, app = _grant_draft(t)
    return lambda data=None, files=None: ApplicationForm(
        data, files, instance=Application.objects.get(pk=app.pk), street=t.street
    )


def b_budget_line(t):
    from funding.forms import BudgetLineForm

    initial = {"item": "活动物料", "amount": Decimal("1234.50"), "note": "两期"}
    return lambda data=None, files=None: BudgetLineForm(data, files, initial=initial)


def b_funding_attachment(t):
    from funding.forms import AttachmentForm

    # Nothing saved is shown: the person picks a file.
    return lambda data=None, files=None: AttachmentForm(data, _picked(data, _pdf))


def b_funding_report(t):
    from funding.forms import ReportForm

    initial = {"content": "完成探访40次。\n第二行", "spent_amount": Decimal("12345.60")}
    return lambda data=None, files=None: ReportForm(data, files, initial=initial)


def b_funding_score(t):
    from funding.forms import ScoreForm

    call, _app = _grant_draft(t)
    criteria = list(call.criteria.all())
    scores = {c.pk: Decimal("87.25") for c in criteria}
    return lambda data=None, files=None: ScoreForm(
        data, files, criteria=criteria, initial_scores=scores
    )


def b_funding_conflict(t):
    from funding.forms import ConflictForm

    initial = {"organization": t.other_org.pk, "reason": "曾任理事"}
    return lambda data=None, files=None: ConflictForm(
        data, files, organizations=[t.org, t.other_org], initial=initial
    )


def b_decision(t):
    from funding.forms import DecisionForm

    initial = {"amount": Decimal("18000.00"), "message": "同意资助。"}
    return lambda data=None, files=None: DecisionForm(data, files, initial=initial)


def b_agreement(t):
    from funding.forms import AgreementForm

    initial = {"signed_on": PERIOD_START}
    return lambda data=None, files=None: AgreementForm(data, files, initial=initial)


def b_acceptance(t):
    from funding.choices import AcceptanceResult
    from funding.forms import AcceptanceForm

    initial = {"result": AcceptanceResult.values[-1]}
    return lambda data=None, files=None: AcceptanceForm(data, files, initial=initial)


def b_termination(t):
    from funding.forms import TerminationForm

    initial = {"reason": "项目停止。"}
    return lambda data=None, files=None: TerminationForm(data, files, initial=initial)


def b_payment(t):
    from funding.forms import PaymentForm

    initial = {"paid_on": PERIOD_END, "reference": "ZF-2027-001"}
    return lambda data=None, files=None: PaymentForm(data, files, initial=initial)


def b_review(t):
    from evaluation.forms import ReviewForm
    from evaluation.models import Review

    review, items = _review(t)
    return lambda data=None, files=None: ReviewForm(
        data, files, instance=Review.objects.get(pk=review.pk), items=items
    )


def b_review_attachment(t):
    from evaluation.forms import AttachmentForm

    return lambda data=None, files=None: AttachmentForm(data, _picked(data, _pdf))


def b_review_score(t):
    from evaluation.forms import ScoreForm

    _review_obj, items = _review(t)
    scores = {
        # As stored: two decimal places.
        item.pk: SimpleNamespace(
            points=(item.max_points * Decimal("0.55")).quantize(Decimal("0.01")), comment="较好"
        )
        for item in items
    }
    initial = {"comment": "整体良好。"}
    return lambda data=None, files=None: ScoreForm(
        data, files, items=items, scores=scores, initial=initial
    )


def b_review_conflict(t):
    from evaluation.forms import ConflictForm
    from incubation.models import Organization

    initial = {"organization": t.org.pk, "identifier": "", "reason": "亲属任职"}
    return lambda data=None, files=None: ConflictForm(
        data,
        files,
        organizations=Organization.objects.filter(community__street=t.street),
        initial=initial,
    )


def b_review_return(t):
    from evaluation.forms import ReturnForm

    initial = {"comment": "请补充财务数据。"}
    return lambda data=None, files=None: ReturnForm(data, files, initial=initial)


def b_extension(t):
    from evaluation.forms import ExtensionForm

    initial = {"until": PERIOD_START, "reason": "疫情"}
    return lambda data=None, files=None: ExtensionForm(data, files, initial=initial)


def b_assign(t):
    from accounts.models import User
    from evaluation.choices import EvaluatorGroup
    from evaluation.forms import AssignForm

    initial = {"evaluator": t.evaluator.pk, "group": EvaluatorGroup.values[-1]}
    return lambda data=None, files=None: AssignForm(
        data, files, evaluators=User.objects.filter(pk=t.evaluator.pk), initial=initial
    )


def b_cycle_admin(t):
    from evaluation.models import Cycle

    review, _items = _review(t)
    return _admin_form(Cycle, Cycle.objects.get(pk=review.cycle_id))


def b_contact(t):
    from incubation.forms import ContactForm

    t.org.leader_name = "王小华"
    t.org.leader_phone = "13800001111"
    t.org.address = "凯旋路1号"
    t.org.save()
    return lambda data=None, files=None: ContactForm(data, files, instance=t.org)


def b_document_upload(t):
    from incubation.choices import DocumentKind
    from incubation.forms import DocumentUploadForm

    initial = {
        "kind": DocumentKind.values[-1],
        "title": "登记证书",
        "valid_from": PERIOD_START,
        "expires_on": PERIOD_END,
        "note": "正本",
    }
    return lambda data=None, files=None: DocumentUploadForm(
        data, _picked(data, _pdf), initial=initial
    )


def b_account_create(t):
    from accounts.forms import AccountCreateForm
    from accounts.roles import Role

    initial = {
        "username": "new-leader",
        "full_name": "李四",
        "email": "li@example.org",
        "phone": "13800002222",
        "role": Role.ORG_LEADER.value,
        "community": t.community.pk,
        "organization": t.org.pk,
    }
    return lambda data=None, files=None: AccountCreateForm(
        data, files, actor=t.street_admin, initial=initial
    )


def b_code(t):
    from twofactor.forms import CodeForm

    return lambda data=None, files=None: CodeForm(data, files, initial={"code": "123456"})


def b_organization_admin(t):
    from incubation.models import Organization
    from tests.factories import RegisteredOrganizationFactory

    org = RegisteredOrganizationFactory(
        community=t.community, name="往返登记服务社", founded_on=datetime.date(2015, 5, 1)
    )
    return _admin_form(Organization, Organization.objects.get(pk=org.pk))


def b_stage_change(t):
    from incubation.admin import StageChangeForm
    from incubation.workflows import Stage

    initial = {
        "to_stage": Stage.values[-1],
        "note": "备注",
        "coverage": "joint_branch",
        "party_liaison": "李联络",
        "party_activity_count": 12,
    }
    return lambda data=None, files=None: StageChangeForm(
        data, files, user=t.street_admin, initial=initial
    )


def b_party_org_admin(t):
    from partybuilding.choices import PartyOrgKind
    from partybuilding.models import PartyOrganization
    from tests.partybuilding.pb_helpers import party_org

    committee = party_org(t.street, "往返党委", kind=PartyOrgKind.COMMITTEE)
    branch = party_org(
        t.street,
        "往返党支部",
        parent=committee,
        founded_on=datetime.date(2019, 7, 1),
        term_start=datetime.date(2024, 7, 1),
        term_end=datetime.date(2027, 6, 30),
    )
    return _admin_form(PartyOrganization, PartyOrganization.objects.get(pk=branch.pk))


def b_party_member_admin(t):
    from partybuilding.models import PartyMember
    from tests.partybuilding.pb_helpers import member, party_org

    branch = party_org(t.street, "往返党员支部")
    person = member(branch, "王小明", id_number="11010519491231002X", phone="13800003333")
    PartyMember.objects.filter(pk=person.pk).update(birth_date=datetime.date(1949, 12, 31), sex="F")
    return _admin_form(PartyMember, PartyMember.objects.get(pk=person.pk))


def b_member_transfer(t):
    from partybuilding.admin import MemberTransferForm
    from tests.partybuilding.pb_helpers import party_org

    branch = party_org(t.street, "转入党支部")
    initial = {"to_branch": branch.pk, "on": PERIOD_START, "note": "工作调动"}
    return lambda data=None, files=None: MemberTransferForm(
        data, files, user=t.street_admin, initial=initial
    )


def b_report_generate(t):
    from reporting.admin import ReportGenerateForm
    from reporting.models import ReportKind

    initial = {"kind": ReportKind.values[0], "period": "2026-11"}
    kind = ReportKind.values[0]
    if "annual" in kind:
        initial["period"] = "2026"
    return lambda data=None, files=None: ReportGenerateForm(data, files, initial=initial)


def b_balance_check(t):
    from funding.models import FundSpending
    from funding.services.foundation import fund_create, spending_record

    fund = fund_create(
        street=t.street, name="美好凯旋", seed_capital="100000", actor=t.street_admin
    )
    spent = spending_record(
        fund=fund,
        project="楼道微更新",
        amount=Decimal("1234.56"),
        spent_on=PERIOD_START - datetime.timedelta(days=200),
        reference="ZC-1",
        actor=t.street_admin,
    )
    return _admin_form(FundSpending, FundSpending.objects.get(pk=spent.pk))


def b_excel_upload(t):
    from jobs.admin_excel import ExcelUploadForm

    return lambda data=None, files=None: ExcelUploadForm(data, _picked(data, _xlsx))


def b_wish_collect(t):
    from accounts.models import Community
    from marketplace.categories import seed_default_categories
    from marketplace.forms import WishCollectForm
    from marketplace.models import Category

    seed_default_categories()

    initial = {
        "community": t.community.pk,
        "alias": "王奶奶",
        "age_band": "elder",
        "target_group": "elderly_alone",
        "category": Category.objects.get(code="goods-daily").pk,
        "title": "一台电饭煲",
        "value": Decimal("199.00"),
        "collected_on": datetime.date(2026, 12, 4),
        "name": "王秀英",
        "phone": "13900001111",
        "handover_contact": "网格员",
        "photo_consent": True,
    }
    communities = Community.objects.filter(pk=t.community.pk)
    return lambda data=None, files=None: WishCollectForm(
        data, files, initial=initial, communities=communities
    )


def b_resource_offer(t):
    from accounts.models import Community
    from marketplace.categories import seed_default_categories
    from marketplace.forms import ResourceOfferForm
    from marketplace.models import Category

    seed_default_categories()

    initial = {
        "title": "义务理发",
        "category": Category.objects.get(code="elderly-home_care").pk,
        "skills": "理发",
        "capacity_per_month": 4,
        "time_slots": "每周三上午",
        "communities": [t.community.pk],
    }
    communities = Community.objects.filter(street=t.street)
    return lambda data=None, files=None: ResourceOfferForm(
        data, files, initial=initial, communities=communities
    )


def _v_times():
    import datetime

    from django.utils import timezone

    start = timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(days=1)
    return start, start + datetime.timedelta(hours=2)


def b_vol_stay(t):
    from volunteering.forms import StayForm

    start, end = _v_times()
    initial = {"signed_in_at": start, "signed_out_at": end}
    return lambda data=None, files=None: StayForm(data, files, initial=initial)


def b_vol_supplement(t):
    from volunteering.forms import SupplementForm

    start, end = _v_times()
    initial = {"signed_in_at": start, "signed_out_at": end, "reason": "纸质签到表"}
    return lambda data=None, files=None: SupplementForm(data, files, initial=initial)


def b_vol_mark(t):
    from volunteering.forms import MarkAttendanceForm

    start, end = _v_times()
    initial = {"signed_in_at": start, "signed_out_at": end, "name": "李阿姨"}
    return lambda data=None, files=None: MarkAttendanceForm(data, files, initial=initial)


def b_vol_session_times(t):
    from volunteering.forms import SessionTimesForm

    start, end = _v_times()
    initial = {"starts_at": start, "ends_at": end}
    return lambda data=None, files=None: SessionTimesForm(data, files, initial=initial)


def b_vol_identity(t):
    from volunteering.forms import IdentityForm

    initial = {"name": "王晓华", "id_number": "11010519491231002X"}
    return lambda data=None, files=None: IdentityForm(data, files, initial=initial)


def b_vol_draft(t):
    from accounts.models import Community
    from volunteering.choices import Audience, Series
    from volunteering.forms import ActivityDraftForm

    start, end = _v_times()
    organizers = [(f"organization:{t.org.pk}", t.org.name)]
    initial = {
        "title": "公益伙伴日·清洁家园",
        "series": Series.PARTNER_DAY,
        "organizer": organizers[0][0],
        "community": t.community.pk,
        "place": "社区文化家园",
        "description": "捡拾垃圾",
        "audience": Audience.EVERYONE,
        "capacity": 20,
        "starts_at": start,
        "ends_at": end,
        "recruit_until": start,
    }
    communities = Community.objects.filter(pk=t.community.pk)
    return lambda data=None, files=None: ActivityDraftForm(
        data, files, initial=initial, organizers=organizers, communities=communities
    )


def b_vol_reason(t):
    from volunteering.admin import ReasonForm

    return lambda data=None, files=None: ReasonForm(data, files, initial={"reason": "天气原因"})


def b_vol_session(t):
    from volunteering.admin import SessionForm

    start, end = _v_times()
    initial = {"starts_at": start, "ends_at": end}
    return lambda data=None, files=None: SessionForm(data, files, initial=initial)


def b_vol_activity_add(t):
    from volunteering.admin import ActivityAddForm
    from volunteering.choices import Audience, OrganizerKind, Series

    start, end = _v_times()
    initial = {
        "title": "公益伙伴日·清洁家园",
        "series": Series.PARTNER_DAY,
        "description": "捡拾垃圾",
        "organizer_kind": OrganizerKind.ORGANIZATION,
        "organization": t.org.pk,
        "street": t.street.pk,
        "community": t.community.pk,
        "place": "社区文化家园",
        "audience": Audience.EVERYONE,
        "capacity": 20,
        "recruit_until": start,
        "first_starts_at": start,
        "first_ends_at": end,
    }
    return lambda data=None, files=None: ActivityAddForm(data, files, initial=initial)


def b_rankings_compute(t):
    from rankings.admin import ComputeForm

    initial = {"period_kind": "month", "period": "2026-10"}
    return lambda data=None, files=None: ComputeForm(data, initial=initial)


def b_rankings_decide(t):
    from rankings.admin import DecideForm

    initial = {"outcome": "dismissed", "reason": "认领在12月确认，计入12月"}
    return lambda data=None, files=None: DecideForm(data, initial=initial)


def b_rankings_objection(t):
    from rankings.forms import ObjectionForm

    initial = {"text": "漏计了11月的两次助餐认领"}
    return lambda data=None, files=None: ObjectionForm(data, _picked(data, _pdf), initial=initial)


def _award_campaign(t):
    from tests.awards.conftest import make_campaign

    return make_campaign(t, open_it=False)


def b_award_campaign_admin(t):
    from awards.models import Campaign

    return _admin_form(Campaign, _award_campaign(t))


def b_award_objection_admin(t):
    from awards.models import Objection
    from awards.services.campaigns import campaign_transition
    from awards.services.objections import objection_file
    from tests.awards.conftest import TODAY, eligible, nominate, score, to_scoring

    campaign = _award_campaign(t)
    campaign_transition(campaign=campaign, to="nominating", actor=t.street_admin)
    nomination = nominate(campaign, eligible(t.org), t.street_admin, today=TODAY)
    to_scoring(campaign, t)
    score(nomination, t.evaluator, 90)
    campaign_transition(campaign=campaign, to="notice", actor=t.street_admin)
    objection = objection_file(nomination=nomination, actor=t.leader, reason="材料不实")
    return _admin_form(Objection, Objection.objects.get(pk=objection.pk))


def b_award_nomination(t):
    from awards.forms import NominationForm

    initial = {"organization": t.org.pk, "person_name": "王小华", "statement": "服务老人"}
    return lambda data=None, files=None: NominationForm(
        data, files, initial=initial, organizations=[t.org], person=True
    )


def b_award_score(t):
    from awards.forms import ScoreForm

    initial = {"points": Decimal("88.50"), "comment": "材料翔实"}
    return lambda data=None, files=None: ScoreForm(data, files, initial=initial)


def b_award_conflict(t):
    from awards.forms import ConflictForm

    initial = {"reason": "本人为该组织会员"}
    return lambda data=None, files=None: ConflictForm(data, files, initial=initial)


def b_award_objection(t):
    from awards.forms import ObjectionForm

    initial = {"reason": "材料不实"}
    return lambda data=None, files=None: ObjectionForm(data, files, initial=initial)


BUILDERS = {
    "accounts.forms.AccountCreateForm": b_account_create,
    "awards.forms.CampaignAdminForm": b_award_campaign_admin,
    "awards.forms.ConflictForm": b_award_conflict,
    "awards.forms.NominationForm": b_award_nomination,
    "awards.forms.ObjectionDecisionForm": b_award_objection_admin,
    "awards.forms.ObjectionForm": b_award_objection,
    "awards.forms.ScoreForm": b_award_score,
    "jobs.admin_excel.ExcelUploadForm": b_excel_upload,
    "evaluation.admin_forms.CycleAdminForm": b_cycle_admin,
    "evaluation.forms.AssignForm": b_assign,
    "evaluation.forms.AttachmentForm": b_review_attachment,
    "evaluation.forms.ConflictForm": b_review_conflict,
    "evaluation.forms.ExtensionForm": b_extension,
    "evaluation.forms.ReturnForm": b_review_return,
    "evaluation.forms.ReviewForm": b_review,
    "evaluation.forms.ScoreForm": b_review_score,
    "funding.admin.BalanceCheckForm": b_balance_check,
    "funding.forms.AcceptanceForm": b_acceptance,
    "funding.forms.AgreementForm": b_agreement,
    "funding.forms.ApplicationForm": b_application,
    "funding.forms.AttachmentForm": b_funding_attachment,
    "funding.forms.BudgetLineForm": b_budget_line,
    "funding.forms.ConflictForm": b_funding_conflict,
    "funding.forms.DecisionForm": b_decision,
    "funding.forms.PaymentForm": b_payment,
    "funding.forms.ReportForm": b_funding_report,
    "funding.forms.ScoreForm": b_funding_score,
    "funding.forms.TerminationForm": b_termination,
    "incubation.admin.OrganizationAdminForm": b_organization_admin,
    "incubation.admin.StageChangeForm": b_stage_change,
    "incubation.forms.ContactForm": b_contact,
    "incubation.forms.DocumentUploadForm": b_document_upload,
    "marketplace.forms.ResourceOfferForm": b_resource_offer,
    "marketplace.forms.WishCollectForm": b_wish_collect,
    "reporting.admin.ReportGenerateForm": b_report_generate,
    "rankings.admin.ComputeForm": b_rankings_compute,
    "rankings.admin.DecideForm": b_rankings_decide,
    "rankings.forms.ObjectionForm": b_rankings_objection,
    "partybuilding.admin.MemberTransferForm": b_member_transfer,
    "partybuilding.admin.PartyMemberAdminForm": b_party_member_admin,
    "partybuilding.admin.PartyOrganizationAdminForm": b_party_org_admin,
    "twofactor.forms.CodeForm": b_code,
    "volunteering.admin.ActivityAddForm": b_vol_activity_add,
    "volunteering.admin.ReasonForm": b_vol_reason,
    "volunteering.admin.SessionForm": b_vol_session,
    "volunteering.forms.ActivityDraftForm": b_vol_draft,
    "volunteering.forms.IdentityForm": b_vol_identity,
    "volunteering.forms.MarkAttendanceForm": b_vol_mark,
    "volunteering.forms.SessionTimesForm": b_vol_session_times,
    "volunteering.forms.StayForm": b_vol_stay,
    "volunteering.forms.SupplementForm": b_vol_supplement,
}
# Bases with no fields of their own: nothing to show.
ABSTRACT = {"core.forms.PortalForm", "core.forms.PortalModelForm"}


def _project_apps() -> list[str]:
    root = str(settings.BASE_DIR)
    # The virtualenv lives in the working tree too: its packages are not ours.
    return [
        c.name
        for c in apps.get_app_configs()
        if str(c.path).startswith(root) and "site-packages" not in str(c.path)
    ]


def project_form_classes() -> set[str]:
    names = _project_apps()
    for name in names:
        for module in ("forms", "admin_forms", "admin", "views"):
            try:
                importlib.import_module(f"{name}.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{name}.{module}":
                    raise
    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in names:
            found.add(f"{cls.__module__}.{cls.__qualname__}")
    return found


def test_it_knows_how_to_build_every_form():
    missing = project_form_classes() - set(BUILDERS) - ABSTRACT
    assert not missing, (
        f"Register these forms in BUILDERS of {__name__} (how to build one with saved "
        f"values): {sorted(missing)}"
    )


def _comparable(value):
    # Browsers send CRLF line breaks for a textarea; that is not a change of the text.
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    # A multiple choice cleans to a new queryset each time: compare the rows chosen.
    if hasattr(value, "values_list"):
        return sorted(value.values_list("pk", flat=True))
    return value


def changes(sent) -> dict:
    """Fields whose cleaned value differs from the value the form showed, as
    ``{name: (shown, sent)}``. Files are what the person picks, never shown again."""
    differ = {}
    for name, field in sent.fields.items():
        if isinstance(field, forms.FileField):
            continue
        shown = sent[name].initial
        try:
            original = field.clean(field.prepare_value(shown))
        except forms.ValidationError:
            original = shown
        if _comparable(original) != _comparable(sent.cleaned_data.get(name)):
            differ[name] = (shown, sent.cleaned_data.get(name))
    return differ


def _roundtrip(make) -> tuple[object, object]:
    shown = make()
    html = str(shown)
    data, refusals = browser_data(html)
    assert not refusals, f"The browser would not send this form: {refusals}\n{html}"
    sent = make(data=data)
    return shown, sent


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_it_changes_nothing_when_a_saved_form_is_sent_back_untouched(name, language, tenant):
    with translation.override(language):
        make = BUILDERS[name](tenant)
        shown, sent = _roundtrip(make)
        assert sent.is_valid(), (sent.errors, str(shown))
        assert changes(sent) == {}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_keeps_the_budget_lines_when_the_formset_is_sent_back(language, tenant):
    from funding.forms import BudgetLineFormSet

    initial = [
        {"item": "活动物料", "amount": Decimal("1234.50"), "note": ""},
        {"item": "志愿者培训", "amount": Decimal("8765.50"), "note": "两期"},
    ]
    with translation.override(language):
        shown = BudgetLineFormSet(prefix="lines", initial=initial)
        data, refusals = browser_data(str(shown.management_form) + str(shown))
        assert not refusals
        sent = BudgetLineFormSet(data, prefix="lines", initial=initial)
        assert sent.is_valid(), sent.errors
        assert not sent.has_changed()
        kept = [f.cleaned_data for f in sent.forms if f.cleaned_data]
        assert [(line["item"], line["amount"]) for line in kept] == [
            (line["item"], line["amount"]) for line in initial
        ]


# --- The reader itself: it must see what a browser drops ----------------------------------


def test_it_reads_a_non_iso_date_as_empty_like_a_browser():
    data, _refusals = browser_data(
        '<input type="date" name="a" value="2027/03/01">'
        '<input type="date" name="b" value="2027-03-01">'
        '<input type="number" name="c" value="1,234.50">'
        '<select name="d"><option value="1">x</option><option value="2" selected>y</option>'
        '</select><textarea name="e">\nline</textarea>'
    )
    assert data.getlist("a") == [""]
    assert data.getlist("b") == ["2027-03-01"]
    assert data.getlist("c") == [""]
    assert data.getlist("d") == ["2"]
    assert data.getlist("e") == ["line"]


def test_it_refuses_what_the_browser_would_not_send():
    _data, refusals = browser_data(
        '<input type="number" name="a" value="5" max="4">'
        '<input type="text" name="b" value="" required>'
        '<input type="number" name="c" value="1.005" step="0.01">'
    )
    assert len(refusals) == 3, refusals


def test_it_fails_on_the_old_grant_form(tenant):
    """The check catches the bug of issue 14: Django's own date input, as the grant form
    had it, under zh-hans."""

    class OldDateInput(forms.DateInput):
        input_type = "date"

    class OldForm(forms.Form):
        starts_on = forms.DateField(required=False, widget=OldDateInput())

    with translation.override("zh-hans"):
        shown = OldForm(initial={"starts_on": PERIOD_START})
        data, _refusals = browser_data(str(shown))
        sent = OldForm(data, initial={"starts_on": PERIOD_START})
        assert sent.is_valid()
        assert sent.changed_data == ["starts_on"]
