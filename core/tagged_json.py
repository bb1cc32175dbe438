"""JSON that gives back what was put in. Plain JSON returns a Decimal as a string (or a
lossy float), a tuple as a list and a dict keyed by years as strings; figures kept in a
JSONField and read later as if just computed need them back as they were.

``pack`` turns a value into plain JSON with the few non-JSON types tagged (a one-key dict
whose key starts with "$"); ``unpack`` reverses it.
"""

import datetime
from decimal import Decimal

TAGS = ("$decimal", "$date", "$datetime", "$tuple", "$items")


def pack(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [pack(item) for item in value]}
    if isinstance(value, list):
        return [pack(item) for item in value]
    if isinstance(value, dict):
        if all(isinstance(key, str) and not key.startswith("$") for key in value):
            return {key: pack(item) for key, item in value.items()}
        # Keys that JSON would turn into strings (years, months) keep their type.
        return {"$items": [[pack(key), pack(item)] for key, item in value.items()]}
    raise TypeError(f"cannot keep a {type(value).__name__} as JSON: {value!r}")


def unpack(value):
    if isinstance(value, list):
        return [unpack(item) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "$decimal":
            return Decimal(inner)
        if tag == "$date":
            return datetime.date.fromisoformat(inner)
        if tag == "$datetime":
            return datetime.datetime.fromisoformat(inner)
        if tag == "$tuple":
            return tuple(unpack(item) for item in inner)
        if tag == "$items":
            return {unpack(key): unpack(item) for key, item in inner}
    return {key: unpack(item) for key, item in value.items()}
