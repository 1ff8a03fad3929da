"""The home page, category pages, the unread list, and admin of categories."""

from flask import render_template

from . import bp


@bp.get("/")
def index():
    return render_template("threads/index.html")
