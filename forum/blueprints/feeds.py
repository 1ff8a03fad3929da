"""Atom feeds of categories and threads, and the settings page for one's private feed address."""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from ..models import utcnow
from ..policy import requires
from ..services import feeds

bp = Blueprint("feeds", __name__)

ATOM = "application/atom+xml; charset=utf-8"


def atom_time(at=None) -> str:
    return (at or utcnow()).strftime("%Y-%m-%dT%H:%M:%SZ")


def _atom(feed):
    response = make_response(render_template("feeds/feed.xml", feed=feed, self_url=request.url))
    response.headers["Content-Type"] = ATOM
    # A private feed is one member's; a public one may differ for whoever is signed in too.
    response.headers["Cache-Control"] = "private, max-age=300"
    response.vary.add("Cookie")
    return response


@bp.get("/c/<slug>/feed.atom")
def category(slug):
    reader = feeds.reader(current_user, request.args.get("token"))
    return _atom(feeds.category_feed(reader, slug))


@bp.get("/t/<int:thread_id>/feed.atom")
def thread(thread_id):
    reader = feeds.reader(current_user, request.args.get("token"))
    return _atom(feeds.thread_feed(reader, thread_id))


@bp.get("/settings/feeds")
@requires("read_members_area")
def settings():
    return render_template(
        "feeds/settings.html",
        categories=feeds.feed_categories(current_user),
        token=feeds.token_of(current_user),
    )


@bp.post("/settings/feeds/token")
@requires("read_members_area")
def new_token():
    had = feeds.token_of(current_user)
    feeds.new_token(current_user)
    flash(
        "Your private feed address is changed: the old one no longer works."
        if had
        else "Your private feed address is ready.",
        "success",
    )
    return redirect(url_for("feeds.settings"))


@bp.post("/settings/feeds/revoke")
@requires("read_members_area")
def revoke():
    if feeds.revoke(current_user):
        flash("Your private feed address is revoked: feed readers using it get nothing more.", "success")
    return redirect(url_for("feeds.settings"))
