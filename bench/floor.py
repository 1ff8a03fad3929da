"""The floor: a bare Flask app answering every request with the bytes of a thread page, as the
forum sent them (same encoding), served by gunicorn exactly as the forum is. Whatever the forum
costs above this is the forum's own work: no framework or server can go below it."""

import json
import os
from pathlib import Path

from flask import Flask, Response


def create_app():
    body = Path(os.environ["BENCH_FLOOR_BODY"]).read_bytes()
    headers = json.loads(os.environ.get("BENCH_FLOOR_HEADERS", "{}"))
    app = Flask(__name__)

    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def page(path):
        return Response(body, headers=headers, content_type="text/html; charset=utf-8")

    return app
