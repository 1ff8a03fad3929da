"""belong-forum: a members' forum for a network that works under a Members' Charter."""

import os

from flask import Flask
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, conditional, config, db, errors, limits, login, policy, templating, web

csrf = CSRFProtect()
htmx = Htmx()


def create_app(test_config: dict | None = None) -> Flask:
    test_config = test_config or {}
    # The instance folder holds the SQLite file and the generated secret key.
    instance_path = test_config.get("INSTANCE_PATH") or os.environ.get("FORUM_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    try:
        config.load(app, test_config)
        db.init_app(app)
    except config.ConfigError as exc:
        # One line naming the setting, not a traceback.
        raise SystemExit(f"belong-forum cannot start: {exc}") from None
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)

    csrf.init_app(app)
    htmx.init_app(app)
    web.init_app(app)
    conditional.init_app(app)
    errors.init_app(app)
    limits.init_app(app)
    login.init_app(app)
    policy.init_app(app)
    templating.init_app(app)
    cli.init_app(app)

    from .blueprints import admin, auth, directory, moderation, pages, reports, threads

    for blueprint in (threads.bp, pages.bp, auth.bp, moderation.bp, admin.bp, directory.bp, reports.bp):
        app.register_blueprint(blueprint)
    from .blueprints import help as help_pages
    from .blueprints import support

    for blueprint in (help_pages.bp, support.bp, support.staff_bp):
        app.register_blueprint(blueprint)
    from .blueprints import selfmod

    app.register_blueprint(selfmod.bp)
    from .blueprints import uploads

    app.register_blueprint(uploads.bp)
    from .blueprints import feeds, search

    app.register_blueprint(search.bp)
    app.register_blueprint(feeds.bp)
    from .blueprints import email_replies, notifications

    app.register_blueprint(notifications.bp)
    app.register_blueprint(email_replies.bp)
    limits.skip_idle_check(app)
    return app
