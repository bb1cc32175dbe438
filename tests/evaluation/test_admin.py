"""Staff pages: templates (frozen once used), cycles (rules checked), the batch report
action going to the job page, and the evaluator's conflict page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import ConflictDeclaration, Cycle, IndicatorTemplate
from evaluation.services.scoring import review_finalize
from evaluation.services.templates import template_new_version
from jobs.models import Job
from tests.evaluation.helpers import assign_all, score_all, submitted_review

pytestmark = pytest.mark.django_db


def test_a_used_template_is_frozen_and_a_new_version_is_editable(ev, client):
    template = IndicatorTemplate.objects.get(pk=ev.cycle.template_id)
    assert template.frozen
    client.force_login(ev.staff)
    page = client.get(reverse("admin:evaluation_indicatortemplate_change", args=[template.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    copy = template_new_version(template=template, actor=ev.staff)
    assert (copy.version, copy.frozen) == (2, False)
    assert copy.indicators.count() == template.indicators.count()
    assert sum(i.max_points for i in copy.indicators.filter(parent__isnull=False, scope="all")) + (
        sum(i.max_points for i in copy.indicators.filter(parent__isnull=False, scope="not_pne"))
    ) == Decimal(1000)
    # The finished cycle keeps the version it used.
    assert Cycle.objects.get(pk=ev.cycle.pk).template_id == template.pk


def test_the_default_template_is_1000_points_for_both_kinds(ev):
    from evaluation.selectors import template_items

    items = template_items(ev.cycle.template)
    social_group = sum(i.max_points for i in items if i.applies_to(ev.org))
    ev.org.legal_status = "private_non_enterprise"
    pne = [i for i in items if i.applies_to(ev.org)]
    assert social_group == sum(i.max_points for i in pne) == Decimal(1000)
    assert "业务活动和诚信建设" in {i.parent.name for i in pne}
    assert "工作绩效" not in {i.parent.name for i in pne}
    names = {i.name for i in items}
    assert {"党组织建设", "项目承接", "居民满意度"} <= names


def test_cycle_admin_checks_thresholds_and_weights(ev, client):
    client.force_login(ev.staff)
    template = IndicatorTemplate.objects.get(pk=ev.cycle.template_id)
    data = {
        "year": "2027",
        "template": template.pk,
        "opens_on": "2027-11-01",
        "deadline": "2027-12-15",
        # Labelled fields, not JSON (issue 14): 4A above 5A is refused.
        "threshold_5A": "700",
        "threshold_4A": "800",
        "weight_street_leader": "0",
        "weight_department": "0",
        "weight_expert": "100",
        "weight_community": "0",
        "party_rule": "on",
        "pass_mark": "500",
        "basic_pass_mark": "400",
        "spread_limit": "150",
    }
    page = client.post(reverse("admin:evaluation_cycle_add"), data)
    assert page.status_code == 200 and not Cycle.objects.filter(year=2027).exists()
    data.update(threshold_5A="950", threshold_4A="901", threshold_3A="851", threshold_2A="801")
    assert client.post(reverse("admin:evaluation_cycle_add"), data).status_code == 302
    cycle = Cycle.objects.get(year=2027)
    assert cycle.street == ev.tenant.street and cycle.thresholds["4A"] == 901


def test_generate_all_reports_runs_a_job_with_a_zip(ev, client, django_capture_on_commit_callbacks):
    review = submitted_review(ev)
    assign_all(ev, review, groups=["expert"])
    score_all(review, ev.evaluators["expert"], Decimal("0.9"))
    review_finalize(review=review, actor=ev.staff)
    client.force_login(ev.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:evaluation_cycle_changelist"),
            {"action": "generate_reports", "_selected_action": [ev.cycle.pk]},
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "done" and job.result.name.endswith(".zip")


def test_an_evaluator_declares_a_conflict_by_code(ev, client):
    expert = ev.evaluators["expert"]
    client.force_login(expert)
    url = reverse("evaluation:conflicts")
    assert client.get(url).status_code == 200
    client.post(url, {"identifier": "NOPE", "reason": "x"})
    assert not ConflictDeclaration.objects.exists()
    client.post(url, {"identifier": ev.org.uscc.lower(), "reason": "本人任该组织理事"})
    assert ConflictDeclaration.objects.get(evaluator=expert).organization == ev.org
    client.force_login(ev.leader)
    assert client.get(url).status_code == 404


def test_an_editable_version_offers_only_its_own_dimensions(ev, client, outsider_tenant):
    from tests.evaluation.helpers import make_cycle

    make_cycle(outsider_tenant.street)
    copy = template_new_version(
        template=IndicatorTemplate.objects.get(pk=ev.cycle.template_id), actor=ev.staff
    )
    client.force_login(ev.staff)
    page = client.get(reverse("admin:evaluation_indicatortemplate_change", args=[copy.pk]))
    assert page.status_code == 200
    formset = page.context["inline_admin_formsets"][0].formset
    choices = set(formset.forms[0].fields["parent"].queryset)
    assert choices == set(copy.indicators.filter(parent__isnull=True))
    other = IndicatorTemplate.objects.get(street=outsider_tenant.street)
    assert client.get(
        reverse("admin:evaluation_indicatortemplate_change", args=[other.pk])
    ).status_code in (302, 404)
