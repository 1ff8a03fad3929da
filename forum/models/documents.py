"""The Charter, Code of Conduct and Website Terms: versioned texts members accept."""

from peewee import CharField, DateTimeField, IntegerField, TextField, fn

from .base import BaseModel, utcnow
from .prepared import prepared

# slug -> title. The slugs are the documents' URLs and never change.
DOCUMENTS = {
    "charter": "Members' Charter",
    "code-of-conduct": "Code of Conduct",
    "terms": "Website Terms and Conditions",
}


class DocumentVersion(BaseModel):
    document = CharField(max_length=40, choices=[(slug, title) for slug, title in DOCUMENTS.items()])
    version = IntegerField()
    body_md = TextField()
    # Rendered once when published; pages show this.
    body_html = TextField()
    summary = TextField(default="")
    published_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("document", "version"), True),)

    @property
    def title(self) -> str:
        return DOCUMENTS[self.document]

    @classmethod
    def current(cls, document: str):
        """The latest version of one document, or None before any is installed."""
        return cls.select().where(cls.document == document).order_by(cls.version.desc()).first()

    @classmethod
    def current_versions(cls) -> dict[str, int]:
        """Each document's latest version number, in one query."""
        rows = prepared(
            "current versions",
            lambda: cls.select(cls.document, fn.MAX(cls.version).alias("latest")).group_by(cls.document),
        )
        return {row.document: row.latest for row in rows}

    @classmethod
    def latest_columns(cls) -> list:
        """current_versions() as columns another query can carry: one subquery per document, its
        latest version number, or NULL before any is installed (read with versions_from_columns).
        The session's member query carries them, so the acceptance check every signed-in request
        makes costs no query of its own."""
        return [cls.select(fn.MAX(cls.version)).where(cls.document == doc) for doc in DOCUMENTS]

    @staticmethod
    def versions_from_columns(values) -> dict[str, int]:
        return {doc: version for doc, version in zip(DOCUMENTS, values, strict=True) if version is not None}
