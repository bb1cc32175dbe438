import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from accounts.roles import roles_of
from core.todos import todos_for
from evaluation.models import Review
from incubation.models import Organization
from notifications.models import Notification
from partybuilding.models import PartyActivity


def test_it_seeds_the_demo_twice_without_duplicates(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "kaiyihui2026" in out
    demo_names = ["admin", "community1", "leader1", "leader2", "expert1"]
    assert User.objects.filter(username__in=demo_names).count() == 5
    leader1, leader2 = User.objects.get(username="leader1"), User.objects.get(username="leader2")
    assert set(Organization.objects.visible_to(leader1)).isdisjoint(
        Organization.objects.visible_to(leader2)
    )
    assert Organization.objects.visible_to(leader1).count() == 1
    assert roles_of(User.objects.get(username="community1")) == {"community_staff"}
    # This year's extra leaders and their reviews are not made again by the second run.
    assert User.objects.filter(username__regex=r"^leader[3-8]$").count() == 6
    assert Review.objects.filter(cycle__year=timezone.localdate().year).count() == 8


def test_it_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")


def test_if_empty_leaves_an_existing_database_alone(db, settings, capsys):
    settings.DEBUG = True
    User.objects.create(username="someone")
    call_command("seed_demo", "--if-empty")
    assert not User.objects.filter(username="admin").exists()
    assert "not loaded" in capsys.readouterr().out


def test_demo_admin_can_log_in_to_the_admin(client, db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    client.post("/accounts/login/", {"username": "admin", "password": "kaiyihui2026"})
    assert client.get("/admin/").status_code == 200


def test_it_leaves_progress_history_and_work_for_every_role(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    # One line per step, with its seconds, before the summary.
    steps = [line for line in out.splitlines() if line.startswith("[")]
    assert [line.split("]")[0] + "]" for line in steps] == [f"[{n}/12]" for n in range(1, 13)]
    assert all(line.endswith(" s") for line in steps)
    assert out.index("[12/12]") < out.index("Demo data ready")

    today = timezone.localdate()
    # Organizational life in each of the four years before this one (year-on-year chart).
    for year in range(today.year - 4, today.year):
        assert PartyActivity.objects.filter(date__year=year).count() > 500

    def todos(username):
        return todos_for(User.objects.get(username=username), today)

    expert = todos("expert1")
    assert sum(item.source == "evaluation" for item in expert) >= 6
    assert sum(item.source == "funding" for item in expert) >= 3
    community = {item.title for item in todos("community1")}
    assert {"已提交待处理的年度评估", "已退回待重新提交的年度评估", "证照即将到期"} <= community
    leader1 = {item.source for item in todos("leader1")}
    assert {"evaluation", "funding"} <= leader1

    # Notifications from the reminder services; the walk's stage changes are history.
    unread = Notification.objects.filter(read_at__isnull=True)
    assert not unread.filter(kind="stage_changed").exists()
    assert unread.filter(recipient__username="leader1", kind="evaluation_nudge").exists()
    assert unread.filter(recipient__username="leader1", kind="document_expiring").exists()
    assert unread.filter(recipient__username="community1", kind="re_election_due").exists()
    assert unread.filter(recipient__username="expert1", kind="evaluation_scores_pending").exists()
