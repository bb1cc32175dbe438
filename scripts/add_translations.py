"""Add Chinese translations to the catalogue and compile it, safely from several shells.

    python scripts/add_translations.py new.json     # {"English msgid": "中文", ...}

Entries already in the catalogue get the new text; missing ones are appended (the next
`make messages` gives them their source references). A lock file keeps two writers from
losing each other's entries. Plural entries: {"msgid": ["singular", "plural"], ...} is not
supported here; write those in the .po by hand.
"""

import fcntl
import json
import shutil
import subprocess  # nosec B404 - msgfmt, a fixed local program
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
LOCK = ROOT / "locale/.catalogue.lock"


def add(translations: dict[str, str]) -> int:
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        po = polib.pofile(str(CATALOGUE), wrapwidth=79)
        by_id = {(e.msgctxt, e.msgid): e for e in po}
        changed = 0
        for msgid, msgstr in translations.items():
            entry = by_id.get((None, msgid))
            if entry is None:
                po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
                changed += 1
            elif entry.msgstr != msgstr or "fuzzy" in entry.flags:
                entry.msgstr = msgstr
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                changed += 1
        po.save(str(CATALOGUE))
        mofile = CATALOGUE.with_suffix(".mo")
        if shutil.which("msgfmt"):  # what compilemessages uses: same bytes as `make messages`
            subprocess.run(["msgfmt", "-o", str(mofile), str(CATALOGUE)], check=True)  # noqa: S603,S607
        else:
            po.save_as_mofile(str(mofile))
        return changed


if __name__ == "__main__":
    data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    print(f"{add(data)} entr(y/ies) added or changed in {CATALOGUE.relative_to(ROOT)}")
