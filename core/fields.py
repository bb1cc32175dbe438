"""Model fields shared by the apps."""

from django.db import models

from core.identifiers import normalize_name


class NameKeyField(models.CharField):
    """The uniqueness key of another field of the same row, ``normalize_name`` of it.

    Computed in ``pre_save``, which ``save()`` and ``bulk_create`` both call, so every way a
    row is written stores the key of its current name and the database's unique constraint
    on the key catches look-alike names ("景新书画院" and "景新书画院\\u200b") that a
    constraint on the name itself lets through. ``bulk_update`` calls no ``pre_save``: a
    bulk rename must set the key itself (``refresh``).
    """

    def __init__(self, *args, source: str = "name", **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def key_of(self, instance) -> str:
        return normalize_name(getattr(instance, self.source))[: self.max_length]

    def refresh(self, instance) -> str:
        value = self.key_of(instance)
        setattr(instance, self.attname, value)
        return value

    def pre_save(self, model_instance, add):
        return self.refresh(model_instance)


def name_taken_by(instance, *, within: str, key: str = "name_key"):
    """Another row of ``instance``'s model in the same ``within`` (``"community"``,
    ``"street"``) whose name has the same key (a zero-width space, full-width letters or
    digits or other spacing make no new name); None for a row without a name or a place."""
    key_field = instance._meta.get_field(key)
    place = getattr(instance, f"{within}_id")
    if not place or not getattr(instance, key_field.source):
        return None
    return (
        type(instance)
        ._default_manager.filter(**{f"{within}_id": place, key: key_field.key_of(instance)})
        .exclude(pk=instance.pk)
        .only("pk", key_field.source)
        .first()
    )
