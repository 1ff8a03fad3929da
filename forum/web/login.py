"""flask-login: the session names a member and their session token, so changing the token
(a new password) signs them out everywhere."""

from flask_login import LoginManager

from ..models import Member

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"
# "basic", not "strong": a member whose phone changes network must not be signed out.
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_member(session_id: str):
    return Member.for_session(session_id)


def init_app(app):
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    login_manager.init_app(app)
