"""iCalendar (RFC 5545) text of the activity feeds, written here rather than with a
library: a feed is a handful of properties per event, and the rules that matter are few —
text values escaped (§3.3.11), lines ended by CRLF and folded at 75 octets without
splitting a UTF-8 character (§3.1), times in UTC (``…Z``) so no VTIMEZONE is needed."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//Kaiyihui//Volunteer calendar//ZH"


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as ``\\n``;
    other control characters (not allowed in TEXT) dropped."""
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(c for c in value if c in "\n\t" or ord(c) >= 0x20 and ord(c) != 0x7F)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line, folded: no physical line longer than 75 octets; a continuation
    starts with a space (which counts among its 75). A multi-byte character is never cut."""
    out: list[str] = []
    current, size, limit = [], 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size, limit = [" "], 1, MAX_OCTETS
        current.append(char)
        size += width
    out.append("".join(current))
    return CRLF.join(out)


def utc(moment: datetime.datetime) -> str:
    """A DATE-TIME in UTC: ``20261204T013000Z``."""
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""


def calendar(name: str, events: Iterable[Event], *, stamp: datetime.datetime) -> str:
    """A VCALENDAR of ``events``; ``stamp`` is every event's DTSTAMP (when the feed was
    made)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{utc(stamp)}",
            f"DTSTART:{utc(event.starts_at)}",
            f"DTEND:{utc(event.ends_at)}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            # A URI value, not TEXT: not escaped (our URLs hold no comma or semicolon).
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
