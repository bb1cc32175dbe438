"""Money and dates as staff write them (issue 14, item 4): 12,345.00 元, 50 万元,
2026年12月4日, and one name per thing in the Chinese catalogue."""

import datetime
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from core.templatetags.money import wan_yuan, yuan, yuan_number
from tests.funding.factories import make_call

CATALOGUE = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"


def test_it_groups_thousands_with_two_decimals():
    with translation.override("zh-hans"):
        assert yuan(Decimal("12345.5")) == "12,345.50 元"
        assert yuan("1234567.005") == "1,234,567.01 元"
        assert yuan_number(Decimal("800")) == "800.00"


def test_it_writes_large_sums_in_wan():
    with translation.override("zh-hans"):
        assert wan_yuan(Decimal("500000")) == "50 万元"
        assert wan_yuan(Decimal("12345")) == "1.23 万元"
        assert wan_yuan(Decimal("125000000")) == "12,500 万元"


def test_it_shows_a_dash_when_there_is_no_amount():
    assert yuan(None) == "—"
    assert yuan_number("") == "—"
    assert wan_yuan(None) == "—"


def test_it_falls_back_to_yuan_in_english():
    with translation.override("en"):
        assert wan_yuan(Decimal("500000")) == "500,000.00 yuan"


def test_it_is_a_template_library_every_template_can_load():
    html = Template("{% load money %}{{ a|yuan }} / {{ a|wan_yuan }}").render(
        Context({"a": Decimal("500000")})
    )
    with translation.override("zh-hans"):
        assert "500,000.00" in html


@pytest.mark.django_db
def test_it_shows_the_call_in_house_money_and_words(client, tenant):
    call = make_call(tenant, budget="500000", cap="50000")
    client.force_login(tenant.leader)
    content = client.get(reverse("funding:call", args=[call.pk])).content.decode()
    assert "50 万元" in content  # total budget, as staff write it
    assert "50,000.00 元" in content  # per-project cap
    assert "申报时间" in content
    assert "打开" not in content  # the call period is no "open this" link
    opens = call.opens_on
    assert f"{opens.year}年{opens.month}月{opens.day}日" in content


def test_it_uses_one_name_for_the_annual_review():
    """年检 is the lifecycle stage and its result; the submission is 年度评估 (glossary)."""
    po = polib.pofile(str(CATALOGUE))
    wrong = [
        (e.msgid, e.msgstr)
        for e in po
        if "annual review" in e.msgid.lower()
        and "result" not in e.msgid
        and "年检" not in e.msgid
        and e.msgid != "Annual review"  # the lifecycle stage 年检
        and ("年度报告" in e.msgstr or "年度年检" in e.msgstr or "年检评估" in e.msgstr)
    ]
    assert not wrong, wrong
    by_id = {e.msgid: e.msgstr for e in po}
    assert by_id["Annual reviews"] == by_id["annual review"] == "年度评估"
    assert by_id["Annual review"] == "年检"
    assert "打开" not in by_id["Call period"]


def test_it_shows_dates_in_the_house_format():
    with translation.override("zh-hans"):
        html = Template('{{ d|date:"DATE_FORMAT" }}').render(
            Context({"d": datetime.date(2026, 12, 4)})
        )
    assert html == "2026年12月4日"
