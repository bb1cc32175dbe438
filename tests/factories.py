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


def record_party_facts(org, *, on=None, coverage=True, activity=True, prereview=True, award=False):
    """Record for ``org`` what the lifecycle's record-reading checkpoints look for (入驻
    coverage, 管理 a party activity of the last 12 months, 换届 an approved leadership
    pre-review of the last 6 months), dated ``on`` (default today): an active
    party-building instructor sent by the street's test committee, an activity of the
    committee held with the organization, an approved pre-review. Typed evidence no
    longer passes those checkpoints. With ``award``, also an honour of a closed award
    campaign (评选, read by ``awards.checkpoints``). Returns ``org``."""
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
    if award:
        record_honour(org, on=on)
    return org


def record_honour(org, *, on=None):
    """An honour of ``org`` from a closed campaign of its street (made directly: the
    campaign's services are tested in tests/awards)."""
    from awards.models import Campaign, Honour, Nomination

    on = on or timezone.localdate()
    campaign, _created = Campaign.objects.get_or_create(
        street=org.community.street,
        year=on.year,
        title="测试优秀社会组织",
        defaults={
            "criteria": "服务成效",
            "party_criterion": "党建工作纳入评选标准",
            "nominations_open_on": on,
            "nominations_close_on": on,
            "status": "closed",
        },
    )
    nomination = Nomination.objects.create(
        campaign=campaign,
        organization=org,
        statement="测试",
        nominated_as="staff",
        status="awarded",
    )
    return Honour.objects.create(
        campaign=campaign,
        nomination=nomination,
        awardee_kind="organization",
        organization=org,
        title=campaign.title,
        awarded_on=on,
    )
