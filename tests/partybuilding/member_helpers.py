"""Party trees, ID numbers and members for the member tests. Tree rows are made with the
ORM directly, so these tests do not depend on the tree services."""

import datetime
import io
from dataclasses import dataclass

import openpyxl

from partybuilding.choices import Establishment, MemberStatus, PartyOrgKind
from partybuilding.members_excel import HEADERS
from partybuilding.models import PartyMember, PartyOrganization

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def resident_id(birth: datetime.date, sex: str = "M", seq: int = 1, region: str = "330102") -> str:
    """A valid 18-character resident ID number (GB 11643) for the birth date and sex:
    position 17 is odd for men, even for women."""
    order = seq * 2 + (1 if sex == "M" else 0)
    body = f"{region}{birth:%Y%m%d}{order % 1000:03d}"
    check = _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]
    return body + check


@dataclass
class Tree:
    committee: PartyOrganization
    general_branch: PartyOrganization
    branch: PartyOrganization  # under the committee, of tenant.community
    other_branch: PartyOrganization  # under the general branch, of tenant.other_community


def make_tree(tenant, tag: str = "") -> Tree:
    tag = tag or tenant.street.code
    committee = PartyOrganization.objects.create(
        street=tenant.street, kind=PartyOrgKind.COMMITTEE, name=f"{tag}街道党委"
    )
    general = PartyOrganization.objects.create(
        street=tenant.street,
        kind=PartyOrgKind.GENERAL_BRANCH,
        name=f"{tag}社会组织党总支",
        parent=committee,
    )
    branch = PartyOrganization.objects.create(
        street=tenant.street,
        community=tenant.community,
        kind=PartyOrgKind.BRANCH,
        establishment=Establishment.SINGLE,
        name=f"{tag}邻里互助会党支部",
        parent=committee,
    )
    other = PartyOrganization.objects.create(
        street=tenant.street,
        community=tenant.other_community,
        kind=PartyOrgKind.BRANCH,
        establishment=Establishment.JOINT,
        name=f"{tag}联合党支部",
        parent=general,
    )
    return Tree(committee, general, branch, other)


BIRTH = datetime.date(1980, 5, 17)


def member_fields(branch, n: int = 1, **overrides) -> dict:
    """The keyword arguments of member_create for a valid full member."""
    sex = overrides.pop("sex", "M" if n % 2 else "F")
    birth = overrides.pop("birth_date", BIRTH + datetime.timedelta(days=n))
    fields = {
        "name": f"党员{n}",
        "sex": sex,
        "birth_date": birth,
        "id_number": resident_id(birth, sex, seq=n),
        "phone": f"139{n:08d}",
        "organization": None,
        "branch": branch,
        "status": MemberStatus.FULL,
        "joined_on": datetime.date(2010, 7, 1),
        "posts": "",
    }
    fields.update(overrides)
    return fields


def make_member(branch, n: int = 1, **overrides) -> PartyMember:
    """A member stored with the ORM (test set-up, not the code under test)."""
    fields = member_fields(branch, n, **overrides)
    if fields["status"] == MemberStatus.PROBATIONARY and "probation_ends_on" not in fields:
        joined = fields["joined_on"]
        fields["probation_ends_on"] = joined.replace(year=joined.year + 1)
    return PartyMember.objects.create(**fields)


def workbook(rows: list, headers=HEADERS, title: str | None = None) -> io.BytesIO:
    """An .xlsx file: the header line, then each row (a dict by header, or a list)."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.title = title
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header) for header in headers] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def read_back(data: bytes) -> tuple[list[str], list[tuple]]:
    """Sheet titles and the rows of the first sheet of an .xlsx file."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    return book.sheetnames, rows
