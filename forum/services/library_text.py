"""Reading a PDF's words for search, after the file is stored and outside the request.

A PDF's text took from a tenth of a second (a 20 MB report) to more than five minutes (one crafted
page) to read, so the request that adds a resource only checks and stores the file, and marks its
text "pending". The words are then read by a child process with a time limit
(library_files.pdf_text), from a thread of the worker that stored it, one at a time per worker
(LIBRARY_TEXT_IN_BACKGROUND); `flask --app forum library extract`, run from cron, reads any
still pending (a worker restarted in between, or the setting off). Until then the resource is
found by its title and summary; once read, by any phrase of its file as well.
"""

import threading

from flask import current_app

from ..models.db import db
from ..models.library import Resource, ResourceVersion
from ..models.search import refresh_posts

# One PDF read at a time in each worker: the machine's other work goes on meanwhile.
_ONE_AT_A_TIME = threading.BoundedSemaphore(1)


def read_later(resource_id: int) -> threading.Thread | None:
    """Read the resource's text in a background thread, when the setting says so; returns it."""
    app = current_app._get_current_object()
    if not app.config["LIBRARY_TEXT_IN_BACKGROUND"]:
        return None
    thread = threading.Thread(
        target=_run, args=(app, resource_id), name=f"library-text-{resource_id}", daemon=True
    )
    thread.start()
    return thread


def _run(app, resource_id: int) -> None:
    with _ONE_AT_A_TIME, app.app_context():
        try:
            read(resource_id)
        except Exception:  # a thread's failure must be logged, not lost: the command retries it
            app.logger.exception("Reading the text of resource %s failed", resource_id)


def read(resource_id: int) -> str | None:
    """Read the text of the resource's current version if it is pending; put it in the search
    index. Returns the new status ("done" or "failed"), or None when there was nothing to do."""
    from . import library, library_files

    resource = Resource.get_or_none(Resource.id == resource_id)
    if resource is None or resource.text_status != "pending" or resource.status == "removed":
        return None
    version = (
        ResourceVersion.select()
        .where((ResourceVersion.resource == resource) & (ResourceVersion.number == resource.version_count))
        .first()
    )
    if version is None:
        return None
    path = library.path_of(version)
    text = (
        library_files.pdf_text(path, current_app.config["LIBRARY_TEXT_SECONDS"]) if path.is_file() else None
    )
    status = "done" if text is not None else "failed"
    with db.atomic():
        # Only for the version it read: a newer one is read in its turn.
        changed = (
            Resource.update(file_text=text or "", text_status=status)
            .where(
                (Resource.id == resource.id)
                & (Resource.version_count == version.number)
                & (Resource.text_status == "pending")
            )
            .execute()
        )
        if changed:
            refresh_posts(library.opening_posts([resource]))
    return status if changed else None


def read_pending(limit: int = 100) -> int:
    """Read every resource's pending text (at most `limit`); returns how many were read."""
    pending = [
        r.id
        for r in Resource.select(Resource.id)
        .where((Resource.text_status == "pending") & (Resource.status != "removed"))
        .order_by(Resource.id)
        .limit(limit)
    ]
    return sum(1 for resource_id in pending if read(resource_id) is not None)
