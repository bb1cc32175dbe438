"""The admin base of every app whose admin writes through services (issue 15).

``ServiceAdminMixin`` goes first in an admin's bases. The admin states its writes in two
hooks and this mixin does the rest the same way in every app:

- ``create_via_service(request, obj, form)`` calls the create service with the unsaved
  ``obj`` the form built and returns the row the service created; the mixin adopts it
  (``adopt``), so Django's log entry, message and redirect name the stored row.
- ``update_via_service(request, obj, form)`` calls the update service (by default
  nothing: rows that change only through actions or stage buttons).
- ``saved_via_service(request, obj, form, change)`` runs after either (e.g. warnings).
- A refusal (``ActionRefused``) or a rule the form could not check (``ValidationError``)
  comes back as an error message on the same page instead of a server error; the
  transaction the admin wraps around the view rolls back whatever ran before.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from core.errors import ActionRefused
from core.errors import refusal_text as refusal_text  # the admins' name for it


def adopt(obj, created) -> None:
    """Make the admin's unsaved ``obj`` the row a service created: its pk and every stored
    value (the service may set fields the form did not), and no longer "adding"."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(created, field.attname))
    obj._state.adding = False
    obj._state.db = created._state.db


class ByIdListFilter(admin.SimpleListFilter):
    """A list filter by the id of a related row (``lookup``, e.g. ``"community"`` or
    ``"organization__community"``); subclasses list the choices the user may see. A
    hand-typed ``?community=abc`` is the admin's "invalid filter" (``?e=1``), not a 500."""

    lookup = ""

    def queryset(self, request, queryset):
        if self.value():
            if not (self.value().isascii() and self.value().isdigit()):
                raise IncorrectLookupParameters(self.value())
            return queryset.filter(**{f"{self.lookup}__pk": self.value()})
        return queryset


def run_each(modeladmin, request, rows, action, done_message, *, label=str) -> list[Exception]:
    """An admin action over the selected ``rows``: ``action(row)`` calls the service for
    one row. A refusal (``ActionRefused``, ``ValidationError``, ``ValueError``) is shown as
    "label: reason" and the other rows still go through; ``done_message`` (with
    ``%(count)d``) counts the rows the action changed (it returns None for a row that had
    nothing to change). Returns the refusals, for a hint about them."""
    done, refusals = 0, []
    for row in rows:
        try:
            result = action(row)
        except (ActionRefused, ValidationError, ValueError) as exc:
            refusals.append((row, exc))
        else:
            done += result is not None
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)
    for row, exc in refusals:
        modeladmin.message_user(request, f"{label(row)}: {refusal_text(exc)}", messages.ERROR)
    return [exc for _row, exc in refusals]


class ReadOnlyAdminMixin:
    """Listed and viewed only (an admin or an inline): the rows are written by services
    elsewhere, or are a record that nobody edits (events, audit entries, overrides)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAdminMixin:
    def create_via_service(self, request, obj, form):
        raise NotImplementedError(f"{type(self).__name__} creates through a service")

    def update_via_service(self, request, obj, form) -> None:
        """Most service-backed rows change only through actions: nothing to write."""

    def saved_via_service(self, request, obj, form, change) -> None:
        """After the write, e.g. warnings about the saved row."""

    def save_model(self, request, obj, form, change):
        if change:
            self.update_via_service(request, obj, form)
        else:
            adopt(obj, self.create_via_service(request, obj, form))
        self.saved_via_service(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ActionRefused, ValidationError) as exc:
            self.message_user(request, refusal_text(exc), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


class EndedViaServiceMixin(ServiceAdminMixin):
    """Rows whose one change is an end date (a pairing, a coverage, an assignment): the
    form's ``ended_on`` goes to ``end_via_service`` with the stored row, since ``obj``
    already carries the new date and a service treats a row with one as ended."""

    def end_via_service(self, request, stored, ended_on) -> None:
        raise NotImplementedError(f"{type(self).__name__} ends rows through a service")

    def update_via_service(self, request, obj, form) -> None:
        if obj.ended_on:
            self.end_via_service(request, type(obj).objects.get(pk=obj.pk), obj.ended_on)
