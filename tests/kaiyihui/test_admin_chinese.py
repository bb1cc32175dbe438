"""Issue 14, item 6: the admin reads as a Chinese product. A superuser (who sees every
registered model) opens the index, every changelist and every add and change form in
zh-hans; the visible text — tags, scripts and styles stripped — holds no English words
beyond an allow-list of names, codes and formats."""

import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.conftest import make_tenant
from tests.evaluation.helpers import TODAY
from tests.factories import UserFactory
from tests.kaiyihui.object_urls import ADMIN_BUILDERS

pytestmark = pytest.mark.django_db

# Words that are Chinese staff's own vocabulary or data, not untranslated interface text.
ALLOWED = {
    "excel",
    "pdf",
    "sha",
    "csv",
    "xlsx",
    "zip",
    "json",
    "url",
    "http",
    "https",
    "www",
    "uscc",
    "totp",
    "ip",
    # Key names in Django's own Chinese help text: 按住 Control 键或 Mac 上的 Command 键.
    "control",
    "command",
    "mac",
    # Code literals in django-celery-beat's own Chinese help texts (设置为False可禁用时间表,
    # 低层级AMQP路由) and in Django's (例如单一登入或LDAP).
    "false",
    "true",
    "none",
    "amqp",
    "ldap",
    "enabled",
}
# Words that third-party code writes without gettext, so no translation reaches them:
# django-celery-beat's PeriodicTask.task is verbose_name='Task Name' (also in the inline
# of each schedule), and its admin's "scheduler" and "crontab_translation" columns have
# no description.
_TASK_NAME = {"Task", "Name"}
UPSTREAM = {
    "django_celery_beat.PeriodicTask": _TASK_NAME | {"Scheduler", "Crontab", "translation"},
    "django_celery_beat.ClockedSchedule": _TASK_NAME,
    "django_celery_beat.IntervalSchedule": _TASK_NAME,
    "django_celery_beat.SolarSchedule": _TASK_NAME,
    "django_celery_beat.CrontabSchedule": _TASK_NAME,
}
# Codes rather than words: usernames and codes of the test world (m3-admin), e-mail
# addresses, anything with a digit, dotted or underscored identifiers (task names,
# app.model labels), time zone names (Asia/Shanghai), URLs, JSON examples ({"key": 1})
# and stored placeholders (<unknown>, the user agent of the test client).
DATA = re.compile(r"^(?:\S*[-@/_.\d{}\"<>]\S*)$")
WORD = re.compile(r"[A-Za-z]{3,}")


class _Text(HTMLParser):
    """The text a person sees: no tags, scripts, styles, hidden inputs or attribute
    values (titles and placeholders aside: they are seen too)."""

    SKIP = {"script", "style", "template"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        # The time zone picker of a schedule lists the IANA names (America/Buenos_Aires).
        if tag in self.SKIP or (tag == "select" and dict(attrs).get("name") == "timezone"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label") and value:
                self.parts.append(value)
            if (
                tag == "input"
                and name == "value"
                and value
                and dict(attrs).get("type")
                in (
                    "submit",
                    "button",
                )
            ):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if (tag in self.SKIP or tag == "select") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def english_words(html: str, own_data: set[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    found = []
    for chunk in parser.parts:
        for token in chunk.split():
            if DATA.match(token) or token.strip("().,:;'\"“”") in own_data:
                continue
            for word in WORD.findall(token):
                if word.lower() not in ALLOWED and word not in own_data:
                    found.append(word)
    return found


@pytest.fixture
def superuser_client(client):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    return client


@pytest.fixture
def rows():
    with time_machine.travel(TODAY, tick=False):
        tenants, built = [], {}
        # A street per builder, as in test_every_object_url: builders share names.
        for i, (label, build) in enumerate(sorted(ADMIN_BUILDERS.items())):
            tenants.append(make_tenant(f"m{i}"))
            built[label] = build(tenants[-1])
    return tenants, built


def _own_data(tenants) -> set[str]:
    return {"root"} | {
        user.username
        for tenant in tenants
        for user in (tenant.street_admin, tenant.community_staff, tenant.leader)
    }


def _pages(built):
    for model, _model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        yield f"{opts.label} list", reverse(f"{prefix}_changelist")
        try:
            add = reverse(f"{prefix}_add")
        except NoReverseMatch:
            add = None
        if add:
            yield f"{opts.label} add", add
        obj = built.get(opts.label) or model._default_manager.first()
        if obj is not None:
            yield f"{opts.label} change", reverse(f"{prefix}_change", args=[obj.pk])


def test_it_shows_no_english_words_on_any_admin_page(superuser_client, rows):
    tenants, built = rows
    own = _own_data(tenants)
    pages = [("index", reverse("admin:index")), *_pages(built)]
    problems = {}
    for name, url in pages:  # name: "<app.Model> <page>"
        response = superuser_client.get(url)
        if response.status_code in (302, 403):  # e.g. an add page the model admin refuses
            continue
        assert response.status_code == 200, (name, url, response.status_code)
        words = set(english_words(response.content.decode(), own))
        words -= UPSTREAM.get(name.split()[0], set())
        if words:
            problems[name] = sorted(set(words))
    assert not problems, "\n".join(f"{name}: {words}" for name, words in sorted(problems.items()))
