"""Who gets what, route by route: a visitor, an applicant, a member, staff and an admin.

Every route in the app must appear in ACCESS (a new route without an entry fails
test_every_route_has_an_access_entry), so nobody adds a page without deciding who may see it.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from helpers import CAST, signed_in

from forum.models import Category, Member, Organisation
from forum.models.directory import ContactRequest

VIEWERS = ("visitor", "applicant", "member", "staff", "admin")
SIGN_IN = "/sign-in"
MEMBERS_200 = dict.fromkeys(("member", "staff", "admin"), 200)
MEMBERS_422 = dict.fromkeys(("member", "staff", "admin"), 422)
STAFF_ONLY = {"visitor": SIGN_IN, "applicant": "/application", "member": 403}
# The viewers of the second matrix (below): another member, a suspended one, and the cast's group's
# member, lead and former member. A group route spells out what each of all ten gets.
EXTRA_VIEWERS = ("other", "suspended", "group_member", "lead", "former_member")
GROUP = "/groups/esol-practice"
SIGNED_OUT = {"visitor": SIGN_IN, "applicant": "/application"}
# Every signed-in member of both matrices, staff included.
MEMBERS_ALL = ("member", "staff", "admin", *EXTRA_VIEWERS)


def everyone(**expected) -> dict:
    """A group route's expectations, for every viewer of both matrices: `rest` for those not named."""
    rest = expected.pop("rest", None)
    viewers = {viewer: rest for viewer in (*VIEWERS, *EXTRA_VIEWERS)}
    viewers.update(SIGNED_OUT)
    viewers.update(expected)
    assert None not in viewers.values(), "say what every viewer gets"
    return viewers


# Events: every viewer of both matrices, spelled out. Members (the suspended one too) reach the
# pages for members; only the organiser ("member") and staff manage "{event}"; "{group_event}" is
# seen by the group's member and lead and staff.
EVENT_MEMBERS = {
    "visitor": SIGN_IN,
    "applicant": "/application",
    **dict.fromkeys(("member", "staff", "admin", "other", "suspended"), 200),
    **dict.fromkeys(("group_member", "lead", "former_member"), 200),
}
EVENT_ORGANISER = {
    **EVENT_MEMBERS,
    **dict.fromkeys(("other", "suspended", "group_member", "lead", "former_member"), 403),
}
EVENT_IN_GROUP = {
    **dict.fromkeys(("visitor", "applicant", "member", "other", "suspended", "former_member"), 404),
    **dict.fromkeys(("staff", "admin", "group_member", "lead"), 200),
}
# A resource in the library that lives in the group's space: the same rule as the space's threads.
LIBRARY_IN_GROUP = EVENT_IN_GROUP


# rule -> (method, concrete path, {viewer: expected status, or a redirect target starting with "/"})
# "{pending}" is the id of a verified applicant waiting for review.
ACCESS = {
    "/": ("GET", "/", dict.fromkeys(VIEWERS, 200)),
    "/<any('charter', 'code-of-conduct', 'terms'):document>": ("GET", "/terms", dict.fromkeys(VIEWERS, 200)),
    "/join": ("GET", "/join", {"visitor": 200, "applicant": "/", "member": "/", "staff": "/", "admin": "/"}),
    "/sign-in": (
        "GET",
        "/sign-in",
        {"visitor": 200, "applicant": "/", "member": "/", "staff": "/", "admin": "/"},
    ),
    "/sign-out": (
        "GET",
        "/sign-out",
        {"visitor": "/", "applicant": 200, "member": 200, "staff": 200, "admin": 200},
    ),
    "/reset": ("GET", "/reset", dict.fromkeys(VIEWERS, 200)),
    "/reset/<token>": ("GET", "/reset/forged", dict.fromkeys(VIEWERS, 400)),
    "/verify/<token>": ("GET", "/verify/forged", dict.fromkeys(VIEWERS, 400)),
    "/account/email/<token>": ("GET", "/account/email/forged", dict.fromkeys(VIEWERS, 400)),
    "/application": ("GET", "/application", {"visitor": SIGN_IN, **dict.fromkeys(VIEWERS[1:], 200)}),
    "/application/resend": (
        "POST",
        "/application/resend",
        {"visitor": SIGN_IN, "applicant": 403, "member": 403, "staff": 403, "admin": 403},
    ),
    "/accept": ("GET", "/accept", {"visitor": SIGN_IN, **dict.fromkeys(VIEWERS[1:], "/")}),
    "/account": ("GET", "/account", {"visitor": SIGN_IN, **dict.fromkeys(VIEWERS[1:], 200)}),
    "/account/name": ("POST", "/account/name", {"visitor": SIGN_IN, **dict.fromkeys(VIEWERS[1:], 422)}),
    "/account/email": ("POST", "/account/email", {"visitor": SIGN_IN, **dict.fromkeys(VIEWERS[1:], 422)}),
    "/account/time-zone": (
        "POST",
        "/account/time-zone",
        {"visitor": SIGN_IN, **dict.fromkeys(VIEWERS[1:], 422)},
    ),
    "/account/password": (
        "POST",
        "/account/password",
        {"visitor": SIGN_IN, **dict.fromkeys(VIEWERS[1:], 422)},
    ),
    "/moderation/": ("GET", "/moderation/", {**STAFF_ONLY, "staff": 200, "admin": 200}),
    "/moderation/summary": (
        "POST",
        "/moderation/summary",
        {**STAFF_ONLY, "staff": "/moderation/", "admin": "/moderation/"},
    ),
    "/moderation/queue/<any(post, thread, member, photo, resource):kind>/<int:target_id>/dismiss": (
        "POST",
        "/moderation/queue/post/{post}/dismiss",
        {**STAFF_ONLY, "staff": 409, "admin": 409},
    ),
    "/moderation/applications": (
        "GET",
        "/moderation/applications",
        {"visitor": SIGN_IN, "applicant": "/application", "member": 403, "staff": 200, "admin": 200},
    ),
    "/moderation/applications/<int:member_id>/approve": (
        "POST",
        "/moderation/applications/{pending}/approve",
        {
            "visitor": SIGN_IN,
            "applicant": "/application",
            "member": 403,
            "staff": "/moderation/applications",
            "admin": "/moderation/applications",
        },
    ),
    "/moderation/applications/<int:member_id>/decline": (
        "POST",
        "/moderation/applications/{pending}/decline",
        {"visitor": SIGN_IN, "applicant": "/application", "member": 403, "staff": 422, "admin": 422},
    ),
    "/admin/documents": (
        "GET",
        "/admin/documents",
        {"visitor": SIGN_IN, "applicant": "/application", "member": 403, "staff": 403, "admin": 200},
    ),
    "/admin/documents/<any(charter, 'code-of-conduct', terms):document>": (
        "GET",
        "/admin/documents/charter",
        {"visitor": SIGN_IN, "applicant": "/application", "member": 403, "staff": 403, "admin": 200},
    ),
    # The forum's categories. "{category}" is the id of the public category "general".
    "/c/<slug>": ("GET", "/c/general", dict.fromkeys(VIEWERS, 200)),
    "/unread": (
        "GET",
        "/unread",
        {"visitor": SIGN_IN, "applicant": "/application", "member": 200, "staff": 200, "admin": 200},
    ),
    "/admin/categories": (
        "GET",
        "/admin/categories",
        {"visitor": SIGN_IN, "applicant": "/application", "member": 403, "staff": 403, "admin": 200},
    ),
    "/admin/categories/<int:category_id>": (
        "GET",
        "/admin/categories/{category}",
        {"visitor": SIGN_IN, "applicant": "/application", "member": 403, "staff": 403, "admin": 200},
    ),
    # The Directory of Members: members only. "{member}" is an active member's id.
    "/members": ("GET", "/members", {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200}),
    "/members/<int:member_id>": (
        "GET",
        "/members/{member}",
        {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200},
    ),
    "/settings/profile": (
        "GET",
        "/settings/profile",
        {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200},
    ),
    "/settings/profile/check": (
        "POST",
        "/settings/profile/check?field=website",
        {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200},
    ),
    "/organisations/<int:organisation_id>": (
        "GET",
        "/organisations/{organisation}",
        {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200},
    ),
    "/organisations/<int:organisation_id>/edit": (
        "GET",
        "/organisations/{organisation}/edit",
        {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200},
    ),
    "/organisations/<int:organisation_id>/merge": (
        "POST",
        "/organisations/{organisation}/merge",
        {"visitor": SIGN_IN, "applicant": "/application", "member": 403, "staff": 422, "admin": 422},
    ),
    # "{friend}" takes requests from anyone and has sent "{contact}" to "member".
    "/members/<int:member_id>/contact": (
        "GET",
        "/members/{friend}/contact",
        {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200},
    ),
    "/contact": ("GET", "/contact", {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200}),
    "/contact/<int:request_id>": (
        "GET",
        "/contact/{contact}",
        {"visitor": SIGN_IN, "applicant": "/application", "member": 200, "staff": 404, "admin": 404},
    ),
    "/contact/<int:request_id>/<any(accept, decline, report):answer>": (
        "POST",
        "/contact/{contact}/decline",
        {
            "visitor": SIGN_IN,
            "applicant": "/application",
            "member": "/contact/{contact}",
            "staff": 404,
            "admin": 404,
        },
    ),
    # Private conversations: a member's own only, staff included (tests/test_conversations.py walks
    # real ones). "{friend}"'s request to "member" is not accepted yet: no message can start.
    "/messages": ("GET", "/messages", {**SIGNED_OUT, **dict.fromkeys(MEMBERS_ALL, 200)}),
    "/messages/<int:conversation_id>": (
        "GET",
        "/messages/99999",
        {**SIGNED_OUT, **dict.fromkeys(MEMBERS_ALL, 404)},
    ),
    "/messages/<int:conversation_id>/<any(leave, block, reopen):action>": (
        "POST",
        "/messages/99999/leave",
        {**SIGNED_OUT, **dict.fromkeys(MEMBERS_ALL, 404)},
    ),
    "/messages/with/<int:member_id>": (
        "GET",
        "/messages/with/{friend}",
        {**SIGNED_OUT, **dict.fromkeys(MEMBERS_ALL, 403)},
    ),
    "/messages/m/<int:message_id>": (
        "GET",
        "/messages/m/99999",
        {**SIGNED_OUT, **dict.fromkeys(MEMBERS_ALL, 404)},
    ),
    "/moderation/messages/<int:message_id>": (
        "GET",
        "/moderation/messages/99999",
        {**SIGNED_OUT, **dict.fromkeys(MEMBERS_ALL, 403), "staff": 404, "admin": 404},
    ),
    "/moderation/messages/<int:message_id>/dismiss": (
        "POST",
        "/moderation/messages/99999/dismiss",
        {**SIGNED_OUT, **dict.fromkeys(MEMBERS_ALL, 403), "staff": 404, "admin": 404},
    ),
    # Threads and posts. "{thread}" is a thread in "general" whose first post "{post}" is by "member".
    "/t/<int:thread_id>": ("GET", "/t/{thread}?page=1", dict.fromkeys(VIEWERS, 200)),
    "/p/<int:post_id>": ("GET", "/p/{post}", dict.fromkeys(VIEWERS, "/t/{thread}")),
    "/p/<int:post_id>/history": (
        "GET",
        "/p/{post}/history",
        {"visitor": 404, "applicant": 404, **MEMBERS_200},
    ),
    "/c/<slug>/new": (
        "GET",
        "/c/general/new",
        {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200},
    ),
    "/t/<int:thread_id>/reply": (
        "POST",
        "/t/{thread}/reply",
        {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_422},
    ),
    "/p/<int:post_id>/edit": (
        "GET",
        "/p/{post}/edit",
        {"visitor": SIGN_IN, "applicant": "/application", "member": 200, "staff": 403, "admin": 403},
    ),
    "/p/<int:post_id>/withdraw": (
        "GET",
        "/p/{post}/withdraw",
        {"visitor": SIGN_IN, "applicant": "/application", "member": 200, "staff": 403, "admin": 403},
    ),
    "/t/<int:thread_id>/lock": (
        "POST",
        "/t/{thread}/lock",
        {
            "visitor": SIGN_IN,
            "applicant": "/application",
            "member": 403,
            "staff": "/t/{thread}",
            "admin": "/t/{thread}",
        },
    ),
    "/t/<int:thread_id>/pin": (
        "POST",
        "/t/{thread}/pin",
        {
            "visitor": SIGN_IN,
            "applicant": "/application",
            "member": 403,
            "staff": "/t/{thread}",
            "admin": "/t/{thread}",
        },
    ),
    "/t/<int:thread_id>/move": (
        "POST",
        "/t/{thread}/move",
        {
            "visitor": SIGN_IN,
            "applicant": "/application",
            "member": 403,
            "staff": "/t/{thread}",
            "admin": "/t/{thread}",
        },
    ),
    # Staff moderation. "{post}" is a visible post by "member".
    "/moderation/posts/<int:post_id>/<any(hide, restore, remove):action>": (
        "GET",
        "/moderation/posts/{post}/hide",
        {**STAFF_ONLY, "staff": 200, "admin": 200},
    ),
    "/moderation/members/<int:member_id>": (
        "GET",
        "/moderation/members/{member}",
        {**STAFF_ONLY, "staff": 200, "admin": 200},
    ),
    "/moderation/members/<int:member_id>/<any(warn, suspend, lift, delete, note):action>": (
        "POST",
        "/moderation/members/{member}/note",
        {**STAFF_ONLY, "staff": 422, "admin": 422},
    ),
    "/moderation/log": ("GET", "/moderation/log", {**STAFF_ONLY, "staff": 200, "admin": 200}),
    # Appeals (issue #25): a member appeals a decision about them (none of the ten has one: 404,
    # the same as someone else's); staff see the Appeals page (99999: no such appeal). All ten named.
    "/my/decisions/<int:decision_id>/appeal": (
        "GET",
        "/my/decisions/99999/appeal",
        {**SIGNED_OUT, **dict.fromkeys(MEMBERS_ALL, 404)},
    ),
    "/moderation/appeals": (
        "GET",
        "/moderation/appeals",
        {**SIGNED_OUT, **dict.fromkeys(MEMBERS_ALL, 403), "staff": 200, "admin": 200},
    ),
    "/moderation/appeals/<int:appeal_id>": (
        "GET",
        "/moderation/appeals/99999",
        {**SIGNED_OUT, **dict.fromkeys(MEMBERS_ALL, 403), "staff": 404, "admin": 404},
    ),
    # Staff insights (issue #26): the page, each figure's chart and its CSV, for staff alone (a
    # figure that does not exist: 404). All ten viewers named.
    "/moderation/insights/": (
        "GET",
        "/moderation/insights/",
        {**SIGNED_OUT, **dict.fromkeys(MEMBERS_ALL, 403), "staff": 200, "admin": 200},
    ),
    "/moderation/insights/<slug>.svg": (
        "GET",
        "/moderation/insights/reasons.svg",
        {**SIGNED_OUT, **dict.fromkeys(MEMBERS_ALL, 403), "staff": 200, "admin": 200},
    ),
    "/moderation/insights/<slug>.csv": (
        "GET",
        "/moderation/insights/groups.csv",
        {**SIGNED_OUT, **dict.fromkeys(MEMBERS_ALL, 403), "staff": 200, "admin": 200},
    ),
    # A group's reports, for its leads and staff: the cast's group, "esol-practice" (listed, so a
    # member outside it is refused rather than not found); "{post}" is outside its space. Each of
    # the ten viewers of both matrices is named.
    "/groups/<slug>/reports": (
        "GET",
        "/groups/esol-practice/reports",
        {
            "visitor": SIGN_IN,
            "applicant": "/application",
            **dict.fromkeys(("member", "other", "suspended", "group_member", "former_member"), 403),
            **dict.fromkeys(("lead", "staff", "admin"), 200),
        },
    ),
    # Sent empty: a lead's or staff's form comes back (422); a suspended lead could not act either.
    "/groups/<slug>/reports/posts/<int:post_id>/<any(hide, restore):action>": (
        "POST",
        "/groups/esol-practice/reports/posts/{post}/hide",
        {
            "visitor": SIGN_IN,
            "applicant": "/application",
            **dict.fromkeys(("member", "other", "suspended", "group_member", "former_member"), 403),
            **dict.fromkeys(("lead", "staff", "admin"), 422),
        },
    ),
    # "{post}" is not among the group's reports: not found, even for its lead and staff.
    "/groups/<slug>/reports/<any(post, thread):kind>/<int:target_id>/dismiss": (
        "POST",
        "/groups/esol-practice/reports/post/{post}/dismiss",
        {
            "visitor": SIGN_IN,
            "applicant": "/application",
            **dict.fromkeys(("member", "other", "suspended", "group_member", "former_member"), 403),
            **dict.fromkeys(("lead", "staff", "admin"), 404),
        },
    ),
    "/moderation-log": (
        "GET",
        "/moderation-log",
        {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200},
    ),
    # Reporting. "{post}" and "{thread}" are the member's own: staff may report them, the member may not.
    "/report/<any(post, thread, member, photo, message, resource):kind>/<int:target_id>": (
        "GET",
        "/report/post/{post}",
        {"visitor": SIGN_IN, "applicant": "/application", "member": 403, "staff": 200, "admin": 200},
    ),
    "/reports": ("GET", "/reports", {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200}),
    # Help and support.
    "/help/": ("GET", "/help/", dict.fromkeys(VIEWERS, 200)),
    "/help/<slug>": ("GET", "/help/reporting", dict.fromkeys(VIEWERS, 200)),
    "/support": ("GET", "/support", dict.fromkeys(VIEWERS, 200)),
    "/support/requests": (
        "GET",
        "/support/requests",
        {"visitor": SIGN_IN, **dict.fromkeys(VIEWERS[1:], 200)},
    ),
    # Someone else's request: nobody but its sender sees it here.
    "/support/requests/<int:request_id>": (
        "GET",
        "/support/requests/99999",
        {"visitor": SIGN_IN, **dict.fromkeys(VIEWERS[1:], 404)},
    ),
    "/moderation/support/": ("GET", "/moderation/support/", {**STAFF_ONLY, "staff": 200, "admin": 200}),
    "/moderation/support/<int:request_id>": (
        "GET",
        "/moderation/support/99999",
        {**STAFF_ONLY, "staff": 404, "admin": 404},
    ),
    "/moderation/support/<int:request_id>/answer": (
        "POST",
        "/moderation/support/99999/answer",
        {**STAFF_ONLY, "staff": 404, "admin": 404},
    ),
    "/moderation/support/<int:request_id>/note": (
        "POST",
        "/moderation/support/99999/note",
        {**STAFF_ONLY, "staff": 404, "admin": 404},
    ),
    "/moderation/support/<int:request_id>/assign": (
        "POST",
        "/moderation/support/99999/assign",
        {**STAFF_ONLY, "staff": 404, "admin": 404},
    ),
    "/moderation/support/<int:request_id>/status": (
        "POST",
        "/moderation/support/99999/status",
        {**STAFF_ONLY, "staff": 404, "admin": 404},
    ),
    # Self-moderation (issue #9): a member's own controls. "{friend}" is an active member.
    "/members/<int:member_id>/<any(mute, unmute):action>": (
        "POST",
        "/members/{friend}/mute",
        {"visitor": SIGN_IN, "applicant": "/application", **dict.fromkeys(MEMBERS_200, "/members/{friend}")},
    ),
    "/settings/muted": (
        "GET", "/settings/muted", {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200}
    ),
    "/t/<int:thread_id>/<any(hide, show, watch, unwatch):action>": (
        "POST",
        "/t/{thread}/watch",
        {"visitor": SIGN_IN, "applicant": "/application", **dict.fromkeys(MEMBERS_200, "/t/{thread}")},
    ),
    "/settings/threads": (
        "GET", "/settings/threads", {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200}
    ),
    "/settings/low-data": (
        "GET", "/settings/low-data", {"visitor": SIGN_IN, **dict.fromkeys(VIEWERS[1:], 200)}
    ),
    "/my/posts": ("GET", "/my/posts", {"visitor": SIGN_IN, **dict.fromkeys(VIEWERS[1:], 200)}),
    "/my/data": ("GET", "/my/data", {"visitor": SIGN_IN, **dict.fromkeys(VIEWERS[1:], 200)}),
    "/my/data.json": ("GET", "/my/data.json", {"visitor": SIGN_IN, **dict.fromkeys(VIEWERS[1:], 200)}),
    "/my/delete": ("GET", "/my/delete", {"visitor": SIGN_IN, **dict.fromkeys(VIEWERS[1:], 200)}),
    # -- uploads: photos, avatars and logos (#11) --
    "/photos/<name>/<any(thumb, display):size>": ("GET", "/photos/nosuch/thumb", dict.fromkeys(VIEWERS, 404)),
    "/photos": ("GET", "/photos", {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200}),
    "/photos/<int:upload_id>/remove": (
        "POST",
        "/photos/99999/remove",
        {"visitor": SIGN_IN, "applicant": "/application", **dict.fromkeys(("member", "staff", "admin"), 404)},
    ),
    "/photos/avatar": (
        "GET",
        "/photos/avatar",
        {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200},
    ),
    # "member" belongs to the organisation; staff may edit any organisation's page.
    "/photos/logo/<int:organisation_id>": (
        "GET",
        "/photos/logo/{organisation}",
        {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200},
    ),
    # -- search and feeds (#10) --
    "/search": ("GET", "/search?q=hello&category=general", dict.fromkeys(VIEWERS, 200)),
    "/c/<slug>/feed.atom": ("GET", "/c/general/feed.atom", dict.fromkeys(VIEWERS, 200)),
    "/t/<int:thread_id>/feed.atom": ("GET", "/t/{thread}/feed.atom", dict.fromkeys(VIEWERS, 200)),
    "/settings/feeds": (
        "GET",
        "/settings/feeds",
        {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200},
    ),
    "/settings/feeds/token": (
        "POST",
        "/settings/feeds/token",
        {"visitor": SIGN_IN, "applicant": "/application", **dict.fromkeys(VIEWERS[2:], "/settings/feeds")},
    ),
    "/settings/feeds/revoke": (
        "POST",
        "/settings/feeds/revoke",
        {"visitor": SIGN_IN, "applicant": "/application", **dict.fromkeys(VIEWERS[2:], "/settings/feeds")},
    ),
    # -- notifications and email (#10) --
    "/notifications": (
        "GET", "/notifications", {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200}
    ),
    # A fragment polled by htmx (see test_notifications); opened as a page, it is the page it counts.
    "/notifications/bell": ("GET", "/notifications/bell", dict.fromkeys(VIEWERS, "/notifications")),
    # Opening marks read and redirects to the notification's link: only the owner's (see
    # test_notifications); a GET that writes, idempotently (the route says why).
    "/notifications/<int:notification_id>/open": (
        "GET",
        "/notifications/99999/open",
        {"visitor": SIGN_IN, "applicant": "/application", **dict.fromkeys(VIEWERS[2:], 404)},
    ),
    "/notifications/<int:notification_id>/read": (
        "POST",
        "/notifications/99999/read",
        {"visitor": SIGN_IN, "applicant": "/application", **dict.fromkeys(VIEWERS[2:], 404)},
    ),
    "/notifications/read-all": (
        "POST",
        "/notifications/read-all",
        {"visitor": SIGN_IN, "applicant": "/application", **dict.fromkeys(VIEWERS[2:], "/notifications")},
    ),
    "/notifications/settings": (
        "GET", "/notifications/settings", {"visitor": SIGN_IN, "applicant": "/application", **MEMBERS_200}
    ),
    # Reply by email (#16): the switch and revoking, on the email settings page.
    "/notifications/reply-by-email": (
        "POST",
        "/notifications/reply-by-email",
        {
            "visitor": SIGN_IN,
            "applicant": "/application",
            **dict.fromkeys(VIEWERS[2:], "/notifications/settings#reply-by-email"),
        },
    ),
    "/notifications/reply-by-email/revoke": (
        "POST",
        "/notifications/reply-by-email/revoke",
        {
            "visitor": SIGN_IN,
            "applicant": "/application",
            **dict.fromkeys(VIEWERS[2:], "/notifications/settings#reply-by-email"),
        },
    ),
    # A forged token is "no such link" for everyone; a real one works signed in or not.
    "/notifications/unsubscribe/<token>": (
        "GET", "/notifications/unsubscribe/forged", dict.fromkeys(VIEWERS, 404)
    ),
    # -- groups (#22). The cast's group, "esol-practice": listed, joined by request; its lead,
    # "group_member", and "former_member" who left. "{friend}" has asked to join ("{group_request}");
    # "{group_thread}" is in its space. "member" and "other" are outside it.
    "/groups": ("GET", "/groups", everyone(rest=200)),
    "/groups/<slug>": ("GET", GROUP, everyone(rest=200)),
    "/admin/groups": ("GET", "/admin/groups", everyone(rest=403, admin=200)),
    # Joining at once is for open groups and invitations: a forged join here is refused.
    "/groups/<slug>/join": ("POST", f"{GROUP}/join", everyone(rest=403, group_member=409, lead=409)),
    "/groups/<slug>/ask": (
        "POST",
        f"{GROUP}/ask",
        everyone(rest=GROUP, suspended=403, group_member=409, lead=409),
    ),
    "/groups/<slug>/withdraw": ("POST", f"{GROUP}/withdraw", everyone(rest=409)),
    "/groups/<slug>/decline": ("POST", f"{GROUP}/decline", everyone(rest=409)),
    # The only lead may not leave; those outside have nothing to leave.
    "/groups/<slug>/leave": ("POST", f"{GROUP}/leave", everyone(rest=409, group_member=GROUP)),
    "/groups/<slug>/requests/<int:request_id>/<any(approve, decline):answer>": (
        "POST",
        GROUP + "/requests/{group_request}/decline",
        everyone(rest=403, lead=GROUP, staff=GROUP, admin=GROUP),
    ),
    # Sent empty: a lead's form comes back (422); nobody else may invite.
    "/groups/<slug>/invite": ("POST", f"{GROUP}/invite", everyone(rest=403, lead=422, staff=422, admin=422)),
    "/groups/<slug>/members/<int:member_id>/remove": (
        "POST",
        GROUP + "/members/{group_member}/remove",
        everyone(rest=403, lead=422, staff=422, admin=422),
    ),
    "/groups/<slug>/leads/<int:member_id>/<any(appoint, end):change>": (
        "POST",
        GROUP + "/leads/{group_member}/appoint",
        everyone(rest=403, staff=GROUP, admin=GROUP),
    ),
    # A thread of the group's space: not found by those who may not read it.
    "/groups/<slug>/threads/<int:thread_id>/<any(pin, unpin):action>": (
        "POST",
        GROUP + "/threads/{group_thread}/pin",
        everyone(rest=404, group_member=403, lead=GROUP, staff=GROUP, admin=GROUP),
    ),
    # -- events (#23). "{event}" is in the public category, organised by "member"; "{group_event}" is
    # in the cast's group's space, seen by its members and staff alone (404 for the rest, as for an
    # event that does not exist).
    "/events": ("GET", "/events", dict.fromkeys((*VIEWERS, *EXTRA_VIEWERS), 200)),
    "/c/<slug>/events": ("GET", "/c/general/events", dict.fromkeys((*VIEWERS, *EXTRA_VIEWERS), 200)),
    "/events/feed.atom": ("GET", "/events/feed.atom", dict.fromkeys((*VIEWERS, *EXTRA_VIEWERS), 200)),
    "/events/<int:event_id>": ("GET", "/events/{group_event}", EVENT_IN_GROUP),
    "/events/<int:event_id>.ics": ("GET", "/events/{group_event}.ics", EVENT_IN_GROUP),
    "/events/new": ("GET", "/events/new", {**EVENT_MEMBERS, "suspended": 403}),
    "/events/<int:event_id>/edit": ("GET", "/events/{event}/edit", EVENT_ORGANISER),
    "/events/<int:event_id>/cancel": ("GET", "/events/{event}/cancel", EVENT_ORGANISER),
    # Sent empty: the organiser's and staff's form comes back (422).
    "/events/<int:event_id>/email": (
        "POST",
        "/events/{event}/email",
        {**EVENT_ORGANISER, "member": 422, "staff": 422, "admin": 422},
    ),
    "/events/<int:event_id>/<any(going, 'not-going'):answer>": (
        "POST",
        "/events/{event}/not-going",
        {**EVENT_MEMBERS, **dict.fromkeys((*VIEWERS[2:], *EXTRA_VIEWERS), "/events/{event}#answer")},
    ),
    "/events/calendar/<token>.ics": (
        "GET", "/events/calendar/forged.ics", dict.fromkeys((*VIEWERS, *EXTRA_VIEWERS), 404)
    ),
    "/settings/calendar": ("GET", "/settings/calendar", EVENT_MEMBERS),
    "/settings/calendar/token": (
        "POST",
        "/settings/calendar/token",
        {**EVENT_MEMBERS, **dict.fromkeys((*VIEWERS[2:], *EXTRA_VIEWERS), "/settings/calendar")},
    ),
    "/settings/calendar/revoke": (
        "POST",
        "/settings/calendar/revoke",
        {**EVENT_MEMBERS, **dict.fromkeys((*VIEWERS[2:], *EXTRA_VIEWERS), "/settings/calendar")},
    ),
    # -- the library (#24). "{group_resource}" lives in the cast's group's space, shared by its lead:
    # its page and file are seen by the group's members and staff alone (404 for the rest, as for a
    # resource that does not exist); only its lead keeps it up to date or removes it; staff hide it.
    "/library": ("GET", "/library", dict.fromkeys((*VIEWERS, *EXTRA_VIEWERS), 200)),
    "/library/mine": ("GET", "/library/mine", everyone(rest=200)),
    "/library/new": ("GET", "/library/new", everyone(rest=200, suspended=403)),
    "/library/<int:resource_id>": ("GET", "/library/{group_resource}", LIBRARY_IN_GROUP),
    "/library/<int:resource_id>/download": ("GET", "/library/{group_resource}/download", LIBRARY_IN_GROUP),
    "/library/<int:resource_id>/version": (
        "GET",
        "/library/{group_resource}/version",
        everyone(rest=404, suspended=403, staff=403, admin=403, group_member=403, lead=200),
    ),
    "/library/<int:resource_id>/remove": (
        "GET",
        "/library/{group_resource}/remove",
        everyone(rest=404, staff=403, admin=403, group_member=403, lead=200),
    ),
    "/library/<int:resource_id>/moderate/<any(hide, restore, remove):action>": (
        "GET",
        "/library/{group_resource}/moderate/hide",
        everyone(rest=403, staff=200, admin=200),
    ),
}


def test_every_route_has_an_access_entry(app):
    rules = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert rules - set(ACCESS) == set(), "add these routes to ACCESS with what each viewer gets"
    assert set(ACCESS) - rules == set(), "these ACCESS entries name routes that no longer exist"


# name -> (a copy of the database once that world was built, its ids); one per test worker.
_WORLDS: dict[str, tuple[Path, dict]] = {}


def _copy_sqlite(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@pytest.fixture
def world(app, tmp_path_factory):
    """world(name, build) -> the ids build() returns. Hundreds of tests here start from the same
    few accounts and posts: on SQLite the first test of each worker builds them and keeps a copy
    of the database, and the others start from that copy (half of each test's time was building
    them). On PostgreSQL every test builds its own."""

    def reuse(name: str, build) -> dict:
        url = app.config["DATABASE_URL"]
        if not url.startswith("sqlite:///"):
            return build()
        path = Path(url.removeprefix("sqlite:///"))
        if name in _WORLDS:
            snapshot, ids = _WORLDS[name]
            _copy_sqlite(snapshot, path)
            return dict(ids)
        ids = build()
        snapshot = tmp_path_factory.mktemp("worlds") / f"{name}.sqlite3"
        _copy_sqlite(path, snapshot)
        _WORLDS[name] = (snapshot, dict(ids))
        return ids

    return reuse


def _build_viewers(app, cast, make_member) -> dict:
    cast("applicant", "member", "staff", "admin")
    cast("lead")  # and with them the cast's group, whose pages are routes too
    pending = make_member("pending@example.org", status="applicant")
    with app.app_context():
        category = Category.create(name="General", slug="general")
    with app.app_context():
        member = Member.get_by_id(cast.member.id)
        organisation = Organisation.create(name="Bridges Trust", name_key="bridges trust")
        member.organisation = organisation
        member.save()
        friend = make_member("friend@example.org")
        Member.update(contact_policy="anyone").where(Member.id == friend.id).execute()
        contact = ContactRequest.create(sender=friend, recipient=member, purpose="Mentoring")
    return {
        "pending": pending.id,
        "member": member.id,
        "organisation": organisation.id,
        "friend": friend.id,
        "contact": contact.id,
        "category": category.id,
        **_thread_for(app, category, member),
        **_group_for(app, cast, friend),
        **_events_for(app, cast, category, member),
        **_library_for(app, cast),
    }


@pytest.fixture
def viewers(app, cast, make_member, world):
    return world("viewers", lambda: _build_viewers(app, cast, make_member))


def _thread_for(app, category, member):
    """A thread in the public category, opened by "member": its id and its first post's."""
    from forum.services import posting

    with app.app_context():
        post = posting.start_thread(member, category, {"title": "Hello all", "message": "First post"})
    return {"thread": post.thread_id, "post": post.id}


def _group_for(app, cast, friend):
    """The cast's group with its member, lead and former member, a thread in its space (by the
    lead) and a request to join from "{friend}"."""
    from forum.services import groups, posting

    cast("lead", "group_member", "former_member")
    with app.app_context():
        group = cast.group
        space = Category.get(Category.group == group)
        lead = Member.get_by_id(cast.lead.id)
        post = posting.start_thread(lead, space, {"title": "Our plans", "message": "For the group"})
        request = groups.ask(Member.get_by_id(friend.id), group, "I would like to join.")
    return {"group_thread": post.thread_id, "group_request": request.id, "group_member": cast.group_member.id}


def _events_for(app, cast, category, member):
    """An event in the public category organised by "member" ("{event}"), and one in the cast's
    group's space by its lead ("{group_event}")."""
    from events_support import form

    from forum.services import events

    with app.app_context():
        event = events.create_event(Member.get_by_id(member.id), category, form())
        space = Category.get(Category.group == cast.group)
        group_event = events.create_event(Member.get_by_id(cast.lead.id), space, form(title="Our meetup"))
    return {"event": event.id, "group_event": group_event.id}


@pytest.fixture(scope="session")
def library_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("library")


@pytest.fixture(autouse=True)
def _library_files(app, library_folder):
    """The library's files in one folder for the whole run: a world copied from an earlier test
    brings its database, not its files."""
    app.config["LIBRARY_PATH"] = str(library_folder)


def _library_for(app, cast):
    """A resource in the cast's group's space, shared by its lead ("{group_resource}")."""
    import io

    from werkzeug.datastructures import FileStorage

    from forum.services import library

    data = {"title": "Our session plans", "summary": "Plans for our first term together.", "place": ""}
    data.update(licence="members", permission=True, place=f"group-{cast.group.id}")
    with app.test_request_context():
        lead = Member.get_by_id(cast.lead.id)
        upload = FileStorage(io.BytesIO(b"week,topic\\n1,welcome\\n2,food\\n"), filename="plans.csv")
        resource, _ = library.add(lead, data, upload)
    return {"group_resource": resource.id}


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("rule", list(ACCESS))
def test_access(app, viewers, rule, viewer):
    method, path, expected = ACCESS[rule]
    # The world may be a copy of one built in an earlier test: sign in by the cast's addresses.
    client = signed_in(app, CAST[viewer])
    response = client.open(path.format(**viewers), method=method)
    want = expected[viewer]
    if isinstance(want, str):
        assert response.status_code == 302, f"{viewer} {method} {path}: {response.status_code}"
        assert response.headers["Location"].split("?")[0] == want.format(**viewers)
    else:
        assert response.status_code == want, f"{viewer} {method} {path}"
    with app.app_context():
        # Nothing a refused request asked for has happened.
        if method == "POST" and "approve" in path and viewer not in ("staff", "admin"):
            assert Member.get_by_id(viewers["pending"]).status == "applicant"


# -- five more viewers (EXTRA_VIEWERS, above): another member (not the owner of "{post}", "{thread}",
# the organisation or the contact request), a suspended member, and the group's member, lead and
# former member. A route's entry in ACCESS may name what each gets (every group route does);
# otherwise each gets what "member" gets, unless listed here, and the group's three what "other"
# gets, since none of them owns what "member" owns.
GROUP_VIEWERS = ("group_member", "lead", "former_member")
# Another member: others' posts and contact requests are not theirs to edit or see (404 where
# existence is private); others' content is theirs to report. A suspended member reads as a
# member does but takes no part: no posting, editing, contacting or uploading.
NOT_OURS = {"other": 403, "suspended": 403}
EXTRA = {
    "/contact/<int:request_id>": {"other": 404, "suspended": 404},
    "/contact/<int:request_id>/<any(accept, decline, report):answer>": {"other": 404, "suspended": 404},
    "/organisations/<int:organisation_id>/edit": NOT_OURS,
    "/p/<int:post_id>/edit": NOT_OURS,
    "/p/<int:post_id>/withdraw": NOT_OURS,
    "/photos/logo/<int:organisation_id>": NOT_OURS,
    "/report/<any(post, thread, member, photo, message, resource):kind>/<int:target_id>": {
        "other": 200,
        "suspended": 403,
    },
    "/c/<slug>/new": {"suspended": 403},
    "/t/<int:thread_id>/reply": {"suspended": 403},
    "/members/<int:member_id>/contact": {"suspended": 403},
    "/photos/avatar": {"suspended": 403},
}


def test_extra_entries_name_routes_in_access():
    assert set(EXTRA) <= set(ACCESS)


def _expected_extra(rule: str, viewer: str):
    method, _, expected = ACCESS[rule]
    if viewer in expected:
        return expected[viewer]
    if viewer in GROUP_VIEWERS:
        return _expected_extra(rule, "other")
    return EXTRA.get(rule, {}).get(viewer, expected["member"])


def test_group_routes_say_what_every_viewer_gets(app):
    rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith(("groups.", "admin.groups"))}
    assert rules, "the groups blueprint has no routes"
    for rule in rules:
        assert set(ACCESS[rule][2]) == {*VIEWERS, *EXTRA_VIEWERS}, rule


@pytest.fixture
def extra_viewers(app, cast, make_member, world):
    def build():
        ids = _build_viewers(app, cast, make_member)
        cast(*EXTRA_VIEWERS)
        return ids

    return world("extra_viewers", build)


@pytest.mark.parametrize("viewer", EXTRA_VIEWERS)
@pytest.mark.parametrize("rule", list(ACCESS))
def test_access_for_another_member_a_suspended_one_and_the_groups(app, extra_viewers, rule, viewer):
    method, path, _ = ACCESS[rule]
    client = signed_in(app, CAST[viewer])
    response = client.open(path.format(**extra_viewers), method=method)
    want = _expected_extra(rule, viewer)
    if isinstance(want, str):
        assert response.status_code == 302, f"{viewer} {method} {path}: {response.status_code}"
        assert response.headers["Location"].split("?")[0] == want.format(**extra_viewers)
    else:
        assert response.status_code == want, f"{viewer} {method} {path}: {response.status_code}"
