import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operations.backups import MANIFEST, BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or a SQLite copy) and the media files into "
        "backups/<timestamp>/ with a manifest of row counts and SHA-256 hashes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            default=str(settings.BASE_DIR / "backups"),
            help="folder that receives the new backup folder (default: backups/)",
        )
        parser.add_argument("--media-root", help="media folder (default: MEDIA_ROOT)")

    def handle(self, *args, to, media_root=None, **options):
        try:
            folder = backup_create(
                destination=Path(to), media_root=Path(media_root) if media_root else None
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = json.loads((folder / MANIFEST).read_text())
        counts = manifest["row_counts"]
        self.stdout.write(
            f"Backup written to {folder}: {len(counts)} tables, {sum(counts.values())} rows, "
            f"{len(manifest['media'])} media files."
        )
