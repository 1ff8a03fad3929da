"""Keyboard-only steps for browser tests, so that a flow done without a mouse is one line a step:

    from keyboard import escape, focused, press_enter, tab_to, type_text

    page.goto("/")
    tab_to(page, "Sign in")                 # Tab until the focused element is called "Sign in"
    press_enter(page)                       # follows the link (and waits for the new page)
    tab_to(page, "Email"); type_text(page, "ada@example.org")
    tab_to(page, "Password"); type_text(page, PASSWORD)
    tab_to(page, "Sign in", role="button"); press_enter(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

Names are accessible names, compared as CONTRACT.md's labels are: case-insensitive, whole.
A step that cannot be done fails with the path focus took, e.g.
    Tab did not reach "Reply" in 40 presses; focus went: link "Skip to main content", link "Forum", ...
They work the same with JavaScript on and off.
"""

import json
import re

MAX_PRESSES = 40
_SNAPSHOT_LINE = re.compile(r'^- (?P<role>[\w-]+)(?: (?P<name>"(?:[^"\\]|\\.)*"))?')


def focused(page) -> tuple[str, str] | None:
    """(role, accessible name) of the element that has focus, or None when nothing in the page has."""
    element = page.locator("*:focus")
    if element.count() == 0:
        return None
    first = element.first.aria_snapshot().splitlines()[0] if element.count() else ""
    match = _SNAPSHOT_LINE.match(first)
    if not match:
        return ("generic", "")
    name = json.loads(match["name"]) if match["name"] else ""
    return (match["role"], name)


def _describe(state) -> str:
    return "nothing" if state is None else f'{state[0]} "{state[1]}"'


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def tab_to(page, name: str, *, role: str | None = None, backwards: bool = False, max_presses=MAX_PRESSES):
    """Press Tab (Shift+Tab if backwards) until the focused element has this accessible name (and
    role, if given). Stays put if it already has focus."""
    key = "Shift+Tab" if backwards else "Tab"
    path = []
    state = focused(page)
    for _ in range(max_presses + 1):
        if state and _same(state[1], name) and (role is None or state[0] == role):
            return
        if len(path) == max_presses:
            break
        page.keyboard.press(key)
        state = focused(page)
        path.append(_describe(state))
    wanted = f'{role} "{name}"' if role else f'"{name}"'
    went = ", ".join(path)
    raise AssertionError(f"{key} did not reach {wanted} in {max_presses} presses; focus went: {went}")


def press(page, key: str):
    """Press a key on the focused element, waiting for any page load it starts (a link, a form)."""
    element = page.locator("*:focus")
    if element.count():
        element.first.press(key)
    else:
        page.keyboard.press(key)


def press_enter(page):
    press(page, "Enter")


def press_space(page):
    """Space: ticks a checkbox, presses a button."""
    press(page, " ")


def escape(page):
    """Escape: closes a dialog or a menu, cancels an edit."""
    press(page, "Escape")


def type_text(page, text: str):
    """Type into the focused field, key by key, as a person would."""
    page.keyboard.type(text)
