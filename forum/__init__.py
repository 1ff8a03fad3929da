"""belong-forum: a members' forum for a network that works under a Members' Charter."""

import os

from flask import Flask
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix

from . import blueprints, commands, config, errors, web
from .models import db
from .web import conditional, limits, login, page_cache, templating

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
    csrf.init_app(app)
    htmx.init_app(app)
    web.init_app(app)
    conditional.init_app(app)
    errors.init_app(app)
    limits.init_app(app)
    login.init_app(app)
    templating.init_app(app)
    commands.init_app(app)

    blueprints.register(app)
    limits.skip_idle_check(app)
    # Around the app: the visitors' page cache, then the proxy fix-up (the cache keys on the scheme,
    # host and root the proxy reports).
    page_cache.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
    return app
