"""Small builders for party-building tests: rows made directly with the ORM, so these tests
do not depend on the tree, coverage or member services."""

from __future__ import annotations

import datetime
import io
import itertools
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from partybuilding.choices import Establishment, MemberStatus, PartyOrgKind
from partybuilding.models import (
    InstructorAssignment,
    PartyActivity,
    PartyCoverage,
    PartyMember,
    PartyOrganization,
)
from tests.factories import OrganizationFactory

_numbers = itertools.count(1)
LONG_AGO = datetime.date(2015, 1, 1)


def party_org(
    street,
    name,
    *,
    kind=PartyOrgKind.BRANCH,
    establishment=Establishment.SINGLE,
    community=None,
    parent=None,
    **fields,
) -> PartyOrganization:
    if kind != PartyOrgKind.BRANCH and establishment == Establishment.SINGLE:
        establishment = ""
    return PartyOrganization.objects.create(
        street=street,
        name=name,
        kind=kind,
        establishment=establishment,
        community=community,
        parent=parent,
        **fields,
    )


def member(
    branch,
    name=None,
    *,
    organization=None,
    status=MemberStatus.FULL,
    id_number=None,
    phone="",
    **fields,
) -> PartyMember:
    number = next(_numbers)
    return PartyMember.objects.create(
        branch=branch,
        name=name or f"党员{number}",
        sex="M",
        birth_date=datetime.date(1980, 1, 1),
        # Unique, 18 characters; not a valid check digit (the ORM does not check it).
        id_number=id_number or f"330102{number:012d}",
        phone=phone,
        organization=organization,
        status=status,
        joined_on=datetime.date(2010, 7, 1),
        **fields,
    )


def members(branch, count, **fields) -> list[PartyMember]:
    return [member(branch, **fields) for _ in range(count)]


def cover(branch, organization, *, liaison="李联络", started_on=LONG_AGO, **fields):
    return PartyCoverage.objects.create(
        branch=branch,
        organization=organization,
        liaison=liaison,
        started_on=started_on,
        **fields,
    )


def instruct(organization, sent_by, *, name="王指导", started_on=LONG_AGO, **fields):
    return InstructorAssignment.objects.create(
        organization=organization, sent_by=sent_by, name=name, started_on=started_on, **fields
    )


def activity(branch, kind, date, *, title="活动", **fields) -> PartyActivity:
    return PartyActivity.objects.create(branch=branch, kind=kind, date=date, title=title, **fields)


def image_upload(name="photo.jpg", image_format="JPEG", size=(8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue())


# --- A street with known coverage ---------------------------------------------------------

PROBATIONARY = MemberStatus.PROBATIONARY


@dataclass
class Street:
    """Six organizations of tenant "a", in two communities:

    一社区: own (own branch, 3 full members), joint (joint branch, 3 full + 1 probationary
            → 应建未建), exited (graduated; own branch and 5 full members, not counted).
    二社区: functional (covered by a functional branch), instructor (instructor only),
            nothing (no coverage, no liaison; 2 full + 1 probationary).
    """

    tenant: object
    committee: object
    own_branch: object
    joint_branch: object
    functional_branch: object
    own: object
    joint: object
    exited: object
    functional: object
    instructor: object
    nothing: object


def coverage_street(tenant, outsider_tenant) -> Street:
    t = tenant
    committee = party_org(t.street, "a街道党委", kind=PartyOrgKind.COMMITTEE)
    own_branch = party_org(t.street, "邻里互助会党支部", community=t.community, parent=committee)
    joint_branch = party_org(
        t.street,
        "一社区社会组织联合党支部",
        establishment=Establishment.JOINT,
        community=t.community,
        parent=committee,
    )
    functional_branch = party_org(
        t.street,
        "孵化基地功能型党支部",
        establishment=Establishment.FUNCTIONAL,
        community=t.other_community,
        parent=committee,
    )
    exited_branch = party_org(t.street, "老年协会党支部", community=t.community)

    own = t.org
    joint = OrganizationFactory(community=t.community, name="a读书会")
    exited = OrganizationFactory(community=t.community, name="a老年协会", stage="graduated")
    functional = OrganizationFactory(community=t.other_community, name="a环保社")
    instructor = t.other_org
    nothing = OrganizationFactory(community=t.other_community, name="a舞蹈队")

    cover(own_branch, own)
    cover(joint_branch, joint)
    cover(exited_branch, exited)
    cover(functional_branch, functional, liaison="赵联络")
    instruct(instructor, committee)
    # An ended coverage and an ended instructor count for nothing.
    cover(joint_branch, nothing, ended_on=datetime.date(2020, 1, 1))
    instruct(nothing, committee, ended_on=datetime.date(2020, 1, 1))

    members(own_branch, 3, organization=own)
    members(joint_branch, 3, organization=joint)
    member(joint_branch, organization=joint, status=PROBATIONARY)
    members(exited_branch, 5, organization=exited)
    members(joint_branch, 2, organization=nothing)
    member(joint_branch, organization=nothing, status=PROBATIONARY)

    # The outsider street has an uncovered organization with many members: never counted.
    outsider_branch = party_org(outsider_tenant.street, "b党支部")
    members(outsider_branch, 4, organization=outsider_tenant.org)

    return Street(
        tenant=t,
        committee=committee,
        own_branch=own_branch,
        joint_branch=joint_branch,
        functional_branch=functional_branch,
        own=own,
        joint=joint,
        exited=exited,
        functional=functional,
        instructor=instructor,
        nothing=nothing,
    )
