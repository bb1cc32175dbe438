"""The admin base of service-backed admins (core.admin)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from accounts.models import Street
from core.admin import ServiceAdminMixin
from core.errors import ActionRefused


class _Django:
    """Stands in for ModelAdmin below the mixin."""

    raises: Exception | None = None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if self.raises:
            raise self.raises
        return "page"


class _Admin(ServiceAdminMixin, _Django):
    def __init__(self, created=None):
        self.created, self.shown, self.calls = created, [], []

    def message_user(self, request, message, level):
        self.shown.append((message, level))

    def create_via_service(self, request, obj, form):
        self.calls.append("create")
        return self.created

    def update_via_service(self, request, obj, form):
        self.calls.append("update")


def test_it_adopts_the_row_the_service_created(tenant):
    obj = Street(name="typed in the form")
    _Admin(created=tenant.street).save_model(None, obj, None, change=False)
    assert obj.pk == tenant.street.pk
    assert obj.name == tenant.street.name
    assert not obj._state.adding


def test_it_updates_through_the_update_hook(tenant):
    admin = _Admin()
    admin.save_model(None, tenant.street, None, change=True)
    assert admin.calls == ["update"]


def test_it_shows_refusals_and_validation_errors_as_messages():
    request = RequestFactory().post("/admin/x/add/?next=1")
    for error, text in [
        (ActionRefused("Only street staff may do this."), "Only street staff may do this."),
        (ValidationError(["Date in the future.", "Too many."]), "Date in the future. Too many."),
    ]:
        admin = _Admin()
        admin.raises = error
        response = admin.changeform_view(request)
        assert response.status_code == 302
        assert response["Location"] == "/admin/x/add/?next=1"
        assert admin.shown == [(text, messages.ERROR)]
