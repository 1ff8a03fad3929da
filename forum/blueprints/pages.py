"""Public pages: the Charter, Code of Conduct and Website Terms."""

from flask import Blueprint, render_template, request

from ..errors import NotFound
from ..forms.moderation import log_filters
from ..models import DOCUMENTS, DocumentVersion
from ..policy import requires
from ..services import moderating

bp = Blueprint("pages", __name__)


@bp.get("/<any(" + ", ".join(f"'{slug}'" for slug in DOCUMENTS) + "):document>")
def document(document):
    current = DocumentVersion.current(document)
    if current is None:
        raise NotFound("This document has not been published yet.")
    return render_template("pages/document.html", doc=current)


@bp.get("/moderation-log")
@requires("read_moderation_log")
def moderation_log():
    """What staff have done, for members to see: without staff names or removed content."""
    return render_template(
        "moderation/log.html", **moderating.log_page(**log_filters(request.args)), staff_view=False
    )
