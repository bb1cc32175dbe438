"""Stored codes are ASCII; people read their translated labels."""


def label_of(choices, value: str) -> str:
    """The label of ``value`` in the TextChoices ``choices``; the value itself when it is
    not one of them (or ``choices`` is None), so an audit row never fails to display."""
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return value
