"""Reads of the audit log."""

from audit.models import AuditEntry

# Object ids per query: keeps each IN list well under SQLite's variable limit.
_CHUNK = 500


def entries_about(objects: dict[str, list]):
    """Every entry about the given rows, oldest first. ``objects`` maps a model label
    (``"app_label.model_name"``, lower case) to the primary keys of its rows."""
    pairs = [
        (label, [str(pk) for pk in pks][i : i + _CHUNK])
        for label, pks in sorted(objects.items())
        for i in range(0, len(pks), _CHUNK)
        if pks
    ]
    entries: list[AuditEntry] = []
    for label, pks in pairs:
        app_label, model = label.split(".", 1)
        entries.extend(
            AuditEntry.objects.filter(app_label=app_label, model=model, object_pk__in=pks)
        )
    entries.sort(key=lambda entry: (entry.at, entry.pk))
    return entries


def is_audited(model) -> bool:
    """Whether the recorder writes entries for ``model``'s rows."""
    from audit.recorder import AUDITED_APPS, NOT_AUDITED

    label = f"{model._meta.app_label}.{model._meta.model_name}"
    return model._meta.app_label in AUDITED_APPS and label not in NOT_AUDITED
