"""Publishing the Charter, Code of Conduct and Website Terms."""

from importlib import resources

from ..errors import Invalid, NotFound
from ..models import DOCUMENTS, DocumentVersion
from ..models.db import db
from . import notifying
from .text import render_markdown


def shipped_text(document: str) -> str:
    """The default text that ships inside the package."""
    return resources.files("forum").joinpath("content", f"{document}.md").read_text("utf-8")


def publish(document: str, body_md: str, summary: str = "") -> DocumentVersion:
    """A new version of a document; members are asked to accept it on their next request."""
    if document not in DOCUMENTS:
        raise NotFound(f"There is no document called {document!r}.")
    if not body_md.strip():
        raise Invalid("A document needs some text.")
    with db.atomic():
        current = DocumentVersion.current(document)
        version = DocumentVersion.create(
            document=document,
            version=(current.version + 1) if current else 1,
            body_md=body_md,
            body_html=render_markdown(body_md),
            summary=summary.strip(),
        )
        notifying.charter_published(version)
    return version


def install_shipped() -> list[DocumentVersion]:
    """Version 1 of each document that has none yet, from the shipped text."""
    have = DocumentVersion.current_versions()
    return [publish(slug, shipped_text(slug)) for slug in DOCUMENTS if slug not in have]
