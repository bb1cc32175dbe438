from core.errors import ActionRefused


def refuse_unless(decision: tuple[bool, str]) -> None:
    allowed, reason = decision
    if not allowed:
        raise ActionRefused(reason)


def review_event(review, kind, actor, *, from_value="", to_value="", note=""):
    from evaluation.models import ReviewEvent

    return ReviewEvent.objects.create(
        review=review,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_value=str(from_value or ""),
        to_value=str(to_value or ""),
        note=note,
    )
