"""The forum's own floor: the forum app, with everything it does on every request (the session,
the signed-in member, the Charter check, compression, the security headers), answering one extra
route with the thread page's HTML as it stands, no page work at all. Served beside the bare floor
(floor.py) the same way, it splits the thread page's distance from the floor into what any page of
this app costs and what the thread page itself costs (docs/performance.md)."""

import os
from pathlib import Path

from forum import create_app as create_forum

PATH = "/bench/same-bytes"


def create_app():
    html = Path(os.environ["BENCH_FLOOR_HTML"]).read_text()
    app = create_forum()

    @app.get(PATH)
    def same_bytes():
        return html

    return app
