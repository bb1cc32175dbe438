"""Every URL of the project that takes an object id, and how to build, for a tenant (a
street with its communities and one user per role), the object it points at — in a state
where that street's own insiders open it.

``tests/kaiyihui/test_every_object_url.py`` walks the URL resolver and fails when a URL
with a path parameter is neither in ``REGISTRY`` nor in ``PUBLIC``: a URL added later
without an entry here (and so without a scoping check) fails CI.

Builders reuse the per-app test builders (evaluation helpers, funding factories, party
building helpers); they return the URL kwargs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from audit.models import AuditEntry
from awards.models import Nomination
from evaluation.choices import EvaluatorGroup
from evaluation.models import ConflictDeclaration as EvaluationConflict
from evaluation.models import IndicatorTemplate, Review
from evaluation.services.reviews import review_attach, review_start, review_submit
from evaluation.services.scoring import assignment_create, review_finalize
from funding.choices import ReportKind
from funding.models import Donation, Fund, FundSpending
from funding.services.applications import application_transition, attachment_add
from funding.services.review import expert_assign
from funding.workflows import ApplicationStatus
from incubation.choices import DocumentKind
from incubation.models import (
    CheckpointOverride,
    CreditListing,
    IncubationServiceRecord,
    Organization,
    OrganizationEvent,
    Pairing,
)
from incubation.services.documents import document_upload
from jobs.models import Job, JobStatus
from partybuilding.choices import ActivityKind, PartyOrgKind
from partybuilding.models import (
    Development,
    DevelopmentEvent,
    LeadershipPreReview,
    MemberTransfer,
)
from reporting.models import PeriodicReport
from tests.evaluation.helpers import fill, make_cycle, score_all
from tests.evaluation.helpers import setup as evaluation_setup
from tests.factories import OrganizationFactory
from tests.funding.factories import make_call, make_draft, make_eligible
from tests.funding.test_pages import running_grant
from tests.partybuilding.helpers import resident_id
from tests.partybuilding.pb_helpers import activity, cover, instruct, member, party_org

PDF = b"%PDF-1.4\n%kaiyihui scoping test\n"

# An id no row has (fits a 32-bit integer column on every database).
MISSING_ID = 2_000_000_000

# The users of the object's own street who are NOT its insiders; the intra-street test
# asks each of them (built with each object's street by ``_strangers`` in the test module).
STRANGERS = (
    "other_leader",  # leads a second organization in the same community
    "unassigned_evaluator",  # an evaluator of the street with no assignment
    "other_community_staff",  # community staff of the street's other community
    "unlinked_party_worker",  # a party worker of the street linked to no branch
)

ROLE_GATED = 404  # funding's staff pages answer non-staff roles like a missing record


def pdf_upload(name="plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- Evaluation ------------------------------------------------------------------------------


def _evaluation(tenant):
    """An open cycle of a's street and a registered organization in 管理 led by a's leader;
    a's own evaluator is the expert (the insider of the scoring page)."""
    s = evaluation_setup(tenant)
    s.evaluators[EvaluatorGroup.EXPERT] = tenant.evaluator
    return s


def _submitted(tenant):
    """A submitted review with an attachment, a's evaluator assigned as expert."""
    s = _evaluation(tenant)
    review = review_start(cycle=s.cycle, organization=s.org, actor=s.leader)
    fill(review, s.leader)
    attachment = review_attach(review=review, uploaded=pdf_upload(), actor=s.leader)
    review = review_submit(review=review, actor=s.leader)
    assignment = assignment_create(
        review=review, evaluator=tenant.evaluator, group=EvaluatorGroup.EXPERT, actor=s.staff
    )
    return s, review, attachment, assignment


def _finalized(tenant):
    s, review, _attachment, _assignment = _submitted(tenant)
    community = s.evaluators[EvaluatorGroup.COMMUNITY]
    assignment_create(review=review, evaluator=community, group="community", actor=s.staff)
    score_all(review, tenant.evaluator, Decimal("0.9"))
    score_all(review, community, Decimal("0.8"))
    return review_finalize(review=review, actor=s.staff)


def build_start(tenant) -> dict:
    s = _evaluation(tenant)
    return {"cycle_pk": s.cycle.pk, "org_pk": s.org.pk}


def build_review(tenant) -> dict:
    return {"pk": _submitted(tenant)[1].pk}


def build_cycle(tenant) -> dict:
    return {"pk": _evaluation(tenant).cycle.pk}


def build_review_attachment(tenant) -> dict:
    return {"pk": _submitted(tenant)[2].pk}


def build_assignment(tenant) -> dict:
    return {"pk": _submitted(tenant)[3].pk}


def build_finalized_review(tenant) -> dict:
    return {"pk": _finalized(tenant).pk}


# --- Funding ---------------------------------------------------------------------------------


def _call(tenant):
    """An open call of a's street, a's evaluator assigned as expert, a's org eligible."""
    call = make_call(tenant)
    expert_assign(call=call, expert=tenant.evaluator, actor=tenant.street_admin)
    make_eligible(tenant.org)
    return call


def _draft(tenant):
    return make_draft(_call(tenant), tenant.org, tenant.leader)


def _submitted_application(tenant):
    return application_transition(
        application=_draft(tenant), to=ApplicationStatus.SUBMITTED, actor=tenant.leader
    )


def build_call(tenant) -> dict:
    return {"pk": _call(tenant).pk}


def build_draft(tenant) -> dict:
    return {"pk": _draft(tenant).pk}


def build_submitted_application(tenant) -> dict:
    return {"pk": _submitted_application(tenant).pk}


def build_application_attachment(tenant) -> dict:
    attachment = attachment_add(
        application=_draft(tenant), uploaded=pdf_upload(), actor=tenant.leader
    )
    return {"pk": attachment.pk}


def build_midterm_report(tenant) -> dict:
    return {"pk": running_grant(tenant).pk, "kind": ReportKind.MIDTERM.value}


def build_running_grant(tenant) -> dict:
    return {"pk": running_grant(tenant).pk}


def build_approve_action(tenant) -> dict:
    return {"pk": _submitted_application(tenant).pk, "action": "approve"}


def build_tranche(tenant) -> dict:
    return {"pk": running_grant(tenant).tranches.order_by("pk").first().pk}


def build_organization(tenant) -> dict:
    return {"pk": tenant.org.pk}


def _document(tenant):
    return document_upload(
        organization=tenant.org,
        kind=DocumentKind.REGISTRATION_CERTIFICATE,
        file=pdf_upload("登记证书.pdf"),
        actor=tenant.leader,
    )


def build_document(tenant) -> dict:
    return {"document_pk": _document(tenant).pk}


# --- Jobs ------------------------------------------------------------------------------------


def build_job(tenant) -> dict:
    # As tests/jobs/test_jobs.py's ``finished_job``, started by a's street admin.
    job = Job.objects.create(
        kind="x",
        title="报告",
        street=tenant.street,
        status=JobStatus.DONE,
        total=2,
        done=2,
        created_by=tenant.street_admin,
    )
    job.result.save("reports.zip", ContentFile(b"PK"), save=True)
    return {"pk": job.pk}


# --- Marketplace -----------------------------------------------------------------------------


def _market_need(tenant):
    from marketplace.categories import seed_default_categories
    from tests.marketplace.test_claims import _need

    seed_default_categories()
    return _need(tenant)


def build_market_need(tenant) -> dict:
    return {"pk": _market_need(tenant).pk}


def build_market_claimable(tenant) -> dict:
    return {"kind": "need", "pk": _market_need(tenant).pk}


def _market_resource(tenant, need):
    from marketplace.choices import ProviderKind
    from marketplace.services import listings

    resource = listings.resource_create(
        street=tenant.street,
        actor=tenant.street_admin,
        provider_kind=ProviderKind.VOLUNTEER_TEAM,
        team_name="爱心志愿队",
        title="送餐上门",
        category=need.category,
        communities=[tenant.community],
    )
    return listings.resource_review(resource=resource, actor=tenant.street_admin, approved=True)


def build_market_match(tenant) -> dict:
    need = _market_need(tenant)
    _market_resource(tenant, need)
    return {"pk": need.pk}


def _market_claim(tenant):
    from marketplace.services.claims import claim_create
    from tests.marketplace.test_claims import _managed

    return claim_create(
        item=_market_need(tenant), actor=tenant.leader, organization=_managed(tenant.org)
    )


def build_market_claim(tenant) -> dict:
    return {"pk": _market_claim(tenant).pk}


def build_market_evidence(tenant) -> dict:
    from marketplace.services.claims import claim_transition, evidence_add

    claim = claim_transition(claim=_market_claim(tenant), to="in_progress", actor=tenant.leader)
    evidence = evidence_add(claim=claim, uploaded=pdf_upload("签收单.pdf"), actor=tenant.leader)
    return {"pk": evidence.pk}


def _market_resource_of(tenant):
    from marketplace.models import Resource

    return Resource.objects.filter(street=tenant.street).order_by("pk").first()


def _market_wish(tenant):
    from marketplace.categories import seed_default_categories
    from tests.marketplace.test_claims import _wish

    seed_default_categories()
    return _wish(tenant)


def _market_project(tenant):
    from marketplace.services.listings import match_need

    need = _market_need(tenant)
    return match_need(
        need=need, resource=_market_resource(tenant, need), actor=tenant.community_staff
    )


def _market_batch(tenant):
    from marketplace.services.listings import batch_create

    return batch_create(
        street=tenant.street,
        community=tenant.community,
        kind="needs",
        title="a需求清单",
        period_start=datetime.date(2026, 12, 1),
        period_end=datetime.date(2026, 12, 31),
        actor=tenant.community_staff,
    )


def _market_partner(tenant):
    from marketplace.models import PartnerUnit

    return PartnerUnit.objects.create(street=tenant.street, name="a共建单位")


# --- Volunteering ----------------------------------------------------------------------------


def _volunteering_session(tenant):
    from tests.volunteering.helpers import publish_activity

    return publish_activity(tenant)[1]


def build_volunteering_activity(tenant) -> dict:
    return {"pk": _volunteering_session(tenant).activity_id}


def build_volunteering_draft(tenant) -> dict:
    from tests.volunteering.test_portal import _draft

    return {"pk": _draft(tenant).pk}


def build_volunteering_session(tenant) -> dict:
    return {"pk": _volunteering_session(tenant).pk}


def build_volunteering_scan(tenant) -> dict:
    from volunteering.tokens import SIGN_IN, make_token

    session = _volunteering_session(tenant)
    return {"session_pk": session.pk, "token": make_token(session, SIGN_IN)}


def build_volunteering_place(tenant) -> dict:
    """The leader's own place: the organizer's account volunteers too."""
    from volunteering.services.places import sign_up
    from volunteering.services.volunteers import volunteer_for_account

    session = _volunteering_session(tenant)
    volunteer = volunteer_for_account(tenant.leader)
    return {"pk": sign_up(session, volunteer, actor=tenant.leader).pk}


def build_volunteer_record(tenant) -> dict:
    """A volunteer of the street's first community, with hours and an ID number."""
    from tests.volunteering.test_certificates import volunteer_with_hours

    return {"pk": volunteer_with_hours(tenant, "record-v")[1].pk}


def build_volunteer_certificate(tenant) -> dict:
    from tests.volunteering.test_certificates import volunteer_with_hours
    from volunteering.services.certificates import certificate_issue

    _user, volunteer = volunteer_with_hours(tenant, "cert-v")
    return {"pk": certificate_issue(volunteer, actor=tenant.street_admin).pk}


def _volunteering_activity_row(tenant):
    from volunteering.models import Activity

    return Activity.objects.get(pk=build_volunteering_activity(tenant)["pk"])


def _volunteering_place_row(tenant):
    """A volunteer of the first community, present at a session of its activity."""
    from tests.volunteering.test_admin import _attended

    return _attended(tenant, f"{tenant.street.code}-admin-v")


def _volunteering_supplement_row(tenant):
    from volunteering.services.supplements import supplement_request

    place = _volunteering_place_row(tenant)
    return supplement_request(
        place,
        signed_in_at=place.signed_in_at,
        signed_out_at=place.signed_out_at + datetime.timedelta(minutes=30),
        reason="纸质签到表",
        actor=tenant.leader,
    )


def _volunteering_certificate_row(tenant):
    from tests.volunteering.test_certificates import volunteer_with_hours
    from volunteering.services.certificates import certificate_issue

    _user, volunteer = volunteer_with_hours(tenant, f"{tenant.street.code}-admin-cert")
    return certificate_issue(volunteer, actor=tenant.street_admin)


# --- Rankings --------------------------------------------------------------------------------


def _ranking_on_notice(tenant):
    """a's October street-wide ranking, published for notice (公示) now: every organization
    of the street has a row; a's organization scored a confirmed claim."""
    from marketplace.categories import seed_default_categories
    from rankings.choices import PeriodKind, ScopeKind
    from rankings.models import Ranking
    from rankings.services.rankings import ranking_compute, ranking_publish
    from rankings.services.schemes import scheme_create, scheme_publish
    from tests.rankings.conftest import confirm_claims

    seed_default_categories()
    october = datetime.date(2026, 10, 1)
    admin_user = tenant.street_admin
    draft = scheme_create(
        street=tenant.street, actor=admin_user, effective_from=datetime.date(2026, 1, 1)
    )
    scheme_publish(draft, actor=admin_user)
    confirm_claims(tenant.org, 1, on=october)
    ranking_compute(
        street_id=tenant.street.pk,
        period_kind=PeriodKind.MONTH,
        period_start=october,
        actor=admin_user,
    )
    street = Ranking.objects.get(street=tenant.street, scope_kind=ScopeKind.STREET)
    return ranking_publish(street, actor=admin_user)


def _objection(tenant):
    from rankings.services.objections import objection_file

    return objection_file(
        _ranking_on_notice(tenant),
        tenant.org,
        actor=tenant.leader,
        text="漏计了10月的助餐认领",
        evidence=pdf_upload("签到表.pdf"),
    )


def build_notice_row(tenant) -> dict:
    return {"ranking_pk": _ranking_on_notice(tenant).pk, "org_pk": tenant.org.pk}


# --- Accounts --------------------------------------------------------------------------------


def build_leader_account(tenant) -> dict:
    return {"pk": tenant.leader.pk}


# --- Awards ----------------------------------------------------------------------------------


def _award_campaign(tenant, *, scoring=False, notice=False):
    """A campaign of a's street open for nominations, a's organization nominated by the
    street's staff; a's evaluator on the panel when scoring or on notice."""
    from awards.services.campaigns import campaign_transition
    from tests.awards.conftest import eligible, make_campaign, nominate, score, to_scoring

    campaign = make_campaign(tenant)
    nomination = nominate(
        campaign, eligible(tenant.org), tenant.street_admin, uploaded=pdf_upload()
    )
    if scoring or notice:
        to_scoring(campaign, tenant)
    if notice:
        score(nomination, tenant.evaluator, 90)
        campaign_transition(campaign=campaign, to="notice", actor=tenant.street_admin)
    return campaign, nomination


def build_award_campaign(tenant) -> dict:
    return {"pk": _award_campaign(tenant)[0].pk}


def build_award_nomination(tenant) -> dict:
    return {"pk": _award_campaign(tenant)[1].pk}


def build_award_judged_campaign(tenant) -> dict:
    return {"pk": _award_campaign(tenant, scoring=True)[0].pk}


def build_award_judged_nomination(tenant) -> dict:
    return {"pk": _award_campaign(tenant, scoring=True)[1].pk}


def build_award_on_notice(tenant) -> dict:
    return {"pk": _award_campaign(tenant, notice=True)[1].pk}


def build_award_material(tenant) -> dict:
    from awards.models import NominationMaterial

    nomination = _award_campaign(tenant, scoring=True)[1]
    return {"pk": NominationMaterial.objects.get(nomination=nomination).pk}


# --- The registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectUrl:
    build: Callable[[object], dict]
    # The insider of tenant "a" (a ``Tenant`` attribute) who opens the object, and what
    # they get: GET, or POST with ``data`` when the view answers GET with 405.
    insider: str
    insider_status: int
    data: Callable[[object], dict] | None = None
    # Intra-street users (``STRANGERS``) who do not get 404, with the status they get and
    # the app's decision behind it. Every stranger not listed gets 404.
    intra: Mapping[str, int] = field(default_factory=dict)

    def post_data(self, tenant) -> dict:
        return self.data(tenant) if self.data else {}


def _staff_page(build, insider_status=200, *, street_wide=False, data=None) -> ObjectUrl:
    """funding/views_staff.py: street and community staff open these pages (community staff
    only look, no action buttons); every other role gets 403 from ``staff_required``
    before any lookup, the same 403 for a missing id. Rows come through ``visible_to``:
    calls are street-wide (community staff read their street's calls, a documented
    decision of funding.models.StreetWideQuerySet), applications, tranches and
    organizations are per community."""
    intra = {
        "other_leader": ROLE_GATED,
        "unassigned_evaluator": ROLE_GATED,
        "unlinked_party_worker": ROLE_GATED,
    }
    if street_wide:
        intra["other_community_staff"] = insider_status
    return ObjectUrl(
        build=build,
        insider="street_admin",
        insider_status=insider_status,
        data=data,
        intra=MappingProxyType(intra),
    )


_WHOLE_STREET_200 = MappingProxyType(dict.fromkeys(STRANGERS, 200))
_WHOLE_STREET_302 = MappingProxyType(dict.fromkeys(STRANGERS, 302))

REGISTRY: dict[str, ObjectUrl] = {
    # incubation
    "incubation:organization": ObjectUrl(build_organization, "leader", 200),
    "incubation:contact_edit": ObjectUrl(build_organization, "leader", 200),
    # The document archive: the organization's leaders and its street and community staff
    # (incubation.permissions.can_view_documents); a party worker covering it gets 404 too.
    "incubation:documents": ObjectUrl(build_organization, "leader", 200),
    "incubation:document_download": ObjectUrl(build_document, "leader", 200),
    # reporting: the audit dossier of an organization, started by street staff or the
    # organization's community staff (POST only).
    "dossier_start": ObjectUrl(build_organization, "street_admin", 302),
    # evaluation: the leader's review and its pages
    "evaluation:start": ObjectUrl(build_start, "leader", 302),
    "evaluation:review": ObjectUrl(build_review, "leader", 200),
    "evaluation:attach": ObjectUrl(build_review, "leader", 302),
    "evaluation:attachment": ObjectUrl(build_review_attachment, "leader", 200),
    "evaluation:versions": ObjectUrl(build_review, "leader", 200),
    "evaluation:report": ObjectUrl(build_finalized_review, "leader", 200),
    # evaluation: the staff panel of a review (POST only)
    "evaluation:return": ObjectUrl(build_review, "street_admin", 302),
    "evaluation:extend": ObjectUrl(build_review, "street_admin", 302),
    "evaluation:assign": ObjectUrl(build_review, "street_admin", 302),
    "evaluation:finalize": ObjectUrl(build_review, "street_admin", 302),
    # evaluation: the cycle cockpit of street staff (community staff see no cycle).
    "evaluation:cockpit": _staff_page(build_cycle),
    "evaluation:cockpit_list": _staff_page(build_cycle),
    "evaluation:cockpit_remind": _staff_page(build_cycle, 302),
    # evaluation: the assigned evaluator's scoring page
    "evaluation:score": ObjectUrl(build_assignment, "evaluator", 200),
    # funding: leaders. Leaders see the calls of their own street
    # (funding.models.GrantCallQuerySet), and community staff every call of their street.
    "funding:call": ObjectUrl(
        build_call,
        "leader",
        200,
        intra=MappingProxyType({"other_leader": 200, "other_community_staff": 200}),
    ),
    # The other leader sees the call but may only apply for an organization they lead:
    # posting a's organization is a 404.
    "funding:apply": ObjectUrl(
        build_call, "leader", 302, data=lambda t: {"organization": t.org.pk, "title": "睦邻"}
    ),
    "funding:application": ObjectUrl(build_submitted_application, "leader", 200),
    "funding:application_edit": ObjectUrl(build_draft, "leader", 200),
    "funding:application_submit": ObjectUrl(build_draft, "leader", 302),
    "funding:attachment_upload": ObjectUrl(build_draft, "leader", 302),
    "funding:report": ObjectUrl(build_midterm_report, "leader", 200),
    "funding:attachment": ObjectUrl(build_application_attachment, "leader", 200),
    "funding:agreement": ObjectUrl(build_running_grant, "leader", 200),
    # funding: experts (a's evaluator is assigned to the call)
    "funding:review_score": ObjectUrl(build_submitted_application, "evaluator", 200),
    "funding:conflicts": ObjectUrl(build_call, "evaluator", 200),
    # funding: street staff
    "funding:call_staff": _staff_page(build_call, street_wide=True),
    # The export starts a job and redirects to its page (jobs.exports).
    "funding:call_export": _staff_page(build_call, 302, street_wide=True),
    "funding:application_staff": _staff_page(build_submitted_application),
    "funding:application_action": _staff_page(build_approve_action, 302),
    "funding:tranche_pay": _staff_page(build_tranche, 302),
    "funding:organization_grants": _staff_page(build_organization),
    # marketplace: the claimant's leader opens the claim; the community's and street's
    # staff too (marketplace.models.ClaimQuerySet). A leader of another organization of
    # the same community may claim the same need (a second claim is refused with a
    # message, 302); everyone else claims for nobody here and gets 404.
    "marketplace:claim": ObjectUrl(build_market_claim, "leader", 200),
    "marketplace:evidence": ObjectUrl(build_market_evidence, "leader", 200),
    "marketplace:claim_item": ObjectUrl(
        build_market_claimable,
        "leader",
        302,
        intra=MappingProxyType({"other_leader": 302}),
    ),
    # marketplace staff pages (role_required: other roles get the 404 of a missing id).
    "marketplace:need": ObjectUrl(build_market_need, "street_admin", 200),
    "marketplace:need_match": ObjectUrl(
        build_market_match,
        "street_admin",
        302,
        data=lambda t: {"resource": getattr(_market_resource_of(t), "pk", 0)},
    ),
    # volunteering portal (volunteering/views_portal.py): a published activity, its
    # sessions and their venue QR codes are open to every account of the activity's
    # street (anyone there may sign up or walk in); another street's is a 404.
    "volunteering:activity": ObjectUrl(
        build_volunteering_activity, "leader", 200, intra=_WHOLE_STREET_200
    ),
    "volunteering:sign_up": ObjectUrl(
        build_volunteering_session, "leader", 302, intra=_WHOLE_STREET_302
    ),
    "volunteering:scan": ObjectUrl(build_volunteering_scan, "leader", 200, intra=_WHOLE_STREET_200),
    # One's own place only; the organizer's pages (can_organize: the organization's
    # leaders, the branch's party workers, the street's and community's staff) are 404 to
    # everyone else.
    "volunteering:place_cancel": ObjectUrl(build_volunteering_place, "leader", 302),
    "volunteering:roster": ObjectUrl(build_volunteering_activity, "leader", 200),
    "volunteering:activity_submit": ObjectUrl(build_volunteering_draft, "leader", 302),
    "volunteering:session_qr": ObjectUrl(build_volunteering_session, "leader", 200),
    "volunteering:session_close": ObjectUrl(build_volunteering_session, "leader", 302),
    "volunteering:session_mark": ObjectUrl(build_volunteering_session, "leader", 302),
    "volunteering:place_supplement": ObjectUrl(build_volunteering_place, "leader", 302),
    # A volunteer's record and certificate PDF (volunteering/views_record.py): the
    # volunteer and the staff who see them (street admins, the volunteer's community
    # staff); everyone else gets 404.
    "volunteering:volunteer_record": ObjectUrl(build_volunteer_record, "street_admin", 200),
    "volunteering:certificate_pdf": ObjectUrl(build_volunteer_certificate, "street_admin", 200),
    # awards (awards/views_portal.py): a campaign open for nominations, and an award on
    # notice with its objection form, are open to every account of the campaign's street;
    # self-nomination to the leaders of an organization of the street. A nomination is its
    # organization's leaders' and the staff's; the judge's pages are the panel's own.
    "awards:campaign": ObjectUrl(build_award_campaign, "leader", 200, intra=_WHOLE_STREET_200),
    "awards:nominate": ObjectUrl(
        build_award_campaign, "leader", 200, intra=MappingProxyType({"other_leader": 200})
    ),
    "awards:nomination": ObjectUrl(build_award_nomination, "leader", 200),
    # A nomination's file: as its nomination, and to the judges of the campaign's panel.
    "awards:material": ObjectUrl(build_award_material, "leader", 200),
    "awards:object": ObjectUrl(build_award_on_notice, "leader", 200, intra=_WHOLE_STREET_200),
    "awards:judge_campaign": ObjectUrl(build_award_judged_campaign, "evaluator", 200),
    "awards:score": ObjectUrl(
        build_award_judged_nomination, "evaluator", 302, data=lambda t: {"points": "80"}
    ),
    "awards:conflict": ObjectUrl(
        build_award_judged_nomination, "evaluator", 302, data=lambda t: {"reason": "本人为会员"}
    ),
    # jobs: street-wide rows, seen by the street's admins and whoever started the job
    # (community staff have no street path, so no job of their street either).
    "jobs:detail": ObjectUrl(build_job, "street_admin", 200),
    "jobs:status": ObjectUrl(build_job, "street_admin", 200),
    "jobs:download": ObjectUrl(build_job, "street_admin", 200),
    # accounts: account care by street staff (accounts/views.py). Only street admins and
    # superusers reach it; every other role, and an account beyond the actor's power, get
    # the 404 of a missing id. The actions are POST only.
    "accounts:care_detail": ObjectUrl(build_leader_account, "street_admin", 200),
    "accounts:care_set_active": ObjectUrl(
        build_leader_account,
        "street_admin",
        302,
        data=lambda t: {"active": "0", "confirm": "yes"},
    ),
    "accounts:care_reset_password": ObjectUrl(
        build_leader_account, "street_admin", 200, data=lambda t: {"mode": "link"}
    ),
    "accounts:care_unlock": ObjectUrl(build_leader_account, "street_admin", 302),
    "accounts:care_reset_2fa": ObjectUrl(build_leader_account, "street_admin", 302),
    # rankings: a leader's row in a ranking on notice and the objection form (POST only),
    # for the organization's own leaders only (rankings/views_portal.py): any other
    # account, a leader of another organization included, gets the 404 of a missing row.
    "rankings:notice_row": ObjectUrl(build_notice_row, "leader", 200),
    "rankings:notice_object": ObjectUrl(
        build_notice_row, "leader", 302, data=lambda t: {"text": "漏计了10月的助餐认领"}
    ),
}

# Public by design, with the reason. Nothing else may be.
PUBLIC = {
    # The verification code printed on a report: anyone holding the paper confirms the
    # organization's name, year and grade — and nothing else (no total, no scores, no
    # USCC). An unknown code, or the code of a review not finalized, is a 404.
    "evaluation:verify": "verification of a printed report: reveals only the grade",
    # The code printed on a grant agreement: organization, project title, year, amount,
    # the date it was recorded and the PDF's SHA-256 (funding.views.verify_agreement).
    "funding:verify_agreement": "verification of a printed grant agreement",
    # Django's self-service password reset: the signed token in the link is the key; a
    # wrong or used one shows "this link does not work" (accounts.password_urls).
    "password_reset_confirm": "password reset link from an e-mail or from staff",
    # The public activity calendar (volunteering.views_public): sessions of published
    # and finished activities only — title, time, place, organizer, places left; no
    # person (tests/volunteering/test_calendar.py). Other sessions, unknown communities
    # and organizations are 404.
    "volunteering:public_session": "a public session of the activity calendar",
    "volunteering:community_ics": "a community's public activities as iCalendar",
    "volunteering:organization_ics": "an organization's public activities as iCalendar",
    # The QR code printed on a volunteer service certificate: the name masked (王*华),
    # hours, issuer, number, date and SHA-256 — no ID number, no activities
    # (tests/volunteering/test_certificates.py). An unknown code is a 404.
    "volunteering:certificate_check": "verification of a printed volunteer certificate",
    # The public read API (rankings.api, /api/v1/): anonymous, read-only, allow-listed
    # fields of what the public pages show; unpublished rows and missing ids are 404
    # (tests/rankings/test_api.py).
    "api:organization-detail": "an organization's public fields (public read API)",
    "api:ranking-detail": "a published ranking (public read API)",
    "api:ranking-rows": "a published ranking's rows (public read API)",
    "api:need-detail": "a listed need (public read API)",
    "api:resource-detail": "a listed resource (public read API)",
    "api:project-detail": "a matched project (public read API)",
    "api:wish-detail": "a micro-wish of the wall, alias only (public read API)",
    "api:activity-detail": "a session of a public activity (public read API)",
    "api:honour-detail": "an honour, a person's name masked (public read API)",
    # 凯益榜单 (rankings.views_public): a published ranking (a computed draft is a 404) and
    # an organization's portrait and its PDF, allow-listed facts only
    # (tests/rankings/test_portrait.py, test_public_board.py).
    "rankings:ranking": "a published ranking",
    "rankings:portrait": "an organization's public portrait",
    "rankings:portrait_pdf": "an organization's public portrait, printed",
}


# --- Walking the resolver --------------------------------------------------------------------


def _params(pattern) -> set[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return set(converters)
    return set(pattern.pattern.regex.groupindex)


def walk(resolver=None, namespace="", inherited=frozenset()):
    """Yield ``(name, params)`` of every URL pattern; ``name`` is ``"ns:name"`` or, for an
    unnamed pattern, its route in angle brackets."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        params = inherited | _params(pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern, ns, params)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<{pattern.pattern}>"
            yield (f"{namespace}:{name}" if namespace else name), frozenset(params)


def object_url_names() -> set[str]:
    """Every URL outside the admin that takes a path parameter."""
    return {
        name
        for name, params in walk()
        if params and not (name == "admin" or name.startswith("admin:"))
    }


def admin_object_url_names() -> dict[str, frozenset]:
    return {name: params for name, params in walk() if params and name.startswith("admin:")}


# --- Admin change pages ----------------------------------------------------------------------
# Model label -> build(tenant) -> an instance of street "a". Rows are made with the ORM or
# the per-app builders: the admin test only needs a row of street "a" to exist.


def _branch(tenant):
    return party_org(tenant.street, "a邻里互助会党支部", community=tenant.community)


def _development(tenant):
    return Development.objects.create(
        name="张发展",
        sex="M",
        birth_date=datetime.date(1995, 3, 1),
        id_number=resident_id(datetime.date(1995, 3, 1)),
        branch=_branch(tenant),
        organization=tenant.org,
        applied_on=datetime.date(2025, 3, 1),
    )


def _fund(tenant):
    return Fund.objects.create(street=tenant.street, name="美好a基金", seed_capital=Decimal("1000"))


def _member_transfer(tenant):
    branch = _branch(tenant)
    to_branch = party_org(tenant.street, "a联合党支部", community=tenant.other_community)
    return MemberTransfer.objects.create(
        member=member(branch, organization=tenant.org),
        from_branch=branch,
        to_branch=to_branch,
        transferred_on=datetime.date(2026, 3, 1),
    )


def _registration(tenant):
    from partybuilding.models import CommunityRegistration

    return CommunityRegistration.objects.create(
        member=member(_branch(tenant), organization=tenant.org),
        community=tenant.community,
        registered_on=datetime.date(2026, 3, 1),
    )


def _periodic_report(tenant):
    report = PeriodicReport.objects.create(
        street=tenant.street,
        kind="monthly",
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 10, 31),
    )
    report.pdf.save("a-2026-10.pdf", ContentFile(PDF), save=True)
    return report


def _award_objection(tenant):
    from awards.services.objections import objection_file

    nomination = Nomination.objects.get(pk=build_award_on_notice(tenant)["pk"])
    return objection_file(nomination=nomination, actor=tenant.leader, reason="材料不实")


def _award_honour(tenant):
    from tests.factories import record_honour

    return record_honour(tenant.org)


ADMIN_BUILDERS: dict[str, Callable[[object], object]] = {
    "accounts.Street": lambda t: t.street,
    "accounts.Community": lambda t: t.community,
    "accounts.User": lambda t: t.leader,
    "jobs.Job": lambda t: Job.objects.get(pk=build_job(t)["pk"]),
    "incubation.Organization": lambda t: t.org,
    "incubation.IncubationServiceRecord": lambda t: IncubationServiceRecord.objects.create(
        organization=t.org,
        kind="capacity",
        date=datetime.date(2026, 5, 1),
        provider="凯益荟",
        hours=Decimal("2"),
    ),
    "incubation.CreditListing": lambda t: CreditListing.objects.create(
        organization=t.org,
        list_kind="abnormal",
        ground="unreachable",
        listed_on=datetime.date(2026, 5, 1),
    ),
    # Mentor and mentee in the first community (a pairing is seen with its mentee).
    "incubation.Pairing": lambda t: Pairing.objects.create(
        mentor=t.org,
        mentee=OrganizationFactory(community=t.community, name="a青年志愿队"),
        started_on=datetime.date(2026, 1, 1),
    ),
    "incubation.OrganizationDocument": _document,
    "incubation.OrganizationEvent": lambda t: OrganizationEvent.objects.create(
        organization=t.org, kind="updated"
    ),
    "incubation.CheckpointOverride": lambda t: CheckpointOverride.objects.create(
        organization=t.org,
        stage="onboarding",
        to_stage="management",
        missing="尚未登记党建覆盖",
        reason="先行入驻",
        event=OrganizationEvent.objects.create(organization=t.org, kind="stage_changed"),
    ),
    "partybuilding.PartyOrganization": _branch,
    "partybuilding.PartyMember": lambda t: member(_branch(t), organization=t.org),
    "partybuilding.MemberTransfer": _member_transfer,
    "partybuilding.CommunityRegistration": lambda t: _registration(t),
    "partybuilding.Development": _development,
    "partybuilding.DevelopmentEvent": lambda t: DevelopmentEvent.objects.create(
        development=_development(t),
        from_value="applicant",
        to_value="activist",
        on=datetime.date(2026, 3, 1),
    ),
    "partybuilding.PartyCoverage": lambda t: cover(_branch(t), t.org),
    "partybuilding.InstructorAssignment": lambda t: instruct(
        t.org, party_org(t.street, "a街道党委", kind=PartyOrgKind.COMMITTEE)
    ),
    "partybuilding.LeadershipPreReview": lambda t: LeadershipPreReview.objects.create(
        organization=t.org,
        reviewed_by=_branch(t),
        reviewed_on=datetime.date(2026, 3, 1),
        candidates="王理事长",
        result="approved",
    ),
    "partybuilding.PartyActivity": lambda t: activity(
        _branch(t), ActivityKind.THEME_DAY, datetime.date(2026, 3, 25), organization=t.org
    ),
    "evaluation.IndicatorTemplate": lambda t: IndicatorTemplate.objects.create(
        street=t.street, name="a评估指标"
    ),
    "evaluation.Cycle": lambda t: make_cycle(t.street, open_it=False),
    "evaluation.Review": lambda t: Review.objects.create(
        cycle=make_cycle(t.street), organization=t.org
    ),
    "evaluation.ConflictDeclaration": lambda t: EvaluationConflict.objects.create(
        evaluator=t.evaluator, organization=t.org, reason="本人为该组织会员"
    ),
    "funding.Fund": _fund,
    "funding.Donation": lambda t: Donation.objects.create(
        fund=_fund(t),
        donor="a商会",
        amount=Decimal("500"),
        received_on=datetime.date(2026, 5, 1),
        receipt_number="A-0001",
    ),
    "funding.FundSpending": lambda t: FundSpending.objects.create(
        fund=_fund(t), project="邻里节", amount=Decimal("100"), spent_on=datetime.date(2026, 5, 2)
    ),
    "funding.GrantCall": lambda t: make_call(t),
    "funding.Application": lambda t: make_draft(make_call(t), make_eligible(t.org), t.leader),
    "reporting.PeriodicReport": _periodic_report,
    "marketplace.ListBatch": _market_batch,
    "marketplace.Need": _market_need,
    "marketplace.Resource": lambda t: _market_resource(t, _market_need(t)),
    "marketplace.PartnerUnit": _market_partner,
    "marketplace.Project": _market_project,
    "marketplace.Wish": _market_wish,
    "marketplace.Claim": _market_claim,
    "volunteering.Activity": _volunteering_activity_row,
    "volunteering.Volunteer": lambda t: _volunteering_place_row(t).volunteer,
    "volunteering.Place": _volunteering_place_row,
    "volunteering.HoursSupplement": _volunteering_supplement_row,
    "volunteering.VolunteerCertificate": _volunteering_certificate_row,
    "rankings.ScoringScheme": lambda t: _ranking_on_notice(t).scheme,
    "rankings.Ranking": _ranking_on_notice,
    "rankings.RankingRow": lambda t: _ranking_on_notice(t).rows.get(organization=t.org),
    "rankings.ScoreEntry": lambda t: (
        _ranking_on_notice(t).scheme.entries.filter(organization=t.org).first()
    ),
    "rankings.Objection": _objection,
    "awards.Campaign": lambda t: _award_campaign(t)[0],
    "awards.Nomination": lambda t: _award_campaign(t)[1],
    "awards.Judge": lambda t: _award_campaign(t, scoring=True)[0].judges.get(),
    "awards.Objection": _award_objection,
    "awards.Honour": _award_honour,
    "audit.AuditEntry": lambda t: AuditEntry.objects.create(
        actor=t.street_admin,
        actor_name=t.street_admin.username,
        action="update",
        app_label="incubation",
        model="organization",
        object_pk=str(t.org.pk),
        object_repr=t.org.name,
    ),
}

# Rows that belong to the street as a whole: community staff of any community of the street
# see them (accounts.scoping: a street's own record; funding.models.StreetWideQuerySet: the
# foundation and the calls). Every other row of the first community is invisible to the
# staff of the other community.
ADMIN_STREET_WIDE = {
    "accounts.Street",
    "marketplace.PartnerUnit",
    "marketplace.Resource",
    "funding.Fund",
    "funding.Donation",
    "funding.FundSpending",
    "funding.GrantCall",
    "awards.Campaign",
}

# Registered admins that hold every street's rows but open only to superusers: their
# change pages must still answer other staff as for a missing id (the same 403).
ADMIN_SUPERUSER_ONLY = {
    "audit.AuditEntry": "the platform-wide audit log; has_view_permission is superuser-only",
}

# Registered admins that are not ScopedAdminMixin but scope their own get_queryset
# through another model's visible_to: covered like the others.
ADMIN_SCOPED_BY_HAND = {"partybuilding.MemberTransfer", "partybuilding.DevelopmentEvent"}

# Registered admins that hold no tenant data, so nothing to scope.
ADMIN_NOT_TENANT = {
    "marketplace.Category": "the service category tree, the same for every street",
    "auth.Group": "roles are global groups; only superusers manage them",
    "axes.AccessAttempt": "login-throttling log (django-axes), superusers only",
    "axes.AccessLog": "login log (django-axes), superusers only",
    "axes.AccessFailureLog": "login failure log (django-axes), superusers only",
    "django_celery_beat.PeriodicTask": "the deployment's global schedule (from settings)",
    "django_celery_beat.ClockedSchedule": "the deployment's global schedule (from settings)",
    "django_celery_beat.CrontabSchedule": "the deployment's global schedule (from settings)",
    "django_celery_beat.SolarSchedule": "the deployment's global schedule (from settings)",
    "django_celery_beat.IntervalSchedule": "the deployment's global schedule (from settings)",
}

# Admin URLs with a parameter beyond each model's change/history/delete pages.
# name -> build(tenant) -> kwargs for a row of street "a" (None: not an object URL).
ADMIN_OBJECT_URLS: dict[str, Callable[[object], dict] | None] = {
    "admin:reporting_periodicreport_file": lambda t: {"pk": _periodic_report(t).pk, "fmt": "pdf"},
    "admin:auth_user_password_change": lambda t: {"id": t.leader.pk},
    # The stage-change buttons of the organization page (POST only; GET answers 405).
    "admin:incubation_organization_stage": lambda t: {"object_id": t.org.pk},
    # The buttons and the add-a-session form of an activity's admin page (POST only).
    "admin:volunteering_activity_decide": lambda t: {
        "object_id": build_volunteering_activity(t)["pk"]
    },
    "admin:volunteering_activity_session": lambda t: {
        "object_id": build_volunteering_activity(t)["pk"]
    },
    # contenttypes' shortcut: redirects to an object's get_absolute_url (no model of
    # ours has one, so it is a 404 for every object); checked with a's organization.
    "admin:view_on_site": lambda t: {
        "content_type_id": ContentType.objects.get_for_model(Organization).pk,
        "object_id": t.org.pk,
    },
    # An objection's decide page and its evidence download (rankings.admin.ObjectionAdmin).
    "admin:rankings_objection_decide": lambda t: {"object_id": _objection(t).pk},
    "admin:rankings_objection_evidence": lambda t: {"pk": _objection(t).evidence.get().pk},
    # Not object URLs: the admin index of one app takes an app label; the unnamed
    # ``<pk>/`` pattern of every model redirects to ``<pk>/change/`` without a lookup (the
    # change page is tested); the catch-all answers any other admin path.
    "admin:app_list": None,
    "admin:<<path:object_id>/>": None,
    "admin:<(?P<url>.*)$>": None,
}
