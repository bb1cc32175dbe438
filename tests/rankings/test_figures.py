"""``ranking_published_at`` in stats --json and the headline figures: the day the latest
street-wide ranking went on public notice; a computed draft does not count."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from rankings.figures import rankings_figures
from rankings.models import Ranking
from rankings.workflows import RankingStatus
from reporting.selectors import headline_figures
from tests.rankings.test_portrait import publish_month

pytestmark = pytest.mark.django_db


def test_it_is_the_day_the_latest_ranking_went_on_notice(tenant, scheme, outsider_tenant, capsys):
    assert rankings_figures(street=tenant.street) == {"ranking_published_at": None}
    shown = publish_month(tenant, scheme, datetime.date(2026, 10, 1), {tenant.org: (1, {})})
    draft = publish_month(
        tenant,
        scheme,
        datetime.date(2026, 11, 1),
        {tenant.org: (1, {"services": Decimal(1)})},
        status=RankingStatus.COMPUTED,
    )
    on = timezone.make_aware(datetime.datetime(2026, 11, 3, 9))
    Ranking.objects.filter(pk=shown.pk).update(published_at=on)
    Ranking.objects.filter(pk=draft.pk).update(published_at=on + datetime.timedelta(days=20))
    assert rankings_figures(street=tenant.street)["ranking_published_at"] == "2026-11-03"
    assert rankings_figures(street=outsider_tenant.street)["ranking_published_at"] is None
    assert headline_figures(community=tenant.community)["ranking_published_at"] == "2026-11-03"
    call_command("stats", "--json", "--street", tenant.street.code)
    assert json.loads(capsys.readouterr().out)["ranking_published_at"] == "2026-11-03"
