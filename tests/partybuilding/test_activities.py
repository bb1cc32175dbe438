"""Recording organizational life: validation, photos checked by content, permission."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import ActionRefused
from partybuilding.choices import ActivityKind, PartyOrgKind
from partybuilding.models import ActivityPhoto, PartyActivity
from partybuilding.services.activities import MAX_PHOTO_BYTES, activity_record

from .pb_helpers import image_upload, party_org

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2025, 6, 15)

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2025, 6, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def tree(tenant):
    committee = party_org(tenant.street, "a街道党委", kind=PartyOrgKind.COMMITTEE)
    general = party_org(
        tenant.street, "a社区党总支", kind=PartyOrgKind.GENERAL_BRANCH, parent=committee
    )
    branch = party_org(tenant.street, "a读书会党支部", community=tenant.community, parent=general)
    return committee, general, branch


def _record(branch, actor, **overrides):
    fields = {
        "branch": branch,
        "kind": ActivityKind.THEME_DAY,
        "date": TODAY,
        "title": "六月主题党日",
        "attendees": 12,
        "actor": actor,
    }
    fields.update(overrides)
    return activity_record(**fields)


def _codes(excinfo, field):
    return [error.code for error in excinfo.value.error_dict[field]]


# --- Recording ---------------------------------------------------------------------------------


def test_it_records_an_activity_with_photos_of_each_format(tenant, tree, media_root):
    _committee, _general, branch = tree
    photos = [
        image_upload("a.jpg", "JPEG"),
        image_upload("b.png", "PNG"),
        image_upload("c.webp", "WEBP"),
    ]
    activity = _record(branch, tenant.street_admin, organization=tenant.org, photos=photos)
    assert activity.pk and activity.organization == tenant.org
    names = [photo.image.name for photo in activity.photos.all()]
    assert sorted(name.rsplit(".", 1)[1] for name in names) == ["jpg", "png", "webp"]
    for name in names:
        assert (media_root / name).is_file()


def test_it_stores_a_photo_under_the_extension_of_its_content(tenant, tree):
    _committee, _general, branch = tree
    activity = _record(branch, None, photos=[image_upload("scan.txt", "PNG")])
    assert activity.photos.get().image.name.endswith(".png")


def test_it_refuses_a_text_file_named_jpg(tenant, tree):
    _committee, _general, branch = tree
    fake = SimpleUploadedFile("photo.jpg", b"this is not an image, only text\n" * 10)
    with pytest.raises(ValidationError) as excinfo:
        _record(branch, tenant.street_admin, photos=[fake])
    assert _codes(excinfo, "photos") == ["photo_not_image"]
    assert not PartyActivity.objects.exists()


def test_it_refuses_an_image_of_another_format(tenant, tree):
    _committee, _general, branch = tree
    with pytest.raises(ValidationError) as excinfo:
        _record(branch, tenant.street_admin, photos=[image_upload("photo.gif", "GIF")])
    assert _codes(excinfo, "photos") == ["photo_not_image"]


def test_it_refuses_a_truncated_image(tenant, tree):
    _committee, _general, branch = tree
    whole = image_upload("photo.png", "PNG", size=(64, 64)).read()
    cut = SimpleUploadedFile("photo.png", whole[: len(whole) // 2])
    with pytest.raises(ValidationError) as excinfo:
        _record(branch, tenant.street_admin, photos=[cut])
    assert _codes(excinfo, "photos") == ["photo_not_image"]


def test_it_refuses_a_photo_over_5_mb(tenant, tree, media_root):
    _committee, _general, branch = tree
    # A real JPEG padded past the limit: only the size is wrong.
    head = image_upload("big.jpg").read()
    big = SimpleUploadedFile("big.jpg", head + b"\0" * (MAX_PHOTO_BYTES + 1 - len(head)))
    small = image_upload("small.jpg")
    with pytest.raises(ValidationError) as excinfo:
        _record(branch, tenant.street_admin, photos=[small, big])
    assert _codes(excinfo, "photos") == ["photo_too_large"]
    # Nothing is written when one photo is wrong, not even the good one.
    assert not PartyActivity.objects.exists()
    assert not ActivityPhoto.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_a_photo_of_exactly_5_mb_is_accepted(tenant, tree):
    _committee, _general, branch = tree
    head = image_upload("edge.jpg").read()
    edge = SimpleUploadedFile("edge.jpg", head + b"\0" * (MAX_PHOTO_BYTES - len(head)))
    activity = _record(branch, tenant.street_admin, photos=[edge])
    assert activity.photos.count() == 1


def test_it_refuses_more_than_nine_photos(tenant, tree):
    _committee, _general, branch = tree
    photos = [image_upload(f"{n}.jpg") for n in range(10)]
    with pytest.raises(ValidationError) as excinfo:
        _record(branch, tenant.street_admin, photos=photos)
    assert _codes(excinfo, "photos") == ["photos_too_many"]


def test_it_refuses_a_future_date_a_non_branch_and_negative_attendees_at_once(tenant, tree):
    committee, _general, _branch = tree
    with pytest.raises(ValidationError) as excinfo:
        _record(committee, None, date=TODAY + datetime.timedelta(days=1), attendees=-1)
    assert set(excinfo.value.error_dict) == {"branch", "date", "attendees"}
    assert _codes(excinfo, "date") == ["date_in_future"]


def test_today_is_not_the_future(tenant, tree):
    _committee, _general, branch = tree
    assert _record(branch, None, date=TODAY, attendees=0).attendees == 0


def test_it_refuses_an_organization_of_another_street(tenant, outsider_tenant, tree):
    _committee, _general, branch = tree
    with pytest.raises(ValidationError) as excinfo:
        _record(branch, tenant.street_admin, organization=outsider_tenant.org)
    assert _codes(excinfo, "organization") == ["organization_elsewhere"]


def test_it_refuses_an_unknown_kind(tenant, tree):
    _committee, _general, branch = tree
    with pytest.raises(ValidationError) as excinfo:
        _record(branch, None, kind="picnic")
    assert _codes(excinfo, "kind") == ["unknown_kind"]


# --- Permission --------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [0, 1, 2])
def test_a_party_worker_linked_to_the_branch_or_an_ancestor_may_record(tenant, tree, level):
    tree[level].worker_accounts.add(tenant.party_worker)
    assert _record(tree[2], tenant.party_worker).pk


def test_a_party_worker_of_another_branch_may_not(tenant, tree):
    other = party_org(tenant.street, "另一支部")
    other.worker_accounts.add(tenant.party_worker)
    with pytest.raises(ActionRefused):
        _record(tree[2], tenant.party_worker)


@pytest.mark.parametrize("role", ["community_staff", "leader", "evaluator"])
def test_other_roles_may_not_record(tenant, tree, role):
    with pytest.raises(ActionRefused):
        _record(tree[2], getattr(tenant, role))
    assert not PartyActivity.objects.exists()


def test_street_staff_of_another_street_may_not_record(tenant, outsider_tenant, tree):
    with pytest.raises(ActionRefused):
        _record(tree[2], outsider_tenant.street_admin)


def test_permission_is_checked_before_the_photos_are_read(tenant, tree):
    class Unreadable(io.BytesIO):
        name = "x.jpg"

        def read(self, *args):
            raise AssertionError("read before the permission check")

    with pytest.raises(ActionRefused):
        _record(tree[2], tenant.community_staff, photos=[Unreadable()])


def test_a_failed_write_leaves_no_rows_and_no_files(tenant, tree, media_root, monkeypatch):
    saved = []
    original = ActivityPhoto.save

    def failing_save(self, *args, **kwargs):
        if saved:
            raise RuntimeError("database went away")
        saved.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ActivityPhoto, "save", failing_save)
    with pytest.raises(RuntimeError):
        _record(tree[2], tenant.street_admin, photos=[image_upload("a.jpg"), image_upload("b.jpg")])
    assert not PartyActivity.objects.exists()
    assert not ActivityPhoto.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))
