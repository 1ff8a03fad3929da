"""Kept blocks: the thread page's posts, its frame and its whole main part, drawn from rendered
blocks kept in memory (lists of threads: kept_lists.py).

Drawing `_post.html` twenty times a page (its include, a dozen policy checks, links, escaping) is
most of the thread page's work (docs/performance.md). The same post looks the same to every viewer
of the same kind, so each post's block is rendered once by the same template and kept in an
in-process LRU, one per worker. The thread page's blank reply form is kept the same way.

What keeps a cached block from ever being stale: its key is everything the block shows or decides
from, read from the rows as loaded for this request, never a version number someone must remember
to bump:
- every column of the post, its author and the author's organisation that the page query loaded
  (an edit, hide, restore, removal or withdrawal changes `status`, `revision`, `body_html`,
  `status_reason` or `edited_at`; a renamed member or organisation changes the name);
- what the policy reads of the thread (id, status, locked, its category's access rules);
- the viewer's kind: what the policy reads of a member (signed in, verified, status, suspended,
  role), whether they wrote the post, and the per-viewer marks on it (New, muted author, reported
  by them, open reports for staff);
- the time zone the viewer reads times in (a post's time is drawn in it: `viewer_zone`);
- the application root the links are built under.
A new input to `_post.html` that depends on who is looking must join `viewer_kind` or the key
(tests/test_post_blocks.py compares cached pages with freshly drawn ones).

The rest of the thread page's main part (its header, report and self-moderation controls, page
links and reply form) is kept too, as a frame the posts go into (`thread_frame`), for each kind of
viewer of each page of the thread: its key is the thread's and category's columns, the viewer's
kind, whether they started the thread, reported it, hid or watch it, and the page's address. Staff
tools (which list the categories) and a suspended member's notice are drawn each time. Once
drawn, the whole main part (frame and posts) is kept too (`thread_main`), under the page's rows as
the queries read them, so that a page already drawn for that kind of viewer builds no post at all.

The CSRF token in a block's forms belongs to the session that drew it: it is stored as a marker
and the viewer's own token is put back when the block is used. A block without a form that posts
(every block a visitor sees) makes no token at all, so a visitor's page sets no session cookie and
can be shared (forum/web/page_cache.py). Posts with photos are drawn each
time (their controls depend on more than the post), and so are posts that link a resource in
the library (whose card shows only to those who may see the resource); both are rare.
"""

import hashlib

from flask import current_app, g, render_template, request
from flask_login import current_user
from markupsafe import Markup

from ...forms import new_submission
from ...models.posts import PAGE_POST_FIELDS
from ...policy import can
from ...services import self_moderation
from ...web import csrf_token
from ...web.kept import CSRF_MARK, SUBMISSION_MARK, BlockCache, fill, kept_cache, split_marks
from ...web.templating import author_muted, viewer_zone
from ..reports import load_open_report_counts, load_reported_by_me
from ..uploads import load_post_photos


def block_cache(app=None) -> BlockCache:
    app = app or current_app
    return kept_cache(app, "forum_post_blocks", app.config.get("POST_BLOCK_CACHE_SIZE", 4000))


def kept_drawing(key, template: str, **context) -> str:
    """`template` drawn with `context`, kept under `key` (everything the drawing shows)."""
    cache = block_cache()
    drawn = cache.get(key)
    if drawn is None:
        drawn = render_template(template, **context)
        cache.put(key, drawn)
    return drawn


def drawn_each_time(body_html: str | None) -> bool:
    """A post linking a resource in the library is drawn each time: its card shows only to those
    who may see the resource, which no key here holds."""
    return "/library/" in (body_html or "")


def viewer_kind(member) -> tuple:
    """What the policy reads of the viewer (forum/policy/), and nothing that names them."""
    if not getattr(member, "is_authenticated", False):
        return (False,)
    # The member's place in the thread's group is read too (a lead's controls): it is part of
    # the thread's key below, as whether the viewer leads the thread's group.
    return (True, member.is_verified, member.status, member.is_suspended, member.role)


def _thread_key(thread, viewer=None) -> tuple:
    category = thread.category
    group_role = viewer.groups.get(category.group_id) if category.group_id and viewer is not None else None
    return (
        thread.id,
        thread.status,
        thread.locked,
        thread.author_id,
        category.read_access,
        category.post_access,
        category.group_id,
        group_role,
    )


def _row_key(post) -> tuple:
    """Every column loaded for the post, its author and the author's organisation (peewee's
    __data__ and __rel__, listed in forum/web/framework_internals.py)."""
    author = post.__rel__.get("author") or post.author  # as the page query put it: no accessor
    organisation = author.__rel__.get("organisation")
    return (
        tuple(post.__data__.items()),
        tuple(author.__data__.items()),
        tuple(organisation.__data__.items()) if organisation else None,
    )


def post_blocks(posts, thread, last_read, photos, reported, open_reports, before="\n  ") -> Markup:
    """The page's posts, as `{% for post in posts %}{% include "threads/_post.html" %}` drew them
    (each preceded by `before`, the loop's newline and indent), from the cache where it can."""
    cache = block_cache()
    viewer = current_user._get_current_object()
    viewer_id = viewer.id if viewer.is_authenticated else None
    token_name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = None
    common = (
        viewer_kind(viewer),
        _thread_key(thread, viewer if viewer_id is not None else None),
        request.script_root,
        viewer_zone()[0],
    )
    parts = []
    for post in posts:
        if photos.get(post.id) or drawn_each_time(post.body_html):
            parts.append(_draw(post, thread, last_read, photos, reported, open_reports))
            continue
        key = (
            common,
            _row_key(post),
            post.author_id == viewer_id,
            last_read is not None and post.number > last_read,
            author_muted(post),
            ("post", post.id) in reported,
            open_reports.get(post.id, 0),
        )
        block = cache.get(key)
        if block is None:
            block = _draw(post, thread, last_read, photos, reported, open_reports)
            # The session's token, if drawing the block made one (a visitor's blocks have none).
            drawn_with = g.get(token_name)
            cache.put(key, block.replace(drawn_with, CSRF_MARK) if drawn_with else block)
        elif CSRF_MARK in block:
            token = token or csrf_token()
            block = block.replace(CSRF_MARK, token)
        parts.append(block)
    # Output of the autoescaping templates, as an include would have inserted it.
    return Markup("".join(before + part for part in parts))  # noqa: S704


def _draw(post, thread, last_read, photos, reported, open_reports) -> str:
    return render_template(
        "threads/_post.html",
        post=post,
        thread=thread,
        last_read=last_read,
        photos=photos,
        reported=reported,
        open_reports=open_reports,
    )




def blank_reply_form(thread, make_form) -> Markup:
    """The thread page's empty reply form, as `{% include "threads/_reply_form.html" %}` drew it,
    kept once drawn for the thread: the same for every viewer but for the session's CSRF token and
    the form's submission key, put back each time. `make_form()` builds the blank form, only when
    the block is not kept yet: building it on every view cost the thread page (docs/performance.md)."""
    cache = block_cache()
    key = ("blank reply form", thread.id, request.script_root)
    token = csrf_token()
    submission = new_submission()
    block = cache.get(key)
    if block is None:
        form = make_form()
        form.submission.data = submission
        block = render_template("threads/_reply_form.html", thread=thread, reply_form=form)
        cache.put(key, block.replace(token, CSRF_MARK).replace(submission, SUBMISSION_MARK))
    else:
        block = block.replace(CSRF_MARK, token).replace(SUBMISSION_MARK, submission)
    return Markup(block)  # noqa: S704 (the template's own output, as an include would have inserted it)


POSTS_MARK = "\x00posts\x00"
# What the thread query read of the viewer (Thread.with_category).
READER_MARKS = ("reader_reported", "reader_hidden", "reader_watching")
# Where a row of a page of posts holds its body.
BODY = [f.name for f in PAGE_POST_FIELDS].index("body_html")


def thread_frame(thread, page, reported, reply_form, move_form, posts) -> Markup:
    """The thread page's main part with `posts` (the page's post blocks) in place, as
    `{% include "threads/_thread_frame.html" %}` drew it, from the cache where it can: drawn, it
    was most of what a member's thread page costs beyond its posts (docs/performance.md)."""
    viewer = current_user._get_current_object()
    signed_in = viewer.is_authenticated
    marks = self_moderation.thread_marks(viewer, thread)  # loaded with the thread: no query
    context = {"thread": thread, "page": page, "reported": reported, "marks": marks,
               "reply_form": reply_form, "move_form": move_form, "posts": Markup(POSTS_MARK)}  # noqa: S704
    if (signed_in and viewer.is_suspended) or can(viewer, "manage_thread", thread):
        # The suspension's end and reason, and the staff's list of categories to move to, are
        # more than the key below holds: drawn each time (few viewers see either).
        return Markup(render_template(FRAME, **context).replace(POSTS_MARK, posts))  # noqa: S704
    key = (
        "thread frame",
        viewer_kind(viewer),
        signed_in and thread.author_id == viewer.id,
        _thread_key(thread, viewer if signed_in else None),
        tuple(thread.__data__.items()),
        tuple(thread.category.__data__.items()),
        ("thread", thread.id) in reported,
        marks["hidden"],
        marks["watching"],
        page,
        request.full_path,
        request.script_root,
    )
    cache = block_cache()
    frame = cache.get(key)
    if frame is None:
        drawn_before = len(g.get("volatile_values", ()))
        frame = render_template(FRAME, **context)
        # The session's token and the reply form's submission key, if drawing made them.
        token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        kept = frame.replace(token, CSRF_MARK) if token else frame
        for value in g.get("volatile_values", ())[drawn_before:]:
            kept = kept.replace(value, SUBMISSION_MARK)
        cache.put(key, kept)
    else:
        if CSRF_MARK in frame:
            frame = frame.replace(CSRF_MARK, csrf_token())
        if SUBMISSION_MARK in frame:
            frame = frame.replace(SUBMISSION_MARK, new_submission())
    return Markup(frame.replace(POSTS_MARK, posts))  # noqa: S704 (the templates' own output)


FRAME = "threads/_thread_frame.html"


def thread_main(thread, posts, page, last_read, reply_form, move_form) -> tuple[Markup, bytes | None]:
    """The thread page's main part: its posts (`posts`, a models.posts.PageOfPosts) in its frame;
    and when it is kept, a digest of it as kept, without its token and submission key (for the
    page's ETag: layout.page), the same whether it was kept already or drawn now.

    Kept whole, once drawn, under the page's rows as read: the thread's and category's columns
    with what the thread query read of the viewer (reported, hidden, watching), each post's row
    with its author, organisation and the viewer's marks (muted, reported, photos), and what the
    post blocks and the frame key on besides (the viewer's kind, which posts and whether the
    thread are theirs, where their unread posts start, the page's address, their zone). A page
    kept whole costs its two queries and no post built or drawn (docs/performance.md). Pages whose
    frame is drawn each time (staff, a suspended member), or with photos or library links in a
    post, are put together from the post blocks and frame every time."""
    viewer = current_user._get_current_object()
    signed_in = viewer.is_authenticated
    keep = not (
        (signed_in and viewer.is_suspended)
        or can(viewer, "manage_thread", thread)
        or any(row[posts.PHOTO_COUNT] for row in posts.rows)
        or any(drawn_each_time(row[BODY]) for row in posts.rows)
    )
    key = None
    if keep:
        viewer_id = viewer.id if signed_in else None
        numbers = [row[posts.NUMBER] for row in posts.rows]
        first_new = next((n for n in numbers if last_read is not None and n > last_read), None)
        key = (
            "thread main",
            viewer_kind(viewer),
            _thread_key(thread, viewer if signed_in else None),
            tuple(thread.__data__.items()),
            tuple(thread.category.__data__.items()),
            tuple(getattr(thread, name, None) for name in READER_MARKS),
            signed_in and thread.author_id == viewer_id,
            tuple(row[posts.AUTHOR] == viewer_id for row in posts.rows),
            posts.extras,
            tuple(posts.rows),
            first_new,
            page,
            request.full_path,
            request.script_root,
            viewer_zone()[0],
        )
        kept = block_cache().get(key)
        if kept is not None:
            pieces, marks, digest = kept
            values = {}
            if CSRF_MARK in marks:
                values[CSRF_MARK] = csrf_token()
            if SUBMISSION_MARK in marks:
                values[SUBMISSION_MARK] = new_submission()
            return Markup(fill(pieces, values)), digest  # noqa: S704 (the templates' own output)
    drawn_before = len(g.get("volatile_values", ()))
    photos = load_post_photos(posts, thread)
    reported = load_reported_by_me(posts=posts, thread=thread, photos=sum(photos.values(), []))
    open_reports = load_open_report_counts(posts)
    main = thread_frame(thread, page, reported, reply_form, move_form,
                        post_blocks(posts, thread, last_read, photos, reported, open_reports))
    if key is not None:
        token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        kept = str(main)  # stored as text: Markup.replace would escape each replacement on use
        if token:
            kept = kept.replace(token, CSRF_MARK)
        for value in g.get("volatile_values", ())[drawn_before:]:
            kept = kept.replace(value, SUBMISSION_MARK)
        pieces = split_marks(kept)
        digest = hashlib.blake2b(kept.encode(), digest_size=16).digest()
        block_cache().put(key, (pieces, {after for _, after in pieces}, digest))
        return main, digest
    return main, None
