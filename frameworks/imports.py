"""Files editors upload in the admin: a catalog (the ``exportcatalog`` JSON) or ratings (CSV).

An upload is read and checked whole (``read_upload``), then previewed: the import runs in a
transaction that is rolled back (``preview``), so the preview is exactly what confirming
would do, with the same errors. The preview hands the editor a signed ticket holding the
file, their choices and the catalog version it was computed on; ``confirm`` applies the file
only if the catalog is still at that version, so an editor's save made in between is never
silently overwritten: the editor is asked to preview again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.core import signing
from django.db import transaction

from . import catalog_io, models, ratings_csv
from .catalog_schema import CatalogError, read_document

MAX_UPLOAD_BYTES = 1024 * 1024
KINDS = {".json": "json", ".csv": "csv"}
TICKET_SALT = "frameworks.imports.ticket"
TICKET_MAX_AGE = 60 * 60
#: simple_history keeps a change reason of up to 100 characters.
REASON_LENGTH = 100

#: What an editor must be allowed to do by hand to import each kind of file: an import
#: may do nothing its uploader could not do on the admin's pages.
CATALOG_MODELS = (
    "framework",
    "criterion",
    "level",
    "capability",
    "usecase",
    "usecasepreset",
    "rating",
    "frameworkcapability",
    "procon",
    "usecasefit",
)
PERMISSIONS = {
    "csv": ("frameworks.add_rating", "frameworks.change_rating"),
    "json": (
        *(
            f"frameworks.{action}_{model}"
            for model in CATALOG_MODELS
            for action in ("add", "change")
        ),
        "frameworks.delete_procon",  # replacing a framework's pros and cons removes the old ones
    ),
}


class StalePreview(CatalogError):
    """The catalog changed after the preview; nothing was imported."""


@dataclass(frozen=True, slots=True)
class Upload:
    name: str
    kind: str
    text: str


def can_import(user, kind: str = "csv") -> bool:
    return user.is_active and user.is_staff and user.has_perms(PERMISSIONS[kind])


def read_upload(name: str, raw: bytes) -> Upload:
    """The uploaded file as text, refused (with the reason) when it cannot be a catalog file."""
    name = PurePath(name or "upload").name[:80]
    kind = KINDS.get(PurePath(name).suffix.lower())
    if kind is None:
        raise CatalogError(
            f"{name}: upload a catalog (.json, as exportcatalog writes it) or ratings (.csv)."
        )
    if len(raw) > MAX_UPLOAD_BYTES:
        raise CatalogError(
            f"{name} is {len(raw):,} bytes; an uploaded file may be at most "
            f"{MAX_UPLOAD_BYTES:,} bytes (1 MB). Split it, or use loadcatalog on the server."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CatalogError(
            f"{name} is not UTF-8 text: byte 0x{raw[error.start]:02x} on line {line} cannot be "
            "read. Save it as UTF-8 (CSV UTF-8 in a spreadsheet) and upload it again."
        ) from error
    return Upload(name=name, kind=kind, text=text)


def apply(upload: Upload, *, overwrite: bool, user) -> catalog_io.ImportReport:
    """Import the file for good; raises CatalogError with every problem, writing nothing."""
    reason = f"Imported from {upload.name} by {user.get_username()}"[:REASON_LENGTH]
    if upload.kind == "json":
        document = read_document(upload.text.encode("utf-8"), name=upload.name)
        return catalog_io.import_catalog(document, overwrite=overwrite, reason=reason, user=user)
    rows, errors = ratings_csv.read_ratings(upload.text)
    if errors:
        # Every problem at once: the rows that could be read are checked as well.
        raise CatalogError(ratings_csv.by_line(errors + ratings_csv.check_ratings(rows)))
    return catalog_io.import_ratings(rows, overwrite=overwrite, reason=reason, user=user)


def preview(upload: Upload, *, overwrite: bool, user) -> catalog_io.ImportReport:
    """What ``apply`` would do now, without doing it."""
    with transaction.atomic():
        report = apply(upload, overwrite=overwrite, user=user)
        transaction.set_rollback(True)
    return report


def stored_version(*, lock: bool = False) -> int:
    rows = models.CatalogState.objects.filter(pk=1)
    if lock:
        rows = rows.select_for_update()
    return rows.values_list("version", flat=True).first() or 0


def ticket(upload: Upload, *, overwrite: bool, version: int, user) -> str:
    return signing.dumps(
        {
            "name": upload.name,
            "kind": upload.kind,
            "text": upload.text,
            "overwrite": overwrite,
            "version": version,
            "user": user.pk,
        },
        salt=TICKET_SALT,
        compress=True,
    )


def confirm(token: str, *, user) -> tuple[Upload, catalog_io.ImportReport]:
    """Apply a previewed file if the catalog is as the preview saw it; else StalePreview."""
    try:
        held = signing.loads(token, salt=TICKET_SALT, max_age=TICKET_MAX_AGE)
    except signing.SignatureExpired as error:
        raise StalePreview(
            "This preview is more than an hour old. Upload the file again."
        ) from error
    except signing.BadSignature as error:
        raise StalePreview("This preview cannot be read. Upload the file again.") from error
    if held.get("user") != user.pk:
        raise StalePreview("This preview was made by another editor. Upload the file again.")
    upload = Upload(name=held["name"], kind=held["kind"], text=held["text"])
    if not can_import(user, upload.kind):
        raise CatalogError(f"You may not import {upload.kind.upper()} files.")
    with transaction.atomic():
        # Locked until the import commits: a save that lands meanwhile waits for it.
        now = stored_version(lock=True)
        if now != held["version"]:
            raise StalePreview(
                "The catalog changed after your preview (another save or import), so nothing "
                "was imported: what you saw may no longer be what the file would do. Upload "
                "the file again to see a fresh preview."
            )
        report = apply(upload, overwrite=held["overwrite"], user=user)
    return upload, report
