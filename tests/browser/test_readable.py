"""Readable for everyone: the audit catches each kind of problem it is there for (so its silence
on the real pages means something), and keyboard focus is visible on every kind of control."""

import pytest
from flask import render_template_string
from keyboard import focused

BAD_PAGE = """{% extends "base.html" %}
{% block title %}Bad on purpose{% endblock %}
{% block main %}
<h1>Bad on purpose</h1>
<h3>A heading that skips a level</h3>
<p><span class="faint">Faint text</span></p>
<p><a class="tiny" href="/">x</a> <a class="tiny" href="/charter">y</a></p>
<p><input id="nameless"></p>
<p><label for="age">Age</label><input id="age" aria-invalid="true"></p>
<div class="too-wide">A box wider than a phone</div>
<link rel="stylesheet" href="/_test/bad.css">
{% endblock %}"""

# Low contrast in the dark scheme alone, tiny targets,
# and a fixed width no phone has.
BAD_STYLE = """
.tiny { display: inline-block; width: 10px; height: 10px; overflow: hidden; font-size: 8px; }
.too-wide { width: 600px; }
@media (prefers-color-scheme: dark) { .faint { color: #3a3d44; } }
"""


@pytest.fixture
def app(make_app):
    app = make_app()

    @app.get("/_test/bad")
    def bad():
        return render_template_string(BAD_PAGE)

    @app.get("/_test/bad.css")
    def bad_style():
        return BAD_STYLE, {"Content-Type": "text/css"}

    return app


def test_the_audit_finds_each_kind_of_problem(page, js, auditor):
    page.goto("/_test/bad")
    problems = "\n".join(auditor.audit(page, again=True))
    for expected in [
        "light axe heading-order",
        "light axe label ",
        "dark axe color-contrast",
        "light axe target-size",
        "reflow: scrolls sideways at 320 px",
        "form: field age is marked invalid",
    ]:
        assert expected in problems, f"{expected!r} not found in:\n{problems}"
    assert "light axe color-contrast" not in problems  # the faint text is fine in the light scheme


@pytest.mark.parametrize("js", [True])  # styles only: JavaScript changes nothing here
def test_focus_is_visible_on_every_control(page):
    page.goto("/sign-in")  # links, text fields, a checkbox and buttons
    seen, invisible = set(), []
    for _ in range(40):
        page.keyboard.press("Tab")
        state = focused(page)
        if state is None or state in seen:
            break
        seen.add(state)
        style = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return [s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow]; }"""
        )
        outline, width, shadow = style
        if (outline == "none" or width < 2) and shadow == "none":
            invisible.append(f"{state}: outline {outline} {width}px")
    kinds = {role for role, _ in seen}
    assert {"link", "textbox", "checkbox", "button"} <= kinds, kinds
    assert not invisible, invisible
