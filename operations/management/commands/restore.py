from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from operations.backups import BackupError, Target, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder made by `manage.py backup` into the database (DATABASE_URL, "
        "or --database-url) and the media folder, then check every table's row count and "
        "every file's SHA-256 against the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="the backup folder, e.g. backups/20261204-153000")
        parser.add_argument(
            "--database-url",
            help="restore into this database instead of the configured one (e.g. a fresh "
            "postgres://…/kaiyihui_restore made with createdb, or sqlite:////path/copy.db)",
        )
        parser.add_argument("--media-root", help="media folder (default: MEDIA_ROOT)")
        parser.add_argument("--no-input", action="store_true", help="do not ask before overwriting")

    def handle(self, *args, folder, database_url=None, media_root=None, no_input=False, **opts):
        if database_url:
            target = Target.from_url(database_url)
        else:
            target = Target.from_settings(connection.settings_dict)
        media = Path(media_root or settings.MEDIA_ROOT)
        if not no_input:
            answer = input(
                f"This replaces the data of the {target.vendor} database {target.name} and "
                f"writes the backup's files into {media}. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        # Our own pooled connections would hold locks that the restore waits for.
        connections.close_all()
        try:
            checked = backup_restore(folder=Path(folder), target=target, media_root=media)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {folder} into {target.name}: {checked['tables']} tables and "
            f"{checked['files']} media files match the backup."
        )
