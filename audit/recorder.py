"""Writes an audit entry for every create, change and delete of our apps' models, and for
every sign-in, sign-out and failed sign-in.

The domain's own timelines (organization events, review events, application events) say
*what happened* in the words of each workflow; this log is the complete, uniform record
of *which data changed*, including admin edits and writes that have no timeline. Signals
are the one place that sees every ``save()`` and ``delete()``; bulk inserts of the demo
and benchmark seeds bypass them by design.
"""

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save

from audit.context import client_ip, current_request
from audit.models import AuditAction, AuditEntry
from core.identifiers import mask_id_number, mask_phone

AUDITED_APPS = ("accounts", "incubation", "partybuilding", "evaluation", "funding", "reporting")
# Rows that are themselves a record of events, or change too often to be worth a line.
NOT_AUDITED = {
    "incubation.organizationevent",
    "evaluation.reviewevent",
    "evaluation.cycleevent",
    "funding.applicationevent",
    "partybuilding.developmentevent",
    # Figures derived from the records above, recounted every few minutes.
    "reporting.areafigures",
}
# A sign-in touches last_login only; the sign-in itself is logged.
IGNORED_UPDATES = {frozenset({"last_login"})}
UID = "audit.recorder"


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _shown(field, value):
    """The value as the log stores it: personal data masked, secrets never."""
    name = field.name
    if isinstance(value, FieldFile):
        return value.name or ""
    if value in (None, ""):
        return value
    if "password" in name:
        return "******"
    if "id_number" in name:
        return mask_id_number(str(value))
    if "phone" in name:
        return mask_phone(str(value))
    return value


def _values(instance) -> dict:
    return {
        field.attname: _shown(field, field.value_from_object(instance))
        for field in instance._meta.concrete_fields
    }


def _actor():
    request = current_request.get()
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user, request
    return None, request


def _write(action, instance=None, changes=None, user=None, request=None):
    if user is None:
        user, request = _actor()
    AuditEntry.objects.create(
        actor=user,
        actor_name=getattr(user, "username", "") if user else "",
        action=action,
        app_label=instance._meta.app_label if instance is not None else "",
        model=instance._meta.model_name if instance is not None else "",
        object_pk=str(instance.pk) if instance is not None else "",
        object_repr=str(instance)[:200] if instance is not None else "",
        changes=changes or {},
        ip_address=client_ip(request),
    )


def remember_old_values(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and frozenset(update_fields) in IGNORED_UPDATES:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_old = _values(old) if old is not None else None


def record_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if created:
        _write(AuditAction.CREATE, instance, _values(instance))
        return
    old = getattr(instance, "_audit_old", None)
    if old is None:
        return
    new = _values(instance)
    changed = {
        name: [old.get(name), value]
        for name, value in new.items()
        if old.get(name) != value and name != "updated_at"
    }
    if changed:
        _write(AuditAction.UPDATE, instance, changed)
    del instance._audit_old


def record_delete(sender, instance, **kwargs):
    _write(AuditAction.DELETE, instance, _values(instance))


def record_login(sender, request, user, **kwargs):
    _write(AuditAction.LOGIN, user=user, request=request)


def record_logout(sender, request, user, **kwargs):
    if user is not None:
        _write(AuditAction.LOGOUT, user=user, request=request)


def record_login_failed(sender, credentials, request=None, **kwargs):
    AuditEntry.objects.create(
        action=AuditAction.LOGIN_FAILED,
        actor_name=str(credentials.get("username", ""))[:150],
        ip_address=client_ip(request),
    )


def audited_models():
    for model in apps.get_models():
        if model._meta.app_label in AUDITED_APPS and _label(model) not in NOT_AUDITED:
            yield model


def connect() -> None:
    for model in audited_models():
        uid = f"{UID}.{_label(model)}"
        pre_save.connect(remember_old_values, sender=model, dispatch_uid=f"{uid}.pre")
        post_save.connect(record_save, sender=model, dispatch_uid=f"{uid}.post")
        post_delete.connect(record_delete, sender=model, dispatch_uid=f"{uid}.delete")
    user_logged_in.connect(record_login, dispatch_uid=f"{UID}.login")
    user_logged_out.connect(record_logout, dispatch_uid=f"{UID}.logout")
    user_login_failed.connect(record_login_failed, dispatch_uid=f"{UID}.login_failed")
