"""The real name and ID number a certificate is issued to: typed by the volunteer (or the
staff who see them) on the record page, checked like any resident ID, kept masked on
screen; a party member's come from the roll and are not changed here."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.errors import ActionRefused
from tests.factories import UserFactory
from tests.partybuilding.helpers import make_tree, member, resident_id
from tests.volunteering.helpers import make_volunteer
from volunteering.models import Volunteer
from volunteering.services.volunteers import volunteer_for_member, volunteer_set_identity

pytestmark = pytest.mark.django_db

NUMBER = resident_id(datetime.date(1988, 3, 9))


def test_the_volunteer_saves_their_name_and_number(tenant, client):
    user, volunteer = make_volunteer(tenant, "v1")
    client.force_login(user)
    url = reverse("volunteering:my_record")
    response = client.post(url, {"action": "identity", "name": " 王晓华 ", "id_number": NUMBER})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.name, volunteer.id_number) == ("王晓华", NUMBER)
    page = client.get(url).content.decode()
    assert NUMBER not in page  # shown masked only
    assert NUMBER[:4] in page and NUMBER[-4:] in page


def test_a_wrong_number_is_refused_on_its_field_and_nothing_is_lost(tenant, client):
    user, volunteer = make_volunteer(tenant, "v1")
    client.force_login(user)
    wrong = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")
    response = client.post(
        reverse("volunteering:my_record"),
        {"action": "identity", "name": "王晓华", "id_number": wrong},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "王晓华" in html and wrong in html  # what was typed is shown back
    assert "check character" in html or "校验" in html
    volunteer.refresh_from_db()
    assert volunteer.id_number == ""


def test_a_party_member_is_told_to_ask_the_branch(tenant):
    roll = member(make_tree(tenant.street).joint)
    account = UserFactory(street=tenant.street)
    volunteer = volunteer_for_member(roll)
    Volunteer.objects.filter(pk=volunteer.pk).update(account=account)
    volunteer.refresh_from_db()
    with pytest.raises(ActionRefused, match="party member roll|党员"):
        volunteer_set_identity(volunteer, name="别人", id_number=NUMBER, actor=account)
    volunteer.refresh_from_db()
    assert volunteer.id_number == roll.id_number


def test_only_the_volunteer_and_their_staff(tenant):
    _, volunteer = make_volunteer(tenant, "v1")
    stranger = UserFactory(street=tenant.street)
    with pytest.raises(ActionRefused):
        volunteer_set_identity(volunteer, name="王晓华", id_number=NUMBER, actor=stranger)
    volunteer_set_identity(volunteer, name="王晓华", id_number=NUMBER, actor=tenant.community_staff)
    assert Volunteer.objects.get(pk=volunteer.pk).id_number == NUMBER


def test_an_empty_name_names_its_field(tenant):
    user, volunteer = make_volunteer(tenant, "v1")
    with pytest.raises(ValidationError) as caught:
        volunteer_set_identity(volunteer, name="  ", id_number=NUMBER, actor=user)
    assert set(caught.value.message_dict) == {"name"}
