"""One check for every status table of the form {status: frozenset(next statuses)}."""

from django.utils.translation import gettext as _

from core.errors import ActionRefused


def refuse_unless_allowed(table, choices, current: str, to: str, what) -> None:
    """Raise ActionRefused in words ("A claim that is 已认领 cannot become 已确认.") unless
    ``to`` follows ``current`` in ``table``. ``choices`` is the TextChoices that labels
    both statuses; ``what`` names the record ("claim", already translated)."""
    if to not in table.get(current, ()):
        raise ActionRefused(
            _("A %(what)s that is %(from)s cannot become %(to)s.")
            % {"what": what, "from": choices(current).label, "to": choices(to).label}
        )
