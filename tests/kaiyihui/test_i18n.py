import datetime
import sys
from pathlib import Path

from django.utils import formats, translation

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from check_translations import problems  # noqa: E402


def test_the_chinese_catalogue_is_complete():
    assert problems() == []


def test_dates_are_shown_the_chinese_way():
    with translation.override("zh-hans"):
        assert formats.date_format(datetime.date(2026, 11, 28)) == "2026年11月28日"


def test_role_labels_are_translated_but_codes_stay_ascii():
    from accounts.roles import Role

    with translation.override("zh-hans"):
        assert str(Role.STREET_ADMIN.label) == "街道工作人员"
    assert Role.STREET_ADMIN.value == "street_admin"
