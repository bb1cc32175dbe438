from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


def review_event(review, kind, actor, *, from_value="", to_value="", note=""):
    from evaluation.models import ReviewEvent

    return ReviewEvent.record(
        review=review, kind=kind, actor=actor, from_value=from_value, to_value=to_value, note=note
    )


def clean_points(item, raw, errors: list) -> Decimal | None:
    """``raw`` as points for ``item`` (0..max), or None with the reason appended to
    ``errors`` (self-assessments and evaluators' scores use the same rule)."""
    try:
        points = Decimal(str(raw))
    except InvalidOperation:
        errors.append(_("%(item)s: enter a number.") % {"item": item.name})
        return None
    if not (0 <= points <= item.max_points):
        from evaluation.selectors import points_text

        errors.append(
            _("%(item)s: between 0 and %(max)s points.")
            % {"item": item.name, "max": points_text(item.max_points)}
        )
        return None
    return points
