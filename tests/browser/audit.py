"""Accessibility and validity audits over every page a viewer can reach, and over any state a
test brings a page to.

What is checked, on each page:
- axe-core with the WCAG 2.0, 2.1 and 2.2 A and AA rules and axe's best practices (contrast,
  names, landmarks, heading order, target size, alt text, ...), in the light colour scheme, and
  its colour rules again in the dark one;
- reflow: no sideways scrolling at 320 px wide (400% zoom of a 1280 px screen, so 200% too);
- every field marked aria-invalid names, through aria-describedby, a message saying what is wrong;
- the Nu HTML checker (vnu) over the raw HTML of every page, in one run (it is slow to start).

How pages are found, so that nobody lists them: every GET route in app.url_map that needs no
argument (an `any(a, b)` argument counts once per value), a page that is not found, and every
link on this site found by following links from those pages, as the viewer sees them (bounded:
MAX_PAGES in all, MAX_PER_ROUTE pages found by links for each route). Static files, other hosts
and anything that looks like signing out are not followed; state changes are POST forms, which
the walk never submits.

Who looks: VIEWERS in viewers.py (visitor, member, staff, admin); adding one there adds it here.

In a test of a feature, check the state it leaves a page in with one line (the `auditor` fixture):

    auditor.assert_accessible(page)        # after an htmx swap, a refused form, an open dialog...

JavaScript on and off: the walk fetches each page as the viewer (their cookies). A page not seen
before in the run is loaded in Chromium with JavaScript on and audited as it stands; the HTML the
server sent is audited too, shown with no script at all, which is what a browser without
JavaScript gets (see Auditor; usually the very same document, so that costs one comparison). A
page whose HTML was already audited (one-time tokens and the site header aside, e.g. the Charter
seen by a member after a visitor) keeps its result without being loaded again; each walk loads
its first page, so each viewer's header is audited.

The tools come from npm, pinned in tests/browser/package.json: `npm ci --prefix tests/browser`
(`make test` and `.ci/run` do it). vnu needs Java. Without them the tests are skipped with that
advice, except under CI=true where they fail.
"""

import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
from collections import Counter, deque
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
from werkzeug.exceptions import HTTPException

import forum
from forum.web import CONTENT_SECURITY_POLICY

HERE = Path(__file__).parent
NODE_MODULES = HERE / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL = "npm ci --prefix tests/browser"

MAX_PAGES = 200
# Pages of one route look alike: one found by a link stands for the rest (a thread, a profile).
MAX_PER_ROUTE = 1
NOT_FOUND = "/audit/no-such-page"
# Never followed, though signing out is a POST form and should never be a link.
SIGN_OUT = re.compile(r"(log|sign)[-_]?out", re.IGNORECASE)

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
# The only rules whose outcome depends on the colour scheme.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# 320 px: 400% zoom of a 1280 px screen, the width WCAG 1.4.10 asks pages to fit (so 200% fits too).
REFLOW_WIDTHS = (320,)

# Problems found, reported, and waiting for their fix elsewhere: (tool, the pages, a pattern over
# the problem's text, why and where it is to be fixed). An entry that matches nothing on a page the
# run visited fails the audit, so this list only shrinks.
KNOWN: list[tuple[str, str, str, str]] = []


def _missing(message: str):
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@cache
def _axe_source() -> str:
    return AXE_JS.read_text("utf-8")


def axe_source() -> str:
    if not AXE_JS.exists():
        _missing(f"axe-core is not installed: run `{INSTALL}`")
    return _axe_source()


def vnu_command() -> list[str]:
    if not VNU_JAR.exists():
        _missing(f"vnu-jar is not installed: run `{INSTALL}`")
    java = shutil.which("java")
    if not java:
        _missing("Java is missing, which the Nu HTML checker needs: `apt-get install default-jre-headless`")
    return [java, "-jar", str(VNU_JAR)]


# -- finding the pages ---------------------------------------------------------------------------


def route_paths(app) -> list[str]:
    """A path for every GET route that needs no argument, or only `any(...)` ones (one per value)."""
    adapter = app.url_map.bind("localhost")
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        choices = []
        for name in sorted(rule.arguments - set(rule.defaults or {})):
            items = getattr(rule._converters.get(name), "items", None)
            if items is None:  # an id or a token: reached by links, if at all
                break
            choices.append([(name, item) for item in sorted(items)])
        else:
            for values in itertools.product(*choices):
                path = adapter.build(rule.endpoint, dict(values), method="GET")
                if path not in paths and not SIGN_OUT.search(path):
                    paths.append(path)
    return paths


def _local_path(url: str, origin: str) -> str | None:
    """The path and query of a link to a page of this site worth visiting, else None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    if parts.path.startswith("/static/") or SIGN_OUT.search(parts.path):
        return None
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


@dataclass
class Visit:
    path: str  # where the page ended up, after any redirect
    status: int
    html: str  # the response as the server sent it
    linked_from: str | None  # None for a route from the URL map


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def links_in(html: str, url: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return [urljoin(url, href) for href in parser.hrefs]


def walk(page, base_url: str, app):
    """Fetch every page reachable from the URL map by following links, as `page`'s browser context
    (its cookies: the viewer) fetches them, and yield a Visit for each. Fetched, not loaded: the
    caller loads into `page` only what it has not seen before (see Auditor.walked)."""
    adapter = app.url_map.bind("localhost")
    queue = deque((path, None) for path in [*route_paths(app), NOT_FOUND])
    seen = {path for path, _ in queue}
    per_route = Counter()
    done = set()
    while queue:
        path, source = queue.popleft()
        response = page.request.get(base_url + path)
        final = _local_path(response.url, base_url) or path
        # A redirect to a page already seen (to sign in, with ?next=) shows nothing new.
        key = final if final == path else urlsplit(final).path
        if key in done:
            continue
        done.update({key, final})
        if "text/html" not in response.headers.get("content-type", "text/html"):
            continue  # a download (My data as JSON, a photo): nothing to audit as a page
        html = response.text()
        yield Visit(final, response.status, html, source)
        for href in links_in(html, base_url + final):
            link = _local_path(href, base_url)
            if link is None or link in seen or len(seen) >= MAX_PAGES:
                continue
            try:
                route = adapter.match(urlsplit(link).path, method="GET")[0]
            except HTTPException:
                route = link  # not a route: visiting it will show the 404 as a broken link
            if per_route[route] < MAX_PER_ROUTE:
                per_route[route] += 1
                seen.add(link)
                queue.append((link, final))


def status_problems(visit: Visit) -> list[str]:
    """A link shown to a viewer leads somewhere they may go; no page fails on the server."""
    if visit.status >= 500 or (visit.linked_from and visit.status >= 400):
        source = f", linked from {visit.linked_from}" if visit.linked_from else ""
        return [f"{visit.path} answered {visit.status}{source}"]
    return []


# -- auditing one state of a page ----------------------------------------------------------------

AUDIT_ORIGIN = "http://audit.invalid"
STATIC = Path(forum.__file__).parent / "static"
# What makes two documents the same for the audit: all but hidden fields' values (CSRF and other
# one-time tokens) and the site header (it differs between viewers; each walk audits it on its first
# page).
_COMPARABLE = """() => {
  const root = document.documentElement.cloneNode(true);
  root.querySelectorAll('input[type=hidden]').forEach(i => i.removeAttribute('value'));
  root.querySelector('body')?.removeAttribute('data-hx-headers');
  root.querySelector('body > header')?.remove();
  return root.outerHTML;
}"""


class Auditor:
    """Audits a page as it is now, or the HTML the server sent for it, in a page of its own.

    The document (page.content(), so the state after any htmx swap; or the server's HTML, which is
    what a browser without JavaScript shows) is written into one page whose scripts are all blocked,
    with axe loaded once for the whole run and the forum's own Content-Security-Policy; its styles
    come from forum/static. That is how a page without JavaScript can be audited at all (axe needs
    timers, which such a page does not run). (A <noscript> element would read differently there:
    the forum has none, as every page works without JavaScript.) A document identical to one
    audited before in the run (see _COMPARABLE) is not audited again: its problems are reused.
    """

    def __init__(self, browser):
        self.browser = browser
        self.source = ""  # the live server, for anything that is not a static file
        self.audited = {}  # a document's digest -> (where it was first audited, its problems)
        self.fetched = {}  # the same, for the HTML the walks fetched
        self._page = None

    def _copy(self, page):
        if self._page is None:
            context = self.browser.new_context()
            context.route("**/*", self._serve)
            self._page = context.new_page()
            self._page.goto(AUDIT_ORIGIN + "/")
            self._page.evaluate(axe_source())
        self.source = _origin(page.url)
        self._page.set_viewport_size(page.viewport_size)
        return self._page

    def _serve(self, route):
        request = route.request
        path = urlsplit(request.url).path
        if request.resource_type == "document":
            # The forum's own policy, so that the copy, too, ignores inline styles and scripts.
            headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Content-Type": "text/html"}
            route.fulfill(body="<!doctype html><title>audit</title>", headers=headers)
        elif request.resource_type == "script":
            route.abort()
        elif path.startswith("/static/") and (STATIC / path.removeprefix("/static/")).is_file():
            route.fulfill(path=STATIC / path.removeprefix("/static/"))
        else:
            route.fulfill(response=route.fetch(url=self.source + path))

    def close(self):
        if self._page is not None:
            self._page.context.close()
            self._page = None

    def audit(self, page, where: str | None = None, html: str | None = None, *, again=False) -> list[str]:
        """Every problem with the page as it is now (or with `html`, shown without scripts), one line
        each, starting with `where`. A document audited before is not audited again (see
        _COMPARABLE) unless again=True: its problems are given again."""
        where = where or _local_path(page.url, _origin(page.url)) or page.url
        copy = self._copy(page)
        if html is not None:
            copy.set_content(html)
        digest = hashlib.sha256((copy if html else page).evaluate(_COMPARABLE).encode()).hexdigest()
        if digest in self.audited and not again:
            first, found = self.audited[digest]
            return [where + problem.removeprefix(first) for problem in found]
        if html is None:
            copy.set_content(page.content())
        found = [f"{where} light {p}" for p in _axe(copy, {"runOnly": {"type": "tag", "values": AXE_TAGS}})]
        copy.emulate_media(color_scheme="dark")
        try:
            rules = {"runOnly": {"type": "rule", "values": COLOUR_RULES}}
            found += [f"{where} dark {p}" for p in _axe(copy, rules)]
        finally:
            copy.emulate_media(color_scheme="light")
        found += [f"{where} {p}" for p in _undescribed_errors(copy)]
        found += [f"{where} {p}" for p in _reflow(copy)]
        self.audited[digest] = (where, found)
        return found

    def walked(self, page, visit: Visit, *, first: bool = False) -> list[str]:
        """The problems of a page the walk fetched. A page whose HTML was audited before in the run
        (one-time tokens and the site header aside) has the same problems; any other is loaded into
        `page`, audited as it stands with JavaScript, and as its HTML without scripts when that
        differs. The walk's first page is always loaded: it is where this viewer's header is seen."""
        key = hashlib.sha256(_same_for_all(visit.html).encode()).hexdigest()
        if key in self.fetched and not first:
            where_first, found = self.fetched[key]
            return [visit.path + problem.removeprefix(where_first) for problem in found]
        page.goto(visit.path, wait_until="domcontentloaded")
        found = self.audit(page, visit.path, again=first)
        found += self.without_javascript(page, visit.html, f"{visit.path} (JavaScript off)")
        self.fetched[key] = (visit.path, found)
        return found

    def without_javascript(self, page, html: str, where: str) -> list[str]:
        """The problems of the server's `html` for this page shown with no script at all, unless it
        is the very document the page shows now (the usual case), already audited with it."""
        if page.evaluate(_SAME_DOCUMENT, html):
            return []
        return self.audit(page, where, html=html)

    def assert_accessible(self, page):
        """Fail, listing every problem, unless the page as it is now passes the audit: the one line
        a feature's test adds after it brings a page to a new state (a swap, a refused form)."""
        problems, _ = unexplained(self.audit(page, again=True), "axe")
        assert not problems, report(problems)


# Parsed without running anything (DOMParser runs no script): is it the page's document as it is?
_SAME_DOCUMENT = """html => {
  const strip = root => {
    root.querySelectorAll('input[type=hidden]').forEach(i => i.removeAttribute('value'));
    root.querySelector('body')?.removeAttribute('data-hx-headers');
    return root.outerHTML;
  };
  const parsed = new DOMParser().parseFromString(html, 'text/html').documentElement;
  return strip(parsed) === strip(document.documentElement.cloneNode(true));
}"""


def without_tokens(html: str) -> str:
    """The server's HTML less its hidden fields and CSRF header: what differs between two requests."""
    return re.sub(r'<input\b[^>]*type="hidden"[^>]*>|("X-CSRFToken": ")[^"]*', r"\1", html)


def _same_for_all(html: str) -> str:
    """The server's HTML less what differs between sessions and viewers (see _COMPARABLE)."""
    return re.sub(r"<header\b.*?</header>", "", without_tokens(html), count=1, flags=re.DOTALL)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _axe(page, options) -> list[str]:
    options = {**options, "resultTypes": ["violations"]}
    violations = page.evaluate("options => axe.run(document, options).then(r => r.violations)", options)
    problems = []
    for violation in violations:
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split("\n")[1:2]).strip()
            problems.append(
                f"axe {violation['id']} ({violation['impact']}) at {' '.join(map(str, node['target']))}: "
                f"{violation['help']}" + (f" [{summary}]" if summary else "")
            )
    return problems


_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .slice(0, 3)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
               (el.classList.length ? '.' + [...el.classList].join('.') : ''));
}"""


def _reflow(page) -> list[str]:
    """Run last on the copy: it leaves the viewport narrow (the next audit sets it again)."""
    problems = []
    for width in REFLOW_WIDTHS:
        page.set_viewport_size({"width": width, "height": 640})
        scroll, client = page.evaluate("(e => [e.scrollWidth, e.clientWidth])(document.documentElement)")
        if scroll > client:
            wide = ", ".join(page.evaluate(_WIDE))
            problems.append(f"reflow: scrolls sideways at {width} px ({scroll} px wide; {wide})")
    return problems


_UNDESCRIBED = """() => [...document.querySelectorAll('[aria-invalid="true"]')]
  .filter(el => !(el.getAttribute('aria-describedby') || '').split(/\\s+/).some(id => {
    const note = id && document.getElementById(id);
    return note && note.textContent.trim();
  }))
  .map(el => el.id || el.name || el.tagName.toLowerCase())"""


def _undescribed_errors(page) -> list[str]:
    return [
        f"form: field {name} is marked invalid but no message is tied to it (aria-describedby)"
        for name in page.evaluate(_UNDESCRIBED)
    ]


def unexplained(problems: list[str], tool: str, visited=()) -> tuple[list[str], list[str]]:
    """(problems not in KNOWN, KNOWN entries for `tool` whose pages were visited but which matched
    none of the problems). Each problem's text starts with its page's path."""
    known = [(re.compile(pages), re.compile(pattern), why) for t, pages, pattern, why in KNOWN if t == tool]
    used = set()
    left = []
    for problem in problems:
        path = problem.split(" ", 1)[0]
        hits = [
            i
            for i, (pages, pattern, _) in enumerate(known)
            if pages.fullmatch(path) and pattern.search(problem)
        ]
        used.update(hits)
        if not hits:
            left.append(problem)
    stale = [
        f"{pages.pattern} {pattern.pattern} ({why})"
        for i, (pages, pattern, why) in enumerate(known)
        if i not in used and any(pages.fullmatch(path) for path in visited)
    ]
    return left, stale


def report(problems: list[str], stale: list[str] = ()) -> str:
    lines = [f"{len(problems)} accessibility or validity problem(s):", *problems]
    if stale:
        lines += ["Known problems that no longer occur (delete them from audit.KNOWN):", *stale]
    return "\n  ".join(lines)


# -- the Nu HTML checker -------------------------------------------------------------------------


def check_html(pages: dict[str, str], folder: Path) -> list[str]:
    """Run vnu once over every page (name -> HTML); one line per error, starting with the name."""
    command = vnu_command()
    names, files = {}, []
    for i, (name, html) in enumerate(pages.items()):
        path = (folder / f"page-{i:03d}.html").resolve()
        path.write_text(html, "utf-8")
        names[path.as_uri()] = name
        files.append(path)
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        return [f"vnu did not run: exit {result.returncode}: {(result.stderr or result.stdout)[:500]}"]
    problems = []
    for message in messages:
        url = message.get("url", "")
        name = names.get(url) or names.get(url.replace("file:/", "file:///", 1)) or url
        line = message.get("lastLine", "?")
        problems.append(f"{name} vnu: {message.get('message', message)} (line {line})")
    return problems
