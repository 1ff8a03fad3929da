"""Hostile text in every field a member can fill, rendered in Chromium on every page that shows
it, for a member and for staff: no script runs (no dialog, no marker set on window) and no active
attribute or scheme survives in the page.

Each vector tries to set window.__xss (or open a dialog); the check reads both.
"""

import pytest
from directory_support import save_profile
from viewers import sign_in

from forum.models import Category, Member, Organisation
from forum.services import contact, organisations, posting, reporting, support

VECTORS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "<svg><script>window.__xss=1</script></svg>",
    '<svg onload="window.__xss=1">',
    "[click](javascript:window.__xss=1)",
    "[click](JaVaScRiPt:window.__xss=1)",
    "[click](&#106;avascript:window.__xss=1)",
    "[click](java\tscript:window.__xss=1)",
    "![x](javascript:window.__xss=1)",
    '![x](x" onerror="window.__xss=1)',
    "[x](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    '<a href="javascript:window.__xss=1">a</a>',
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    '<div hx-get="/sign-out" hx-trigger="load" hx-on::load="window.__xss=1">htmx</div>',
    '<form action="javascript:window.__xss=1"><button>go</button></form>',
    "{{ config }} {% raw %}{{7*7}}{% endraw %} ${7*7}",
    '"><script>window.__xss=1</script>',
    "'><img src=x onerror=window.__xss=1>",
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<a href="#" style="background:url(javascript:window.__xss=1)">s</a>',
]
ALL = "\n\n".join(VECTORS)
SHORT = '"><img src=x onerror=window.__xss=1><script>window.__xss=1</script>'

# Attributes and schemes that must not appear inside what members wrote.
ACTIVE = """
() => {
  const found = [];
  for (const el of document.querySelectorAll('main *')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = attr.value.replace(/\\s/g, '').toLowerCase();
      if (name.startsWith('on') || name === 'srcdoc' || name.startsWith('hx-on')
          || (name.startsWith('hx-') && el.closest('[data-hx-disable]'))
          || (/^(javascript|vbscript|data:text)/.test(value)
              && ['href', 'src', 'action', 'formaction'].includes(name))) {
        found.push(el.tagName + ' ' + attr.name + '=' + attr.value);
      }
    }
  }
  for (const el of document.querySelectorAll('main script, main iframe, main object, main embed')) {
    found.push(el.tagName);
  }
  return found;
}
"""


@pytest.fixture
def hostile(app, make_member):
    author = make_member("author@example.org", name=SHORT[:80])
    reader = make_member("reader@example.org", name="Rae Reader")
    make_member("staff@example.org", name="Sam Staff", role="staff")
    with app.app_context():
        organisation = Organisation.create(name="Placeholder", name_key="placeholder")
        Member.update(organisation=organisation, contact_policy="anyone").where(
            Member.id.in_([author.id, reader.id])
        ).execute()
    with app.test_request_context():
        author = Member.get_by_id(author.id)
        organisations.update(
            author,
            organisation.id,
            {"name": SHORT[:100], "sector": SHORT[:80], "region": "Wales", "description": ALL[:2000]},
        )
    save_profile(
        app,
        "author@example.org",
        organisation="",
        bio=ALL[:2000],
        job_title=SHORT[:100],
        projects=SHORT,
        interests=SHORT,
        contact_note=SHORT[:200],
        new_expertise="",
        website="https://example.org/?q=%3Cscript%3E",
    )
    with app.test_request_context():
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(
            author, category, {"title": SHORT[:150], "message": ALL, "interest": SHORT}
        )
        thread = first.thread
        posting.reply(author, thread, {"message": ALL})
        target = reporting.load_target(reader, "post", first.id)
        reporting.report(reader, target, {"reason": "other", "note": ALL[:2000]})
        request = contact.send(author, reader.id, SHORT[:200], ALL[:2000])
        support.create(author, {"topic": "other", "message": ALL[:4000]})
    return {
        "author": author.id,
        "thread": thread.id,
        "organisation": organisation.id,
        "request": request.id,
    }


def check(page, path, dialogs):
    page.goto(path)
    page.wait_for_load_state("load")
    assert page.evaluate("() => window.__xss") is None, path
    assert dialogs == [], path
    assert page.evaluate(ACTIVE) == [], path


@pytest.mark.parametrize("viewer", ["reader@example.org", "staff@example.org"])
def test_nothing_members_wrote_runs_anywhere_it_is_shown(page, hostile, viewer, js):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, viewer)
    paths = [
        "/",
        "/c/practice",
        f"/t/{hostile['thread']}",
        f"/members/{hostile['author']}",
        f"/members?q={SHORT[:20]}",
        "/members",
        f"/organisations/{hostile['organisation']}",
        "/search?q=window",
        "/moderation-log",
    ]
    if viewer == "reader@example.org":
        paths += [f"/contact/{hostile['request']}", "/contact", "/reports"]
    else:
        paths += ["/moderation/", f"/moderation/members/{hostile['author']}", "/moderation/support/"]
    for path in paths:
        check(page, path, dialogs)
    # The check itself finds what it looks for: an active attribute put into the page is reported.
    page.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML('beforeend', '<b onclick=1>b</b>')"
    )
    assert page.evaluate(ACTIVE) == ["B onclick=1"]
