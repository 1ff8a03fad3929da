"""Every form a visitor, a member or staff can reach, filled with random Unicode, control
characters, NUL bytes, huge values and hostile strings (hypothesis): never a 500.

The forms are found on the pages themselves (each <form> with its fields), so a new form on one
of these pages is fuzzed the day it is added.
"""

import re
from html import unescape

import pytest
from helpers import CAST, signed_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.models import Category, Member, Organisation
from forum.services import posting

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
ATTR = re.compile(r'([\w-]+)="([^"]*)"')
FIELD = re.compile(r"<(input|textarea|select)\b([^>]*)>", re.S)

# Forms whose purpose is to end the session or the account: they would stop the walk itself.
SKIP = re.compile(r"/sign-out|/delete|/withdraw$")

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "\U0001f600" * 50,
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "../../etc/passwd",
    "{{7*7}}",
    "${7*7}",
    "' OR 1=1 --",
    '"*" NEAR( (',
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "http://",
    "https://" + "a" * 3000 + ".example",
    "@" * 500,
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=200),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=50),
    st.builds(
        lambda c, n: c * n, st.sampled_from(["x", "é", "\x00", "\n", "#"]), st.sampled_from([5_000, 30_000])
    ),
)


def forms_on(html: str) -> list[tuple[str, str, list[str]]]:
    """(method, action, field names) of each form on a page."""
    found = []
    for attrs, body in FORM.findall(html):
        a = dict(ATTR.findall(attrs))
        names = []
        for _, field_attrs in FIELD.findall(body):
            name = dict(ATTR.findall(field_attrs)).get("name")
            if name and name != "csrf_token" and name not in names:
                names.append(name)
        found.append((a.get("method", "get").upper(), unescape(a.get("action", "")), names))
    return found


@pytest.fixture
def world(app, cast):
    cast("member", "other", "staff", "admin")
    member, friend = cast.member, cast.other
    with app.app_context():
        Member.update(contact_policy="anyone").where(Member.id == friend.id).execute()
        organisation = Organisation.create(name="Bridges Trust", name_key="bridges trust")
        Member.update(organisation=organisation).where(Member.id == member.id).execute()
        category = Category.create(name="General", slug="general")
        own = posting.start_thread(member, category, {"title": "Hello", "message": "First"})
        other = posting.start_thread(friend, category, {"title": "Other", "message": "Theirs"})
    return {
        "member": member.id,
        "friend": friend.id,
        "organisation": organisation.id,
        "thread": own.thread_id,
        "post": own.id,
        "other_post": other.id,
    }


PAGES = {
    "visitor": ["/join", "/sign-in", "/reset", "/support", "/"],
    "member": [
        "/",
        "/c/general/new",
        "/t/{thread}/reply",
        "/p/{post}/edit",
        "/settings/profile",
        "/account",
        "/report/post/{other_post}",
        "/members/{friend}/contact",
        "/support",
        "/members",
        "/organisations/{organisation}/edit",
        "/search",
    ],
    "staff": [
        "/moderation/posts/{other_post}/hide",
        "/moderation/members/{friend}",
        "/moderation/",
        "/t/{thread}",
    ],
    "admin": ["/admin/categories", "/admin/documents"],
}


@pytest.mark.parametrize("who", list(PAGES))
def test_no_form_answers_500_whatever_is_sent(app, world, who):
    client = signed_in(app, CAST[who])
    targets = {}
    for page in PAGES[who]:
        response = client.get(page.format(**world))
        assert response.status_code == 200, page
        for method, action, names in forms_on(response.get_data(as_text=True)):
            action = action or page.format(**world)
            if names and not SKIP.search(action):
                targets[(method, action)] = names
    assert targets, "no forms found: the walk is broken"

    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.data())
    def send(data):
        for (method, action), names in targets.items():
            values = {name: data.draw(VALUES, label=f"{action} {name}") for name in names}
            if method == "GET":
                response = client.get(action, query_string=values)
            else:
                response = client.post(action, data=values)
            assert response.status_code < 500, f"{method} {action} {values!r:.300}"

    send()


@pytest.mark.parametrize(
    "path",
    [
        "/t/99999999999999999999999",
        "/p/2147483648",
        "/t/1?page=99999999999999999999999",
        "/moderation/?category=99999999999999999999999",
        "/reports?before=-5",
        "/moderation/log?before=99999999999999999999999",
        # str.isdigit() takes these; int() does not, or the database's integer cannot hold them.
        "/members?expertise=99999999999999999999999",
        "/members?expertise=%C2%B2&page=%C2%B2",
        "/notifications?before=%C2%B2",
    ],
)
def test_numbers_past_any_id_name_nothing(app, cast, world, path):
    client = signed_in(app, cast.staff)
    assert client.get(path).status_code in (200, 302, 404)


def test_control_characters_are_dropped_and_the_rest_kept(app, cast, world):
    client = signed_in(app, cast.member)
    message = "Tab\there,\r\nnew line; NUL\x00 and escape\x1b[31m gone"
    response = client.post(f"/t/{world['thread']}/reply", data={"message": message})
    assert response.status_code == 302
    with app.app_context():
        from forum.models import Post

        stored = Post.select().order_by(Post.id.desc()).first().body_md
    assert stored.replace("\r\n", "\n") == "Tab\there,\nnew line; NUL and escape[31m gone"
    assert "\x00" not in stored and "\x1b" not in stored
