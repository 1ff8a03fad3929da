"""The forum itself: categories, threads and posts. One blueprint, in two modules:
`categories` (the home page, category pages, unread, admin of categories) and `posts`
(a thread's page, writing, editing, withdrawing, and staff actions on threads)."""

from flask import Blueprint

bp = Blueprint("threads", __name__)

from . import categories, kept_blocks, kept_lists, posts  # noqa: E402,F401  (they add their routes and globals to bp)
