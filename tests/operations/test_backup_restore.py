"""The backup and restore drill (`make backup`, `make restore`): back up the suite's
database and media, restore into a fresh database (PostgreSQL in CI: a new
kyh_restore_<random> database; SQLite: a new file) and a fresh media folder, and compare
every table's row count and every file's SHA-256 with the original."""

import hashlib
import json
import secrets
import sqlite3
import urllib.parse
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from incubation.models import Organization
from operations.backups import MANIFEST, Target, database_row_counts
from tests.factories import OrganizationFactory


def postgres_url(name: str) -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db.get("USER") or "postgres")
    password = urllib.parse.quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}" if password else user
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of the suite's kind, dropped afterwards."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"kyh_restore_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield postgres_url(name)
    with psycopg.connect(postgres_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media(settings):
    default_storage.save(
        "reports/2026/年检报告.pdf", ContentFile(b"%PDF-1.7\n" + bytes(range(256)))
    )
    default_storage.save("attachments/照片.jpg", ContentFile(secrets.token_bytes(4096)))
    default_storage.save("jobs/export.xlsx", ContentFile(b"PK\x03\x04" * 100))
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def seeded(transactional_db, tenant, media):
    # Committed rows (pg_dump reads from its own connection), dropped by the flush after.
    for n in range(5):
        OrganizationFactory(community=tenant.community, name=f"备份演练组织{n}")
    return media


def file_hashes(root: Path) -> dict:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def suite_row_counts() -> dict:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def organization_names(url: str) -> list:
    target = Target.from_url(url)
    sql = f"SELECT name FROM {Organization._meta.db_table} ORDER BY name"
    if target.vendor == "postgresql":
        with target.connect_postgresql() as conn:
            return [row[0] for row in conn.execute(sql)]
    with sqlite3.connect(target.name) as conn:
        return [row[0] for row in conn.execute(sql)]


def backup(tmp_path) -> Path:
    call_command("backup", to=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    return folder


def test_it_restores_every_row_and_file_into_a_fresh_database(seeded, fresh_database, tmp_path):
    folder = backup(tmp_path)
    expected_counts = suite_row_counts()
    expected_files = file_hashes(seeded)
    restored_media = tmp_path / "restored-media"

    call_command(
        "restore",
        str(folder),
        database_url=fresh_database,
        media_root=str(restored_media),
        no_input=True,
    )

    assert database_row_counts(Target.from_url(fresh_database)) == expected_counts
    assert expected_counts[Organization._meta.db_table] == Organization.objects.count() >= 7
    assert organization_names(fresh_database) == sorted(
        Organization.objects.values_list("name", flat=True)
    )
    assert len(expected_files) == 3
    assert file_hashes(restored_media) == expected_files


def test_it_refuses_a_restore_that_differs_from_the_backup(seeded, fresh_database, tmp_path):
    folder = backup(tmp_path)
    manifest_path = folder / MANIFEST
    manifest = json.loads(manifest_path.read_text())

    # A file that is not what was backed up.
    manifest["media"]["attachments/照片.jpg"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="media file attachments/照片.jpg: SHA-256 differs"):
        call_command(
            "restore",
            str(folder),
            database_url=fresh_database,
            media_root=str(tmp_path / "restored-media"),
            no_input=True,
        )

    # A damaged database file is refused before anything is written.
    dump = folder / manifest["database_file"]
    dump.write_bytes(dump.read_bytes()[:-100])
    with pytest.raises(CommandError, match="does not match its SHA-256"):
        call_command("restore", str(folder), database_url=fresh_database, no_input=True)
