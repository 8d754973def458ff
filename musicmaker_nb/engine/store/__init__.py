"""What the engine keeps: tokens, sessions, drafts and their history, media and renders in one
SQLite file beside the files themselves, and the uploads (multipart or URL) that fill it."""

from ._store import Store, is_disk_full, new_id, storage_full_error

__all__ = ["Store", "new_id", "is_disk_full", "storage_full_error"]
