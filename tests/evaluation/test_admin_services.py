"""The cycle and template admins save through services (issue 15: admin never saves a
model directly): the services keep the rules the admin form alone used to keep."""

import datetime

import pytest

from core.errors import ActionRefused
from evaluation.models import Cycle, IndicatorTemplate
from evaluation.services.cycles import cycle_change_status, cycle_update
from evaluation.services.templates import template_save
from evaluation.workflows import CycleStatus

pytestmark = pytest.mark.django_db


def test_it_keeps_the_year_and_template_of_an_open_cycle(ev):
    cycle = Cycle.objects.get(pk=ev.cycle.pk)
    cycle.year = 2031
    cycle.deadline = cycle.deadline + datetime.timedelta(days=7)
    cycle_update(cycle=cycle, actor=ev.staff)
    stored = Cycle.objects.get(pk=cycle.pk)
    assert stored.year == ev.cycle.year
    assert stored.deadline == ev.cycle.deadline + datetime.timedelta(days=7)


def test_it_refuses_to_change_a_closed_cycle(ev):
    cycle_change_status(cycle=ev.cycle, to_status=CycleStatus.CLOSED, actor=None)
    cycle = Cycle.objects.get(pk=ev.cycle.pk)
    cycle.pass_mark = 1
    with pytest.raises(ActionRefused, match="已关闭"):
        cycle_update(cycle=cycle, actor=ev.staff)


def test_it_refuses_cycle_changes_by_a_leader(ev):
    with pytest.raises(ActionRefused):
        cycle_update(cycle=Cycle.objects.get(pk=ev.cycle.pk), actor=ev.leader)


def test_it_creates_a_template_in_the_actors_street(ev):
    template = template_save(template=IndicatorTemplate(name="社区社会组织指标"), actor=ev.staff)
    assert template.street_id == ev.staff.street_id


def test_it_refuses_to_rename_a_frozen_template(ev):
    template = IndicatorTemplate.objects.get(pk=ev.cycle.template_id)
    assert template.frozen
    template.name = "改名"
    with pytest.raises(ActionRefused):
        template_save(template=template, actor=ev.staff)
