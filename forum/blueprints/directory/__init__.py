"""The Directory of Members. One blueprint, for members only, in three modules: `profiles`
(search, profiles, one's own profile settings), `organisations` (their pages, editing, merging)
and `contact` (contact requests on the recipient's terms)."""

from flask import Blueprint
from flask_login import user_logged_in

from ...policy import refusal
from ...services import directory

bp = Blueprint("directory", __name__)


@bp.before_request
def members_only():
    # The whole directory is for members: checked once here, so no new route can forget it.
    return refusal("browse_directory")


@bp.record_once
def _track_sign_ins(state):
    # Signing in counts as activity for "recently active"; posting is the other thing that does.
    user_logged_in.connect(
        lambda sender, user, **extra: directory.record_activity(user), state.app, weak=False
    )


from . import contact, organisations, profiles  # noqa: E402,F401  (they add their routes to bp)
