"""Shared fixtures: two streets, each with communities, organizations and one user per
role, so every test can ask what an insider and an outsider see."""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from accounts.services import roles_sync
from tests.factories import CommunityFactory, OrganizationFactory, StreetFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashers take ~0.1 s per password by design; tests only need them to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Stored files (reports, attachments, job results) never land in the working tree.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _two_factor_not_required(settings):
    # Production requires two-factor sign-in of superusers and street staff
    # (KAIYIHUI_REQUIRE_2FA_ROLES). The tests of other areas sign in with force_login or
    # the password form and are not about it, so here nobody is *required* to set it up;
    # accounts that have an authenticator are still asked for a code. tests/twofactor
    # puts the production value back (fixture `two_factor_required`).
    settings.KAIYIHUI_REQUIRE_2FA_ROLES = ()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Public pages cache their rows (60 s, per process): one test's page must not be
    # served to the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _roles(db):
    # Groups come from post_migrate; a reused or flushed database may lack them.
    roles_sync()


@dataclass
class Tenant:
    street: object
    community: object
    other_community: object
    org: object
    other_org: object  # same street, another community
    street_admin: object
    community_staff: object
    leader: object
    evaluator: object
    party_worker: object


def make_tenant(tag: str) -> Tenant:
    street = StreetFactory(name=f"{tag}街道", code=f"{tag}-street")
    community = CommunityFactory(street=street, name=f"{tag}一社区", code=f"{tag}-c1")
    other_community = CommunityFactory(street=street, name=f"{tag}二社区", code=f"{tag}-c2")
    org = OrganizationFactory(community=community, name=f"{tag}邻里互助会")
    other_org = OrganizationFactory(community=other_community, name=f"{tag}书画社")
    leader = UserFactory(username=f"{tag}-leader", role=Role.ORG_LEADER, street=street)
    org.leader_accounts.add(leader)
    return Tenant(
        street=street,
        community=community,
        other_community=other_community,
        org=org,
        other_org=other_org,
        street_admin=UserFactory(username=f"{tag}-admin", role=Role.STREET_ADMIN, street=street),
        community_staff=UserFactory(
            username=f"{tag}-staff", role=Role.COMMUNITY_STAFF, street=street, community=community
        ),
        leader=leader,
        evaluator=UserFactory(username=f"{tag}-expert", role=Role.EVALUATOR, street=street),
        party_worker=UserFactory(username=f"{tag}-party", role=Role.PARTY_WORKER, street=street),
    )


@pytest.fixture
def tenant(db):
    return make_tenant("a")


@pytest.fixture
def outsider_tenant(db):
    return make_tenant("b")


class QueryCounter:
    """Fails with the list of queries when a count is wrong (the Zulip habit)."""

    def __init__(self):
        self.ctx = CaptureQueriesContext(connection)

    def __enter__(self):
        self.ctx.__enter__()
        return self

    def __exit__(self, *exc):
        self.ctx.__exit__(*exc)

    @property
    def count(self):
        return len(self.ctx.captured_queries)

    def dump(self):
        return "\n".join(f"{i}. {q['sql']}" for i, q in enumerate(self.ctx.captured_queries, 1))


@pytest.fixture
def count_queries():
    return QueryCounter
