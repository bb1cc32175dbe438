"""Demo geography and accounts: 凯旋街道 with its communities and one account per role."""

from django.conf import settings
from django.contrib.auth.models import Group

from accounts.models import Street, User
from accounts.roles import Role
from accounts.services import community_get_or_create, street_get_or_create, user_create

STREET = {"name": "凯旋街道", "code": "kaixuan", "district": "杭州市上城区"}

COMMUNITIES = [
    ("南肖埠社区", "nanxiaobu"),
    ("景昙社区", "jingtan"),
    ("凯旋社区", "kaixuan"),
    ("新风社区", "xinfeng"),
    ("华家池社区", "huajiachi"),
    ("凤凰社区", "fenghuang"),
    ("濮家社区", "pujia"),
    ("金秋花园社区", "jinqiu"),
    ("三里亭社区", "sanliting"),
    ("庆和社区", "qinghe"),
]

# (username, role, full name, community index or None)
ACCOUNTS = [
    ("admin", Role.STREET_ADMIN, "王建华", None),
    ("community1", Role.COMMUNITY_STAFF, "李晓梅", 0),
    ("leader1", Role.ORG_LEADER, "陈国平", 0),
    ("leader2", Role.ORG_LEADER, "周丽娟", 1),
    ("expert1", Role.EVALUATOR, "赵志远", None),
]


def seed_geography() -> Street:
    street = street_get_or_create(**STREET)
    for name, code in COMMUNITIES:
        community_get_or_create(street=street, name=name, code=code)
    return street


def seed_accounts(street: Street) -> dict[str, User]:
    communities = list(street.communities.order_by("pk"))
    users = {}
    for username, role, full_name, community_index in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password=settings.DEMO_PASSWORD,
                role=role,
                street=street,
                community=communities[community_index] if community_index is not None else None,
                full_name=full_name,
                email=f"{username}@kaiyihui.local",
            )
        users[username] = user
    # The demo street admin also gets the superuser switch, so a fresh install can manage
    # everything (including the schedule and other streets) out of the box.
    admin = users["admin"]
    if not admin.is_superuser:
        User.objects.filter(pk=admin.pk).update(is_superuser=True)
    Group.objects.get(name=Role.STREET_ADMIN).user_set.add(admin)
    return users


def seed_leader_account(street: Street, username: str, full_name: str, community) -> User:
    """A portal account for the leader of one more demo organization (this year's reviews
    and applications need their leaders to fill them in). Idempotent by username."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            username=username,
            password=settings.DEMO_PASSWORD,
            role=Role.ORG_LEADER,
            street=street,
            community=community,
            full_name=full_name,
            email=f"{username}@kaiyihui.local",
        )
    return user
