"""Issue 14, item 6: a cycle's grade thresholds and evaluator-group weights are edited in
the admin as labelled number fields, validated, and written back to the JSON."""

import pytest
from django.urls import reverse

from evaluation.admin_forms import CycleAdminForm
from evaluation.models import Cycle
from evaluation.workflows import CycleStatus

pytestmark = pytest.mark.django_db

RULES = {
    "threshold_5A": "950",
    "threshold_4A": "901",
    "threshold_3A": "851",
    "threshold_2A": "801",
    "weight_street_leader": "25",
    "weight_department": "25",
    "weight_expert": "40",
    "weight_community": "10",
    "party_rule": "on",
    "pass_mark": "500",
    "basic_pass_mark": "400",
    "spread_limit": "150",
}


def _form(cycle, **changes):
    data = {
        "year": str(cycle.year),
        "template": cycle.template_id,
        "opens_on": cycle.opens_on.isoformat(),
        "deadline": cycle.deadline.isoformat(),
        **RULES,
        **changes,
    }
    return CycleAdminForm(data, instance=cycle)


def test_it_writes_the_labelled_fields_back_to_the_json(ev):
    form = _form(ev.cycle, threshold_2A="", weight_expert="39.5", weight_community="10.5")
    assert form.is_valid(), form.errors
    form.save()
    ev.cycle.refresh_from_db()
    assert ev.cycle.thresholds == {"5A": 950, "4A": 901, "3A": 851}
    assert ev.cycle.weights == {
        "street_leader": 25,
        "department": 25,
        "expert": 39.5,
        "community": 10.5,
    }


def test_it_refuses_weights_that_do_not_add_up_to_100(ev):
    form = _form(ev.cycle, weight_expert="50")
    assert not form.is_valid()
    assert "110" in str(form.non_field_errors())


def test_it_refuses_thresholds_that_do_not_fall_from_5a_down(ev):
    form = _form(ev.cycle, threshold_3A="905")
    assert not form.is_valid()
    assert "3A" in str(form.errors["threshold_3A"]) and "4A" in str(form.errors["threshold_3A"])


def test_it_needs_at_least_one_threshold(ev):
    empty = {f"threshold_{grade}": "" for grade in ("5A", "4A", "3A", "2A")}
    form = _form(ev.cycle, **empty)
    assert not form.is_valid() and "threshold_5A" in form.errors


def test_it_shows_the_saved_values_in_their_fields(ev):
    form = CycleAdminForm(instance=ev.cycle)
    assert form["threshold_5A"].value() == ev.cycle.thresholds["5A"]
    assert form["weight_expert"].value() == ev.cycle.weights["expert"]


def test_the_admin_page_has_a_labelled_field_per_key_and_no_json(ev, client):
    Cycle.objects.filter(pk=ev.cycle.pk).update(status=CycleStatus.DRAFT)
    client.force_login(ev.staff)
    page = client.get(reverse("admin:evaluation_cycle_change", args=[ev.cycle.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="threshold_4A"' in body and 'name="weight_community"' in body
    assert 'name="weights"' not in body and 'name="thresholds"' not in body
    assert "专家" in body  # the group's label, not its code


def test_a_closed_cycle_shows_its_rules_as_text(ev, client):
    Cycle.objects.filter(pk=ev.cycle.pk).update(status=CycleStatus.CLOSED)
    client.force_login(ev.staff)
    page = client.get(reverse("admin:evaluation_cycle_change", args=[ev.cycle.pk]))
    assert page.status_code == 200
    assert 'name="threshold_5A"' not in page.content.decode()
    assert "5A" in page.content.decode()
