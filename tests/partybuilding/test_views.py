"""Staff pages of party building: coverage (with its Excel matrix), compliance, members.

Access: the pages are made for staff roles, so an organization leader or an evaluator gets
403 (the page is not for their role); staff see only their own area, through
``visible_to`` — another street's or community's rows are simply absent.
"""

import datetime
import io
import re
import zoneinfo

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from incubation.models import Organization
from partybuilding.choices import ActivityKind, Establishment, PartyOrgKind
from partybuilding.models import PartyOrganization
from partybuilding.views import MATRIX_HEADERS
from tests.factories import OrganizationFactory
from tests.jobs.exporting import run_export

from .pb_helpers import (
    activity,
    cover,
    coverage_street,
    instruct,
    member,
    members,
    party_org,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PAGES = ["partybuilding:coverage", "partybuilding:compliance", "partybuilding:members"]


@pytest.fixture
def street(tenant, outsider_tenant):
    return coverage_street(tenant, outsider_tenant)


def _get(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(name), params)


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["leader", "evaluator"])
def test_it_refuses_roles_the_pages_are_not_for(client, tenant, page, role):
    response = _get(client, getattr(tenant, role), page)
    assert response.status_code == 403


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["street_admin", "community_staff", "party_worker"])
def test_it_opens_the_pages_to_staff_roles(client, tenant, page, role):
    assert _get(client, getattr(tenant, role), page).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_it_sends_anonymous_users_to_the_login_page(client, db, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_opens_the_pages_to_a_superuser(client, street, admin_user):
    for page in PAGES:
        assert _get(client, admin_user, page).status_code == 200


# --- Coverage page -----------------------------------------------------------------------------


def test_the_coverage_page_states_rates_and_denominators(client, street):
    response = _get(client, street.tenant.street_admin, "partybuilding:coverage")
    assert response.status_code == 200
    rates = response.context["rates"]
    assert [(g.community_name, g.denominator) for g in rates.groups] == [
        ("a一社区", 2),
        ("a二社区", 3),
    ]
    assert rates.total.denominator == 5
    body = response.content.decode()
    # 一社区 100 % / 100 %, 二社区 1/3 and 2/3, the street 3/5 and 4/5.
    for shown in ("100.00%", "33.33%", "66.67%", "60.00%", "80.00%"):
        assert shown in body
    assert "(5)" in body  # the denominator in the formula line
    assert "a老年协会" not in body  # left the hub: not in the register


def test_the_matrix_marks_gaps_in_red(client, street):
    first = _get(client, street.tenant.street_admin, "partybuilding:coverage").content.decode()
    assert re.search(r'<tr class="">\s*<td>a邻里互助会</td>', first)
    assert "a舞蹈队" not in first  # one community at a time
    second = _get(
        client,
        street.tenant.street_admin,
        "partybuilding:coverage",
        community=street.tenant.other_community.pk,
    ).content.decode()
    assert re.search(r'<tr class="gap">\s*<td>a舞蹈队</td>', second)
    assert re.search(r'<tr class="partial">\s*<td>a书画社</td>', second)
    assert "a邻里互助会</td>" not in second


def test_a_community_outside_the_area_is_not_listed(client, street, outsider_tenant):
    body = _get(
        client,
        street.tenant.community_staff,
        "partybuilding:coverage",
        community=street.tenant.other_community.pk,
    ).content.decode()
    assert "a舞蹈队" not in body and "a读书会" in body


def test_the_coverage_page_lists_flags_and_cross_appointments(client, street):
    big = party_org(street.tenant.street, "大支部", community=street.tenant.community)
    members(big, 51)
    Organization.objects.filter(pk=street.own.pk).update(leader_name="张建国")
    secretary = member(street.own_branch, "张建国", organization=street.own)
    PartyOrganization.objects.filter(pk=street.own_branch.pk).update(secretary=secretary)

    response = _get(client, street.tenant.street_admin, "partybuilding:coverage")
    context = response.context
    assert [org.name for org in context["needing_own_branch"]] == ["a读书会"]
    assert [branch.name for branch in context["too_large"]] == ["大支部"]
    assert [branch.name for branch in context["needing_committee"]] == ["大支部"]
    assert context["cross"].count == 1
    assert context["cross"].rows[0].member.name == "张建国"


def test_community_staff_see_only_their_community(client, street, outsider_tenant):
    response = _get(client, street.tenant.community_staff, "partybuilding:coverage")
    rates = response.context["rates"]
    assert [g.community_name for g in rates.groups] == ["a一社区"]
    assert (rates.total.denominator, rates.total.organization_covered) == (2, 2)
    body = response.content.decode()
    assert "a读书会" in body
    for hidden in ("a舞蹈队", "a书画社", "a环保社", outsider_tenant.org.name):
        assert hidden not in body


def test_street_staff_of_another_street_see_none_of_it(client, street, outsider_tenant):
    response = _get(client, outsider_tenant.street_admin, "partybuilding:coverage")
    assert response.context["rates"].total.denominator == 2  # b's own two organizations
    body = response.content.decode()
    for hidden in ("a读书会", "a舞蹈队", "邻里互助会党支部"):
        assert hidden not in body


# --- Excel -------------------------------------------------------------------------------------


@pytest.fixture
def matrix_rows(client, django_capture_on_commit_callbacks):
    """The rows of the matrix a user exports: the page starts a job, the file is the job's."""

    def rows(user):
        client.force_login(user)
        _job, response = run_export(
            client,
            django_capture_on_commit_callbacks,
            lambda: client.get(reverse("partybuilding:coverage"), {"format": "xlsx"}),
        )
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"]
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return list(workbook.worksheets[0].iter_rows(values_only=True))

    return rows


def test_the_matrix_downloads_as_excel_with_chinese_headers(matrix_rows, street):
    rows = matrix_rows(street.tenant.street_admin)
    assert rows[0] == ("社区", "组织名称", "覆盖方式", "党支部", "党建联络员", "正式党员数")
    assert rows[0] == MATRIX_HEADERS
    # Communities in order; the order of names within one follows the database collation.
    assert [row[0] for row in rows[1:]] == ["a一社区"] * 2 + ["a二社区"] * 3
    assert set(rows[1:]) == {
        ("a一社区", "a邻里互助会", "单独建立支部", "邻里互助会党支部", "李联络", 3),
        ("a一社区", "a读书会", "联合支部覆盖", "一社区社会组织联合党支部", "李联络", 3),
        ("a二社区", "a环保社", "联合支部覆盖(功能型)", "孵化基地功能型党支部", "赵联络", 0),
        ("a二社区", "a书画社", "仅选派党建指导员", None, None, 0),
        ("a二社区", "a舞蹈队", "未覆盖", None, None, 2),
    }


def test_the_excel_matrix_is_scoped_like_the_page(matrix_rows, street):
    rows = matrix_rows(street.tenant.community_staff)
    assert {row[1] for row in rows[1:]} == {"a邻里互助会", "a读书会"}


def test_the_excel_matrix_keeps_formula_like_names_as_text(matrix_rows, tenant):
    OrganizationFactory(community=tenant.community, name="=HYPERLINK(1)")
    assert "=HYPERLINK(1)" in {row[1] for row in matrix_rows(tenant.street_admin)}


def test_the_excel_download_is_refused_to_leaders(client, tenant):
    response = _get(client, tenant.leader, "partybuilding:coverage", format="xlsx")
    assert response.status_code == 403


# --- Compliance page ---------------------------------------------------------------------------


@pytest.fixture
def june_2025():
    with time_machine.travel(datetime.datetime(2025, 6, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def branch_with_life(tenant):
    branch = party_org(
        tenant.street,
        "a读书会党支部",
        community=tenant.community,
        founded_on=datetime.date(2020, 1, 1),
    )
    for month in (1, 2, 3, 5):
        activity(branch, ActivityKind.GROUP_MEETING, datetime.date(2025, month, 5))
        activity(branch, ActivityKind.THEME_DAY, datetime.date(2025, month, 5))
    activity(branch, ActivityKind.GENERAL_ASSEMBLY, datetime.date(2025, 3, 5))
    return branch


def test_the_compliance_page_shows_months_up_to_now_with_the_missing_kinds(
    client, tenant, branch_with_life, june_2025
):
    response = _get(client, tenant.street_admin, "partybuilding:compliance")
    assert response.context["year"] == 2025
    assert list(response.context["months"]) == [1, 2, 3, 4, 5, 6]
    (row,) = response.context["rows"]
    assert [month.ok for month in row.months] == [True, True, True, False, True, False]
    body = response.content.decode()
    assert body.count('<td class="done">✓</td>') == 4
    # April is over: red. June is the current month: shown, but not red yet.
    assert re.search(r'<td class="missing">[^<]*</td>', body)
    assert body.count('<td class="missing">') == 1
    assert body.count('<td class="pending" title=') == 1


def test_the_compliance_page_shows_a_past_year_in_full(client, tenant, branch_with_life, june_2025):
    response = _get(client, tenant.street_admin, "partybuilding:compliance", year="2024")
    assert response.context["year"] == 2024
    assert list(response.context["months"]) == list(range(1, 13))
    (row,) = response.context["rows"]
    assert row.missing_count == 12 * 2 + 4


@pytest.mark.parametrize("raw", ["abc", "1999", "2026", ""])
def test_an_unusable_year_means_this_year(client, tenant, june_2025, raw):
    response = _get(client, tenant.street_admin, "partybuilding:compliance", year=raw)
    assert response.context["year"] == 2025


def test_compliance_shows_only_visible_branches(client, tenant, outsider_tenant, june_2025):
    party_org(tenant.street, "a一社区党支部", community=tenant.community)
    party_org(tenant.street, "a二社区党支部", community=tenant.other_community)
    party_org(outsider_tenant.street, "b党支部")
    response = _get(client, tenant.community_staff, "partybuilding:compliance")
    assert [row.branch.name for row in response.context["rows"]] == ["a一社区党支部"]


def test_a_party_worker_sees_the_branches_under_their_organization(client, tenant, june_2025):
    committee = party_org(tenant.street, "a街道党委", kind=PartyOrgKind.COMMITTEE)
    party_org(tenant.street, "a下属支部", parent=committee)
    party_org(tenant.street, "a其他支部")
    committee.worker_accounts.add(tenant.party_worker)
    response = _get(client, tenant.party_worker, "partybuilding:compliance")
    assert [row.branch.name for row in response.context["rows"]] == ["a下属支部"]


# --- Member list -------------------------------------------------------------------------------


@pytest.fixture
def known_member(tenant):
    branch = party_org(tenant.street, "a读书会党支部", community=tenant.community)
    branch.worker_accounts.add(tenant.party_worker)
    return member(
        branch,
        "王丽",
        organization=tenant.org,
        id_number="11010519491231002X",
        phone="13812345678",
    )


@pytest.mark.parametrize("role", ["community_staff", "party_worker"])
def test_the_member_list_masks_personal_data(client, tenant, known_member, role):
    body = _get(client, getattr(tenant, role), "partybuilding:members").content.decode()
    assert "王丽" in body
    assert "110105********002X" in body
    assert "138****5678" in body
    assert "11010519491231002X" not in body
    assert "13812345678" not in body


def test_street_staff_see_personal_data_in_full(client, tenant, known_member):
    body = _get(client, tenant.street_admin, "partybuilding:members").content.decode()
    assert "11010519491231002X" in body
    assert "13812345678" in body
    assert "********" not in body


def test_the_member_list_is_scoped(client, tenant, outsider_tenant, known_member):
    other_branch = party_org(tenant.street, "a书画社党支部", community=tenant.other_community)
    member(other_branch, "李强", organization=tenant.other_org)
    member(party_org(outsider_tenant.street, "b党支部"), "赵敏", organization=outsider_tenant.org)
    names = {
        m.name
        for m in _get(client, tenant.community_staff, "partybuilding:members").context["members"]
    }
    assert names == {"王丽"}
    names = {
        m.name
        for m in _get(client, tenant.street_admin, "partybuilding:members").context["members"]
    }
    assert names == {"王丽", "李强"}


def test_the_member_list_has_50_per_page(client, tenant):
    branch = party_org(tenant.street, "a大支部")
    members(branch, 51)
    first = _get(client, tenant.street_admin, "partybuilding:members")
    assert len(first.context["members"]) == 50
    assert first.context["page"].paginator.num_pages == 2
    second = _get(client, tenant.street_admin, "partybuilding:members", page="2")
    assert len(second.context["members"]) == 1
    # A page out of range shows the last one, a bad one the first.
    assert (
        _get(client, tenant.street_admin, "partybuilding:members", page="9").context["page"].number
        == 2
    )
    assert (
        _get(client, tenant.street_admin, "partybuilding:members", page="x").context["page"].number
        == 1
    )


# --- Query counts do not grow with rows --------------------------------------------------------


def _measure(client, url, count_queries):
    """(count, dump) of one GET, read at once: the next request resets Django's query log."""
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return q.count, q.dump()


def _assert_constant(small, large, label):
    assert small[0] == large[0], (
        f"{label}: {small[0]} queries with few rows, {large[0]} with many\n"
        f"--- few ---\n{small[1]}\n--- many ---\n{large[1]}"
    )


class Grower:
    """Adds organizations with everything the coverage page reads: own and joint branches,
    instructors, members (enough for both branch flags and 应建未建), secretaries who lead
    their organization (cross-appointments), activities."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.count = 0
        self.committee = party_org(tenant.street, "a街道党委", kind=PartyOrgKind.COMMITTEE)

    def add(self, how_many):
        t = self.tenant
        for _ in range(how_many):
            n = self.count
            self.count += 1
            community = t.community if n % 2 else t.other_community
            org = OrganizationFactory(
                community=community, name=f"a组织{n:03d}", leader_name=f"书记{n:03d}"
            )
            if n % 3 == 2:
                instruct(org, self.committee)
                continue
            branch = party_org(
                t.street,
                f"a支部{n:03d}",
                community=community,
                parent=self.committee,
                establishment=Establishment.SINGLE if n % 3 == 0 else Establishment.JOINT,
                founded_on=datetime.date(2020, 1, 1),
            )
            cover(branch, org)
            secretary = member(branch, f"书记{n:03d}", organization=org)
            members(branch, 6, organization=org)
            branch.secretary = secretary
            branch.save(update_fields=["secretary"])
            activity(branch, ActivityKind.THEME_DAY, datetime.date(2025, 1, 5))
            activity(branch, ActivityKind.GROUP_MEETING, datetime.date(2025, 2, 5))


@pytest.mark.parametrize("role", ["street_admin", "community_staff"])
def test_the_coverage_page_query_count_does_not_grow(client, tenant, count_queries, role):
    client.force_login(getattr(tenant, role))
    url = reverse("partybuilding:coverage")
    grower = Grower(tenant)
    grower.add(3)
    client.get(url)  # warm caches that are filled once per process
    small = _measure(client, url, count_queries)
    grower.add(27)
    large = _measure(client, url, count_queries)
    context = client.get(url).context
    # One community's at a time, as the matrix: 10 of the 20 for street staff too.
    assert context["cross"].count == 10
    assert context["needing_committee"]
    assert context["needing_own_branch"]
    _assert_constant(small, large, f"coverage page ({role})")
    print(f"coverage page ({role}): {large[0]} queries")


def test_the_excel_matrix_query_count_does_not_grow(
    client, tenant, count_queries, django_capture_on_commit_callbacks
):
    """The request (start the job) and the job (write the matrix) together."""
    client.force_login(tenant.street_admin)
    url = reverse("partybuilding:coverage") + "?format=xlsx"

    def measure():
        with count_queries() as q, django_capture_on_commit_callbacks(execute=True):
            response = client.get(url)
        assert response.status_code == 302
        return q.count, q.dump()

    grower = Grower(tenant)
    grower.add(3)
    measure()
    small = measure()
    grower.add(27)
    large = measure()
    _assert_constant(small, large, "coverage Excel")
    print(f"coverage Excel: {large[0]} queries")


def test_the_compliance_page_query_count_does_not_grow(client, tenant, count_queries, june_2025):
    client.force_login(tenant.street_admin)
    url = reverse("partybuilding:compliance")
    grower = Grower(tenant)
    grower.add(3)
    client.get(url)
    small = _measure(client, url, count_queries)
    grower.add(27)
    large = _measure(client, url, count_queries)
    assert len(client.get(url).context["rows"]) == 20
    _assert_constant(small, large, "compliance page")
    print(f"compliance page: {large[0]} queries")


@pytest.mark.parametrize("role", ["street_admin", "community_staff"])
def test_the_member_list_query_count_does_not_grow(client, tenant, count_queries, role):
    client.force_login(getattr(tenant, role))
    url = reverse("partybuilding:members")

    def add(start, count):
        for n in range(start, start + count):
            branch = party_org(tenant.street, f"a支部{n:03d}", community=tenant.community)
            org = OrganizationFactory(community=tenant.community)
            member(branch, organization=org, phone="13812345678")

    add(0, 3)
    client.get(url)
    small = _measure(client, url, count_queries)
    add(3, 27)
    large = _measure(client, url, count_queries)
    assert len(client.get(url).context["members"]) == 30
    _assert_constant(small, large, f"member list ({role})")
    print(f"member list ({role}): {large[0]} queries")


def test_the_admin_organization_list_filters_by_party_coverage(client, tenant):
    from datetime import date

    from partybuilding.models import PartyCoverage, PartyOrganization

    top = PartyOrganization.objects.create(street=tenant.street, kind="committee", name="测试党委")
    own = PartyOrganization.objects.create(
        street=tenant.street, kind="branch", name="测试支部", parent=top, establishment="single"
    )
    PartyCoverage.objects.create(
        branch=own, organization=tenant.org, liaison="王联络", started_on=date(2024, 1, 1)
    )
    client.force_login(tenant.street_admin)
    url = "/admin/incubation/organization/"
    covered = client.get(url, {"coverage": "own_branch"}).content.decode()
    uncovered = client.get(url, {"coverage": "none"}).content.decode()
    assert tenant.org.name in covered and tenant.other_org.name not in covered
    assert tenant.other_org.name in uncovered and tenant.org.name not in uncovered


def test_the_branch_flags_follow_the_community_shown(client, tenant):
    grower = Grower(tenant)
    grower.add(6)
    client.force_login(tenant.street_admin)
    url = reverse("partybuilding:coverage")
    for community in (tenant.community, tenant.other_community):
        context = client.get(url, {"community": community.pk}).context
        assert context["selected_community"] == community.pk
        assert context["cross"].count == 2
        assert {row.organization.community_id for row in context["cross"].rows} == {community.pk}
        assert {branch.community_id for branch in context["needing_committee"]} <= {
            community.pk,
            None,
        }
