"""Admin pages: categories, groups, and new versions of the Charter, Code of Conduct and Terms. The
blueprint checks once, before every request, that the person is an admin."""

from flask import Blueprint

from ...policy import refusal

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def admins_only():
    return refusal("administer")


from . import categories, documents, groups  # noqa: E402,F401  (they add their routes to bp)
