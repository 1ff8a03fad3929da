"""Public pages: the Charter, Code of Conduct and Website Terms."""

from flask import Blueprint, render_template

from ..errors import NotFound
from ..models import DOCUMENTS, DocumentVersion

bp = Blueprint("pages", __name__)


@bp.get("/<any(" + ", ".join(f"'{slug}'" for slug in DOCUMENTS) + "):document>")
def document(document):
    current = DocumentVersion.current(document)
    if current is None:
        raise NotFound("This document has not been published yet.")
    return render_template("pages/document.html", doc=current)
