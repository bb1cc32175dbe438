import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Community, Street, User
from accounts.roles import ADMIN_ROLES
from core.identifiers import complete_uscc
from incubation.models import Organization
from partybuilding.choices import ActivityKind, PartyOrgKind, PreReviewResult
from partybuilding.models import (
    InstructorAssignment,
    LeadershipPreReview,
    PartyActivity,
    PartyOrganization,
)


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"测试街道{n}")
    code = factory.Sequence(lambda n: f"street{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试社区{n}")
    code = factory.Sequence(lambda n: f"community{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
            if extracted in ADMIN_ROLES:
                self.is_staff = True
        self.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试社会组织{n}")
    community = factory.SubFactory(CommunityFactory)
    legal_status = "filed"
    filing_number = factory.Sequence(lambda n: f"KX-TEST-{n:05d}")


class RegisteredOrganizationFactory(OrganizationFactory):
    """A registered social group (社会团体) with a valid 统一社会信用代码."""

    legal_status = "social_group"
    filing_number = None
    uscc = factory.Sequence(lambda n: complete_uscc(f"51330102MJ{n:06d}"))
    leader_name = "张建国"
    leader_phone = "13812345678"
    leader_political_status = "party_member"
    party_member_count = 3


def record_party_facts(org, *, on=None, coverage=True, activity=True, prereview=True):
    """Record for ``org`` what the lifecycle's record-reading checkpoints look for (入驻
    coverage, 管理 a party activity of the last 12 months, 换届 an approved leadership
    pre-review of the last 6 months), dated ``on`` (default today): an active
    party-building instructor sent by the street's test committee, an activity of the
    committee held with the organization, an approved pre-review. Typed evidence no
    longer passes those checkpoints. Returns ``org``."""
    on = on or timezone.localdate()
    street = org.community.street
    committee, _created = PartyOrganization.objects.get_or_create(
        street=street, name=f"{street.name}测试党委", defaults={"kind": PartyOrgKind.COMMITTEE}
    )
    if coverage and not InstructorAssignment.objects.active().filter(organization=org).exists():
        InstructorAssignment.objects.create(
            organization=org,
            name="测试指导员",
            sent_by=committee,
            started_on=on - datetime.timedelta(days=30),
        )
    if activity:
        PartyActivity.objects.create(
            branch=committee,
            kind=ActivityKind.PARTY_LECTURE,
            date=on,
            title="党建指导员送党课",
            organization=org,
        )
    if prereview:
        LeadershipPreReview.objects.create(
            organization=org,
            reviewed_by=committee,
            reviewed_on=on,
            candidates="张三、李四",
            result=PreReviewResult.APPROVED,
        )
    return org
