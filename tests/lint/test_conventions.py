"""The conventions ``make lint`` enforces (issue 15): the apps' layering (import-linter,
``.importlinter``) and "admin and views never save models directly"
(``scripts/check_direct_saves.py``). Each check is shown failing on a planted violation.

The plants live in a temporary copy of the apps' Python files, never in the shared tree,
so a failing test leaves nothing behind for anyone else."""

import shutil
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
SAVES_CHECKER = ROOT / "scripts" / "check_direct_saves.py"
LAYERS_CONTRACT = "Apps import only apps below them"
CORE_CONTRACT = "core imports no app"


def _root_packages() -> list[str]:
    lines = (ROOT / ".importlinter").read_text(encoding="utf-8").splitlines()
    start = lines.index("root_packages =") + 1
    packages = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        packages.append(line.strip())
    return packages


def _copy_tree(tmp_path: Path) -> Path:
    """The apps' .py files and the import contracts, copied under ``tmp_path``."""
    for package in _root_packages():
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("*.pyc", "__pycache__", "*.html", "*.txt", "*.json"),
        )
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _check_saves(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SAVES_CHECKER), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _planted_name() -> str:
    return f"_planted_{uuid.uuid4().hex[:8]}"


def test_it_keeps_the_import_contracts_on_the_tree():
    run = _lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def test_it_fails_lint_imports_on_an_upward_import(tmp_path):
    tree = _copy_tree(tmp_path)
    name = _planted_name()
    (tree / "incubation" / f"{name}.py").write_text("import funding.models  # upward\n")
    run = _lint_imports(tree)
    assert run.returncode != 0
    assert f"{LAYERS_CONTRACT} BROKEN" in run.stdout
    assert f"incubation.{name} -> funding.models" in run.stdout


def test_it_fails_lint_imports_when_core_imports_an_app(tmp_path):
    tree = _copy_tree(tmp_path)
    name = _planted_name()
    (tree / "core" / f"{name}.py").write_text("from accounts.models import User\n")
    run = _lint_imports(tree)
    assert run.returncode != 0
    assert f"{CORE_CONTRACT} BROKEN" in run.stdout
    assert f"core.{name} -> accounts.models" in run.stdout


def test_it_finds_no_direct_save_in_the_admin_and_views_of_the_tree():
    run = _check_saves()
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize(
    "filename", ["admin.py", "admin_planted.py", "views.py", "views_staff.py", "cockpit_views.py"]
)
def test_it_fails_on_a_direct_save_in_an_admin_or_view_module(tmp_path, filename):
    app = tmp_path / "funding"
    app.mkdir()
    (app / filename).write_text(
        textwrap.dedent(
            """
            def save_model(self, request, obj, form, change):
                obj.save()
            """
        )
    )
    run = _check_saves(tmp_path)
    assert run.returncode == 1
    assert f"{filename}:3: .save() writes rows" in run.stdout


def test_it_reports_each_kind_of_direct_write(tmp_path):
    (tmp_path / "admin.py").write_text(
        textwrap.dedent(
            """
            class A:
                def save_model(self, request, obj, form, change):
                    super().save_model(request, obj, form, change)

                def action(self, request, queryset):
                    queryset.update(status="done")
                    queryset.delete()
                    Fund.objects.create(name="x")
                    Fund.objects.get_or_create(name="x")
                    Fund.objects.bulk_create([])
            """
        )
    )
    run = _check_saves(tmp_path / "admin.py")
    assert run.returncode == 1
    reported = {line.split(":")[1] for line in run.stdout.splitlines() if ".py:" in line}
    assert reported == {"4", "7", "8", "9", "10", "11"}


def test_it_allows_unsaved_forms_dicts_files_and_marked_exceptions(tmp_path):
    (tmp_path / "views.py").write_text(
        textwrap.dedent(
            """
            def view(request, form, workbook, buffer, storage, context):
                unit = form.save(commit=False)
                context.update({"unit": unit})
                workbook.save(buffer)
                storage.delete("name.pdf")
                # services-only: ok a reason given here
                form.save()
                form.save()  # services-only: ok and one here
            """
        )
    )
    run = _check_saves(tmp_path / "views.py")
    assert run.returncode == 0, run.stdout


def test_it_wants_a_reason_on_the_exception_mark(tmp_path):
    (tmp_path / "views.py").write_text("form.save()  # services-only: ok\n")
    run = _check_saves(tmp_path / "views.py")
    assert run.returncode == 1
    assert "needs a reason" in run.stdout


# --- A timeline is written by the app that owns it ----------------------------------------

_WRITE_METHODS = {"create", "bulk_create", "get_or_create", "update_or_create"}


def _timeline_models() -> dict[str, set[str]]:
    """{app package: names of its timeline event models} (the concrete subclasses of
    core.models.TimelineEvent)."""
    from django.apps import apps

    from core.models import TimelineEvent

    owned: dict[str, set[str]] = {}
    for model in apps.get_models():
        if issubclass(model, TimelineEvent):
            owned.setdefault(model.__module__.split(".")[0], set()).add(model.__name__)
    return owned


def _foreign_event_writes(root: Path, packages: list[str], owned: dict) -> list[str]:
    """Where a module of one app creates a row of another app's timeline event model
    (``Model(...)``, ``Model.objects.create/bulk_create/get_or_create/update_or_create``),
    resolving the names through the module's imports; migrations are not scanned."""
    import ast

    found = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            aliases = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    for alias in node.names:
                        aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        aliases[alias.asname or alias.name.split(".")[0]] = (
                            alias.name if alias.asname else alias.name.split(".")[0]
                        )

            def resolve(expr, aliases=aliases):
                if isinstance(expr, ast.Name):
                    return aliases.get(expr.id)
                if isinstance(expr, ast.Attribute):
                    base = resolve(expr.value)
                    return f"{base}.{expr.attr}" if base else None
                return None

            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                if (
                    isinstance(func, ast.Attribute)
                    and func.attr in _WRITE_METHODS
                    and isinstance(func.value, ast.Attribute)
                    and func.value.attr == "objects"
                ):
                    target = resolve(func.value.value)  # Model.objects.create(...)
                else:
                    target = resolve(func)  # Model(...)
                if target is None:
                    continue
                owner, name = target.split(".")[0], target.rsplit(".", 1)[-1]
                if owner != package and name in owned.get(owner, ()):
                    where = path.relative_to(root)
                    found.append(f"{where}:{node.lineno}: writes {owner}'s {name}")
    return found


def test_no_app_writes_another_apps_timeline():
    """A higher app puts a step on a lower app's timeline through that app's service
    (e.g. incubation.services.record_event), never by creating its event rows."""
    owned = _timeline_models()
    assert {"incubation", "partybuilding", "evaluation", "funding"} <= set(owned)
    assert _foreign_event_writes(ROOT, _root_packages(), owned) == []


def test_it_finds_a_planted_write_of_another_apps_timeline(tmp_path):
    app = tmp_path / "partybuilding"
    app.mkdir()
    (app / "services.py").write_text(
        textwrap.dedent(
            """
            from incubation import models as im
            from incubation.models import OrganizationEvent as E
            from partybuilding.models import DevelopmentEvent

            def record(org, development):
                DevelopmentEvent.objects.create(development=development)  # its own: fine
                E.objects.create(organization=org, kind="updated")
                im.OrganizationEvent.objects.bulk_create([])
                E(organization=org, kind="updated").save()
            """
        )
    )
    found = _foreign_event_writes(tmp_path, ["partybuilding"], _timeline_models())
    assert [line.split(":")[1] for line in found] == ["8", "9", "10"]
    assert "writes incubation's OrganizationEvent" in found[0]
