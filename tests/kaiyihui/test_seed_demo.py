import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import roles_of
from incubation.models import Organization


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
