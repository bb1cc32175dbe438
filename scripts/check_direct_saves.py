"""Admin and views never save models directly (issue 15): every write goes through a
service function. import-linter cannot see a ``.save()`` call, so this reads the syntax
tree of every admin and view module of the apps and reports the writes it finds.

Scanned: ``admin.py``, ``admin_*.py``, ``views.py``, ``views_*.py`` and ``*_views.py`` in
each app package (not in tests or migrations).

Reported — a call of an attribute named:
- ``save()``, ``delete()`` without positional arguments (a model, a queryset, a ModelForm
  or a formset; ``workbook.save(buffer)`` and ``storage.delete(name)`` take one and are not
  model writes). ``form.save(commit=False)`` builds an unsaved object and is allowed.
- ``update()`` with keyword arguments only (``QuerySet.update``; ``dict.update(other)``
  takes a positional argument and is not reported).
- ``create``, ``bulk_create``, ``bulk_update``, ``get_or_create``, ``update_or_create``,
  always.
- ``super().save_model``, ``super().delete_model``, ``super().delete_queryset``,
  ``super().save_formset``, ``super().save_related``: Django's defaults, which save or
  delete directly.

Not seen (no call in our code to read): a ModelAdmin that does not override
``save_model`` saves through Django's default. Such admins are read-only or edit plain
reference rows; audit.recorder logs their changes.

A justified exception carries ``# services-only: ok <reason>`` on the call's first line or
the line above it; the reason is required. Run: ``python scripts/check_direct_saves.py
[paths...]`` (default: every app under the project root); exit status 1 when something is
reported.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "core",
    "accounts",
    "audit",
    "jobs",
    "notifications",
    "twofactor",
    "incubation",
    "partybuilding",
    "marketplace",
    "volunteering",
    "evaluation",
    "funding",
    "awards",
    "rankings",
    "reporting",
    "operations",
    "kaiyihui",
)
MODULE_NAME = re.compile(r"^(admin|admin_\w+|views|views_\w+|\w+_views)\.py$")
ALLOW = re.compile(r"#\s*services-only:\s*ok\b\s*(?P<reason>\S.*)?$")

NO_POSITIONAL = {"save", "delete"}
KEYWORDS_ONLY = {"update"}
ALWAYS = {"create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
SUPER_DEFAULTS = {"save_model", "delete_model", "delete_queryset", "save_formset", "save_related"}


def modules(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_file():
            yield path
            continue
        for found in sorted(path.rglob("*.py")):
            parts = set(found.relative_to(path).parts)
            if "migrations" in parts or "tests" in parts:
                continue
            if MODULE_NAME.match(found.name):
                yield found


def _is_super_call(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
    )


def _commit_false(call: ast.Call) -> bool:
    return any(
        kw.arg == "commit" and isinstance(kw.value, ast.Constant) and kw.value.value is False
        for kw in call.keywords
    )


def why_reported(call: ast.Call) -> str | None:
    """The reason a call counts as a direct write, or None."""
    if not isinstance(call.func, ast.Attribute):
        return None
    name = call.func.attr
    if name in SUPER_DEFAULTS and _is_super_call(call.func.value):
        return f"super().{name}() is Django's direct write"
    if name in ALWAYS:
        return f".{name}() writes rows"
    if name in NO_POSITIONAL and not call.args:
        if name == "save" and _commit_false(call):
            return None
        return f".{name}() writes rows"
    if name in KEYWORDS_ONLY and not call.args and call.keywords:
        return f".{name}(**fields) writes rows"
    return None


def check_source(source: str, filename: str) -> list[str]:
    """``path:line: message`` for every unmarked direct write in ``source``."""
    tree = ast.parse(source, filename=filename)
    lines = source.splitlines()
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        reason = why_reported(node)
        if reason is None:
            continue
        marked = None
        for lineno in (node.lineno, node.lineno - 1):
            if 1 <= lineno <= len(lines):
                match = ALLOW.search(lines[lineno - 1])
                if match:
                    marked = match
                    break
        if marked and marked.group("reason"):
            continue
        hint = (
            "the services-only mark needs a reason"
            if marked
            else "call a service, or mark it `# services-only: ok <reason>`"
        )
        problems.append(f"{filename}:{node.lineno}: {reason} in an admin/view module; {hint}")
    return problems


def main(argv: list[str]) -> int:
    if argv:
        paths = [Path(arg) for arg in argv]
    else:
        paths = [ROOT / app for app in APPS if (ROOT / app).is_dir()]
    problems = []
    count = 0
    for module in modules(paths):
        count += 1
        try:
            shown = module.relative_to(ROOT)
        except ValueError:
            shown = module
        problems += check_source(module.read_text(encoding="utf-8"), str(shown))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} direct write(s) in {count} admin/view modules.")
        return 1
    print(f"No direct writes in {count} admin/view modules.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
