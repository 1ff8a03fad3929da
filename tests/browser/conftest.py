"""Real Chromium (Debian's, driven by Playwright) against the app served on a free localhost port,
once with JavaScript on and once with it off."""

import os
import shutil
import threading

import pytest
from viewers import VIEWERS
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture(params=["js", "nojs"])
def js(request):
    """Parametrises a browser test over JavaScript on ("js") and off ("nojs")."""
    return request.param == "js"


@pytest.fixture
def page(browser, live_server, js):
    context = browser.new_context(java_script_enabled=js, base_url=live_server.url)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "screenshots: saves the PNGs in docs/screenshots (run alone with -m screenshots)"
    )


@pytest.fixture(scope="session")
def auditor(browser):
    """audit.Auditor: .assert_accessible(page) audits the page as it is now (see audit.py)."""
    from audit import Auditor, axe_source

    axe_source()  # skips (fails under CI) at once when axe-core is not installed
    auditor = Auditor(browser)
    yield auditor
    auditor.close()


@pytest.fixture(params=list(VIEWERS))
def viewer(request):
    """Parametrises a test over the viewers in viewers.py (visitor, member, staff, ...)."""
    return request.param
