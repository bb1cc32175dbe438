"""Production packaging: every app installed and packaged, and an image that cannot carry
a developer's secrets, database or uploads."""

import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _project_apps() -> set[str]:
    return {path.parent.name for path in ROOT.glob("*/apps.py")}


def test_it_installs_every_app_of_the_project():
    installed = {name.split(".")[0] for name in settings.INSTALLED_APPS}
    assert _project_apps() - installed == set()


def test_it_packages_every_app_of_the_project():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packaged = {pattern.rstrip("*") for pattern in include}
    assert _project_apps() - packaged == set(), "add them to pyproject's include list"


def _dockerignore() -> set[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def test_it_keeps_secrets_databases_and_uploads_out_of_the_image():
    ignored = _dockerignore()
    for entry in (".env", ".env.*", ".venv", ".git", "db.sqlite3*", "*.sqlite3", "media"):
        assert entry in ignored, entry
    assert "backups" in ignored and "var" in ignored


def test_it_builds_the_image_in_one_copy_that_never_reads_a_dot_env():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    assert "ENV DJANGO_READ_DOT_ENV=false" in lines
    # One copy of the whole context, then one install: no app can be left out of it.
    assert [line for line in lines if line.startswith("COPY")] == ["COPY . ."]
    assert lines.index("COPY . .") < next(
        i for i, line in enumerate(lines) if "pip install ." in line
    )


def test_it_runs_every_app_container_of_the_production_compose_file_with_debug_off():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    apps = [
        name
        for name, service in compose["services"].items()
        if service.get("image", "").startswith("kaiyihui")
    ]
    assert set(apps) >= {"web", "worker", "beat"}
    for name in apps:
        # environment beats env_file: a DJANGO_DEBUG=true in .env.production cannot win.
        assert compose["services"][name]["environment"]["DJANGO_DEBUG"] == "false", name
