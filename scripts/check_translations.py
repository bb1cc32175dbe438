"""Fail when the Chinese catalogue has an untranslated or fuzzy entry.

Run after `manage.py makemessages` (CI does) so a string added to the code without its
Chinese translation is caught before it reaches a user.
"""

import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def problems(path: Path = CATALOGUE) -> list[str]:
    po = polib.pofile(str(path))
    found = [f"untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    found += [f"fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    return found


if __name__ == "__main__":
    found = problems()
    for line in found:
        print(line)
    print(f"{len(found)} problem(s) in {CATALOGUE.relative_to(Path.cwd())}")
    sys.exit(1 if found else 0)
