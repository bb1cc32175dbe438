from django.urls import reverse

from notifications.kinds import KINDS
from notifications.models import NotificationOptOut
from notifications.services import notify


def test_it_lists_optional_kinds_and_saves_an_opt_out(client, tenant):
    client.force_login(tenant.leader)
    page = client.get(reverse("notifications:settings"))
    assert page.status_code == 200
    optional = [k.code for k in KINDS.values() if k.optional]
    assert "stage_changed" in optional
    keep = [code for code in optional if code != "stage_changed"]
    client.post(reverse("notifications:settings"), {"kinds": keep})
    assert list(
        NotificationOptOut.objects.filter(user=tenant.leader).values_list("kind", flat=True)
    ) == ["stage_changed"]
    assert notify(recipient=tenant.leader, kind="stage_changed", key="x", title="t") is None
    assert notify(recipient=tenant.leader, kind="re_election_due", key="x", title="t")


def test_switching_back_on_removes_the_opt_out(client, tenant):
    NotificationOptOut.objects.create(user=tenant.leader, kind="stage_changed")
    client.force_login(tenant.leader)
    optional = [k.code for k in KINDS.values() if k.optional]
    client.post(reverse("notifications:settings"), {"kinds": optional})
    assert not NotificationOptOut.objects.filter(user=tenant.leader).exists()


def test_anonymous_users_are_sent_to_login(client, db):
    assert client.get(reverse("notifications:settings")).status_code == 302
