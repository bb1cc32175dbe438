"""Notification kinds. Apps add theirs with ``register_kind`` in AppConfig.ready(); a kind
marked optional may be switched off by each user, the others always arrive."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    label: object
    optional: bool = True


KINDS: dict[str, Kind] = {}


def register_kind(code: str, label, *, optional: bool = True) -> None:
    KINDS[code] = Kind(code, label, optional)


register_kind("general", _("General message"), optional=False)
