"""The one way an in-place change stays accessible: the response's HX-Trigger `forum:announce`
(forum.web.announce) puts a message in the live region and moves focus (forum.js); an error or no
answer at all is shown in that region and takes focus. Without JavaScript the same forms post,
redirect, and the message arrives as a flashed message in the same region."""

import pytest
from flask import flash, redirect, render_template_string, request
from playwright.sync_api import expect

from forum.web import announce

PAGE = """{% extends "base.html" %}
{% block title %}Swaps{% endblock %}
{% block main %}
<h1>Swaps</h1>
<div id="posts">
  {%- for text in posts %}
  <article id="post-{{ loop.index }}"><p>{{ text }}</p></article>
  {%- endfor %}
</div>
<form method="post" action="/_test/reply"
      data-hx-post="/_test/reply" data-hx-target="#posts" data-hx-swap="beforeend">
  <button type="submit">Reply</button>
</form>
<form method="post" action="/_test/report" data-hx-post="/_test/report" data-hx-swap="none">
  <button type="submit">Report</button>
</form>
<button type="button" data-hx-get="/_test/gone" data-hx-target="#posts">Load a missing part</button>
<button type="button" data-hx-get="/_test/broken" data-hx-target="#posts">Load a broken part</button>
{% endblock %}"""


@pytest.fixture
def app(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    posts = ["The first post"]

    # Routes that exist only here, written the way a feature's routes answer both kinds of client.
    @app.get("/_test/swaps")
    def swaps():
        return render_template_string(PAGE, posts=posts)

    @app.post("/_test/reply")
    def reply():
        posts.append(f"Reply {len(posts)}")
        post_id = f"post-{len(posts)}"
        if request.htmx:
            part = f'<article id="{post_id}"><p>{posts[-1]}</p></article>'
            return announce(part, "Reply posted", focus=f"#{post_id}")
        flash("Reply posted", "success")
        return redirect(f"/_test/swaps#{post_id}")

    @app.post("/_test/report")
    def report():
        if request.htmx:  # nothing on the page changes: 204, and only the announcement
            return announce("", "Report sent", focus="#post-1"), 204
        flash("Report sent", "success")
        return redirect("/_test/swaps")

    @app.get("/_test/broken")
    def broken():
        raise RuntimeError("a bug")

    return app


def test_a_swap_is_announced_and_focus_moves_to_the_new_content(page, js):
    page.goto("/_test/swaps")
    messages = page.locator("#messages")
    assert messages.get_attribute("role") == "status"
    assert messages.get_attribute("aria-live") == "polite"
    page.get_by_role("button", name="Reply").click()
    expect(messages).to_have_text("Reply posted")
    expect(page.locator("#post-2")).to_have_text("Reply 1")
    if js:  # in place: the page stayed, the new post has focus (and can take it)
        expect(page.locator("#post-2")).to_be_focused()
        assert page.url.endswith("/_test/swaps")
        assert page.locator("#post-2").get_attribute("tabindex") == "-1"
        page.get_by_role("button", name="Reply").click()
        expect(page.locator("#post-3")).to_be_focused()
        expect(messages.locator("p")).to_have_count(1)  # the newest message only
    else:
        assert page.url.endswith("/_test/swaps#post-2")
    assert page.console_errors == []


@pytest.mark.parametrize("js", [True])
def test_an_answer_without_a_swap_still_announces_and_moves_focus(page):
    page.goto("/_test/swaps")
    page.get_by_role("button", name="Report").click()
    expect(page.locator("#messages")).to_have_text("Report sent")
    expect(page.locator("#post-1")).to_be_focused()


@pytest.mark.parametrize("js", [True])
@pytest.mark.parametrize(
    "button, title",
    [("Load a missing part", "Page not found"), ("Load a broken part", "Something went wrong on our side")],
)
def test_a_failed_request_shows_its_error_in_the_message_region_and_focuses_it(page, button, title):
    page.goto("/_test/swaps")
    page.get_by_role("button", name=button).click()
    messages = page.locator("#messages")
    expect(messages.get_by_role("alert")).to_contain_text(title)
    expect(messages).to_be_focused()
    expect(page.locator("#posts")).to_have_text("The first post")  # the page itself is untouched


@pytest.mark.parametrize("js", [True])
def test_no_answer_at_all_is_said_and_focused(page):
    page.goto("/_test/swaps")
    page.route("**/_test/reply", lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="Reply").click()
    messages = page.locator("#messages")
    expect(messages).to_contain_text("The forum could not be reached")
    expect(messages).to_be_focused()
    expect(page.locator("#posts article")).to_have_count(1)
