"""Backup and restore of everything the platform keeps: the database and the media files.

A backup is a folder ``backups/<timestamp>/`` holding

- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3``
  (SQLite, a copy made with SQLite's online backup API, safe while the server writes);
- ``media.tar.gz``, the media directory (attachments, stored reports, job results);
- ``manifest.json``: the row count of every table and the SHA-256 of every media file,
  taken from the same moment as the dump.

Restoring loads both and then checks them against the manifest, so a restore that lost
rows or files fails loudly instead of being found out weeks later. Used by
``manage.py backup`` / ``manage.py restore`` (``make backup`` / ``make restore``) and by
tests/operations/test_backup_restore.py, which runs the whole drill in CI.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 - pg_dump / pg_restore, fixed local programs
import tarfile
from dataclasses import dataclass
from pathlib import Path

import environ
import psycopg
from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA_FILE = "media.tar.gz"
FORMAT = 1

POSTGRESQL = "postgresql"
SQLITE = "sqlite"


class BackupError(Exception):
    """A backup or restore that cannot go on, or a restore that does not match its
    manifest; the message says what and where."""


@dataclass(frozen=True)
class Target:
    """A database to back up or restore into, from Django's settings or a URL."""

    vendor: str
    name: str  # PostgreSQL database name, or SQLite file path
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, db: dict) -> Target:
        engine = db["ENGINE"]
        if engine.endswith("sqlite3"):
            return cls(vendor=SQLITE, name=str(db["NAME"]))
        if engine.endswith("postgresql"):
            return cls(
                vendor=POSTGRESQL,
                name=db["NAME"],
                host=str(db.get("HOST") or ""),
                port=str(db.get("PORT") or ""),
                user=db.get("USER") or "",
                password=db.get("PASSWORD") or "",
            )
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")

    @classmethod
    def from_url(cls, url: str) -> Target:
        return cls.from_settings(environ.Env.db_url_config(url))

    def libpq_env(self) -> dict:
        """pg_dump / pg_restore read the connection from the environment, so the password
        never shows in the process list."""
        env = {**os.environ, "PGDATABASE": self.name}
        for key, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
        ):
            if value:
                env[key] = value
        return env

    def connect_postgresql(self, **kwargs):
        return psycopg.connect(
            dbname=self.name,
            host=self.host or None,
            port=self.port or None,
            user=self.user or None,
            password=self.password or None,
            **kwargs,
        )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_hashes(root: Path) -> dict[str, str]:
    """Relative path (with /) → SHA-256 of every file under ``root``."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256_of(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count_rows(cursor, tables) -> dict[str, int]:
    counts = {}
    for table in tables:
        # Table names come from the database's own catalogue, quoted as identifiers.
        sql = f"SELECT COUNT(*) FROM {_quote(table)}"  # noqa: S608  # nosec B608
        cursor.execute(sql)
        counts[table] = cursor.fetchone()[0]
    return counts


def _postgresql_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
        "ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [row[0] for row in rows]


def database_row_counts(target: Target) -> dict[str, int]:
    """The row count of every table of ``target``."""
    if target.vendor == POSTGRESQL:
        with target.connect_postgresql() as conn, conn.cursor() as cursor:
            return _count_rows(cursor, _postgresql_tables(cursor))
    conn = sqlite3.connect(target.name)
    try:
        return _count_rows(conn.cursor(), _sqlite_tables(conn))
    finally:
        conn.close()


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed (Debian: apt-get install postgresql-client); it must "
            "be the server's major version or newer."
        )
    return found


def _run(args: list[str], env: dict) -> None:
    # A fixed program found by _program, with arguments we build; no shell.
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _dump_postgresql(target: Target, folder: Path) -> dict[str, int]:
    """pg_dump and the row counts from one snapshot: a transaction exports its snapshot,
    counts in it, and pg_dump reads that same snapshot, so writes during the backup cannot
    make the manifest disagree with the dump."""
    with target.connect_postgresql(autocommit=True) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        with conn.cursor() as cursor:
            counts = _count_rows(cursor, _postgresql_tables(cursor))
        _run(
            [
                _program("pg_dump"),
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={folder / PG_DUMP_FILE}",
            ],
            target.libpq_env(),
        )
        conn.execute("ROLLBACK")
    return counts


def _dump_sqlite(folder: Path) -> dict[str, int]:
    # Through Django's own connection: it also reaches an in-memory database (tests).
    if connection.in_atomic_block:
        # SQLite's backup would wait for our own open transaction for ever.
        raise BackupError("A SQLite backup cannot run inside a transaction.")
    connection.ensure_connection()
    copy = sqlite3.connect(folder / SQLITE_FILE)
    try:
        connection.connection.backup(copy)
        return _count_rows(copy.cursor(), _sqlite_tables(copy))
    finally:
        copy.close()


def backup_create(*, destination: Path, media_root: Path | None = None) -> Path:
    """Back up the default database and the media directory into a new folder under
    ``destination``; returns the folder."""
    target = Target.from_settings(connection.settings_dict)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder = Path(destination) / stamp
    n = 1
    while folder.exists():
        n += 1
        folder = Path(destination) / f"{stamp}-{n}"
    folder.mkdir(parents=True)
    if target.vendor == POSTGRESQL:
        counts, database_file = _dump_postgresql(target, folder), PG_DUMP_FILE
    else:
        counts, database_file = _dump_sqlite(folder), SQLITE_FILE
    # The database first, then the files: a row committed during the backup may name a
    # file the archive has, never the other way round.
    hashes = media_hashes(media_root)
    with tarfile.open(folder / MEDIA_FILE, "w:gz") as archive:
        for relative in hashes:
            archive.add(media_root / relative, arcname=relative, recursive=False)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": target.vendor,
        "database_file": database_file,
        "database_sha256": sha256_of(folder / database_file),
        "row_counts": counts,
        "media_file": MEDIA_FILE,
        "media": hashes,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return folder


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} is missing: not a backup folder made by `make backup`.")
    manifest = json.loads(path.read_text())
    database = Path(folder) / manifest["database_file"]
    if not database.is_file() or sha256_of(database) != manifest["database_sha256"]:
        raise BackupError(f"{database} is missing or does not match its SHA-256 in the manifest.")
    return manifest


def _restore_postgresql(target: Target, dump: Path) -> None:
    # One transaction: a failed restore leaves the database as it was. --clean drops what
    # the dump brings back, so restoring over the live database works too; --no-owner
    # lets another role own the restored objects.
    _run(
        [
            _program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={target.name}",
            str(dump),
        ],
        target.libpq_env(),
    )


def _restore_sqlite(target: Target, copy: Path) -> None:
    Path(target.name).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(copy)
    destination = sqlite3.connect(target.name)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def backup_restore(*, folder: Path, target: Target, media_root: Path) -> dict:
    """Load the backup in ``folder`` into ``target`` and its files into ``media_root``,
    then check every table's row count and every file's SHA-256 against the manifest.
    Files in ``media_root`` that the backup does not have are left alone. Returns what
    was checked."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest["vendor"] != target.vendor:
        raise BackupError(
            f"The backup is of a {manifest['vendor']} database; the target is {target.vendor}."
        )
    if target.vendor == POSTGRESQL:
        _restore_postgresql(target, folder / manifest["database_file"])
    else:
        _restore_sqlite(target, folder / manifest["database_file"])
    media_root = Path(media_root)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / manifest["media_file"], "r:gz") as archive:
        # The "data" filter refuses absolute paths, links out of the folder and devices.
        archive.extractall(media_root, filter="data")
    problems = []
    counts = database_row_counts(target)
    for table, expected in sorted(manifest["row_counts"].items()):
        found = counts.get(table)
        if found != expected:
            problems.append(f"table {table}: {found} rows, the backup had {expected}")
    for relative, expected in sorted(manifest["media"].items()):
        path = media_root / relative
        if not path.is_file():
            problems.append(f"media file {relative}: missing")
        elif sha256_of(path) != expected:
            problems.append(f"media file {relative}: SHA-256 differs from the backup")
    if problems:
        raise BackupError("The restore does not match the backup: " + "; ".join(problems))
    return {"tables": len(manifest["row_counts"]), "files": len(manifest["media"])}
