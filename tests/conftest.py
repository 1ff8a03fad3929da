"""A fresh app and database for every test: SQLite by default, PostgreSQL when
FORUM_TEST_DATABASE_URL is set (the run gets its own database, dropped at the end)."""

import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from helpers import PASSWORD, Cast
from jinja2 import BytecodeCache

from forum import create_app
from forum.models.db import close_all, db
from forum.services import documents


def _reuse_url_builders() -> None:
    """Every test makes a new app, and werkzeug compiles Python code for each of its ~100 routes'
    URL builders: 100 ms of each test's setup. A builder's code depends only on the rule's parsed
    parts and defaults (converters are looked up on the rule when it runs), so rules that parse
    alike share one. Test-only; if werkzeug renames the method, this does nothing."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:
        return
    builders = {}

    def cached(self, append_unknown=True):
        key = (tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = cached


_reuse_url_builders()


class _SharedTemplateCode(BytecodeCache):
    """Compiled templates kept for the whole run: each test's new app would otherwise lex, parse
    and compile every template it renders again. Jinja checks the source's checksum on load."""

    def __init__(self):
        self.codes = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.codes:
            bucket.bytecode_from_string(self.codes[bucket.key])

    def dump_bytecode(self, bucket):
        self.codes[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = _SharedTemplateCode()


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes tens of seconds; run first (see below)")


def pytest_collection_modifyitems(items):
    """The few tests that take tens of seconds go first: under xdist a worker that picked one up
    last would keep the whole run waiting after the others had finished."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


# CSRF is switched on by the tests that check it (test_errors.py; the route walk).
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test",
    "WTF_CSRF_ENABLED": False,
    "DATABASE_BUSY_TIMEOUT_MS": 200,
    # Fast to compute, so hundreds of sign-ins stay quick; production uses scrypt.
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    # Posting pace is tested on its own; elsewhere tests post as fast as they like.
    "POST_INTERVAL": 0,
    "NEW_MEMBER_POST_INTERVAL": 0,
    # Each test's database is thrown away: no fsync on every commit (2 ms each on these disks).
    "DATABASE_SQLITE_SYNCHRONOUS": "off",
}


def _migrate(url: str, instance: Path) -> None:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url, "INSTANCE_PATH": str(instance)})
    with app.app_context():
        from forum.models.db import upgrade

        upgrade(app.config["MIGRATIONS_DIR"])
        documents.install_shipped()
    # The template file is copied for each test: its pooled connection is closed, so that what
    # the migrations wrote is in the file itself, not in its write-ahead log.
    close_all()


class SqliteDatabases:
    """Migrate once into a template file; every test starts from a copy of it."""

    def __init__(self, root: Path):
        self.root = root
        self.template = root / "template.sqlite3"
        _migrate(f"sqlite:///{self.template}", root)

    def fresh(self, tmp_path: Path) -> str:
        path = tmp_path / "forum.sqlite3"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def close(self):
        pass


class PostgresDatabases:
    """One database for the run, migrated once; every test starts from emptied tables."""

    def __init__(self, server_url: str, root: Path):
        import psycopg2

        self.psycopg2 = psycopg2
        self.server_url = server_url
        self.name = f"forum_test_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{self.name}"')
        parts = urlsplit(server_url)
        self.url = urlunsplit(parts._replace(path="/" + self.name))
        _migrate(self.url, root)
        self.conn = None  # kept open between tests: one connection less per test
        self.reset_sql = None

    def _admin(self, sql: str) -> None:
        conn = self.psycopg2.connect(self.server_url)
        conn.autocommit = True
        try:
            conn.cursor().execute(sql)
        finally:
            conn.close()

    def fresh(self, tmp_path: Path) -> str:
        # DELETE, not TRUNCATE: TRUNCATE makes new files for every table and took over a second per
        # test, most of the PostgreSQL run. Foreign-key triggers are off while emptying (replica
        # role; the test server's user is a superuser), so the order of the tables does not matter.
        if self.conn is None:
            self.conn = self.psycopg2.connect(self.url)
        with self.conn, self.conn.cursor() as cur:
            if self.reset_sql is None:
                cur.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'migratehistory'"
                )
                tables = [f'"{row[0]}"' for row in cur.fetchall()]
                cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                if cur.fetchone()[0]:
                    self.reset_sql = (
                        "SET LOCAL session_replication_role = replica;"
                        + "".join(f"DELETE FROM {table};" for table in tables)
                        + "SELECT setval(c.oid, 1, false) FROM pg_class c "
                        "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace;"
                    )
                else:  # only a superuser may turn the triggers off: the slow way
                    self.reset_sql = f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"
            cur.execute(self.reset_sql)
        return self.url

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    root = tmp_path_factory.mktemp("databases")
    server = os.environ.get("FORUM_TEST_DATABASE_URL")
    dbs = PostgresDatabases(server, root) if server else SqliteDatabases(root)
    yield dbs
    dbs.close()


@pytest.fixture
def make_app(databases, tmp_path):
    """make_app(**config) -> a new app on this test's fresh database."""

    def make(**config):
        # A second app in a test starts over on the same file: the first one's pooled
        # connection must not keep the old rows alive in the write-ahead log.
        if db.obj is not None:
            close_all()
        url = databases.fresh(tmp_path)
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path), **config})
        app.jinja_env.bytecode_cache = TEMPLATE_CODE
        if isinstance(databases, PostgresDatabases):
            with app.app_context():
                documents.install_shipped()
        return app

    yield make
    close_all()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def smtp_server():
    """A real SMTP server on localhost: .url for MAIL_URL, .messages for what it received (parsed)."""
    import email
    import email.policy
    import socket
    from types import SimpleNamespace

    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            return "250 OK"

    # aiosmtpd cannot listen on port 0, so ask the system for a free port first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield SimpleNamespace(messages=received, url=f"smtp://127.0.0.1:{port}")
    controller.stop()


# -- accounts ----------------------------------------------------------------------------------


@pytest.fixture
def make_member(app):
    """make_member(email, role=..., status=..., verified=..., **fields) -> Member, password PASSWORD.
    Other fields of the member (trusted=True, suspended_until=...) are set as given."""
    from forum.models import Member
    from forum.services import membership

    def make(
        email="member@example.org", *, name=None, role="member", status="active", verified=True, **fields
    ):
        with app.app_context():
            member = membership.create_account(email, name or email.split("@")[0].title(), role, PASSWORD)
            if status != "active" or not verified or fields:
                member.status = status
                member.email_verified_at = member.email_verified_at if verified else None
                for field, value in fields.items():
                    assert field in Member._meta.fields, f"a member has no {field}"
                    setattr(member, field, value)
                member.save()
            return Member.get_by_id(member.id)

    make.app = app
    return make


@pytest.fixture
def cast(make_member):
    """The people of the tests' stories (helpers.CAST): cast("author", "staff").author is a Member."""
    return Cast(make_member)


class Auth:
    """Signs a test client in and out, as the flaskr tutorial's helper does."""

    def __init__(self, client):
        self.client = client

    def sign_in(self, who, password=PASSWORD, **extra):
        """Sign in as this member (a Member, or an email)."""
        email = getattr(who, "email", who)
        return self.client.post("/sign-in", data={"email": email, "password": password, **extra})

    def sign_out(self):
        return self.client.post("/sign-out")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def outbox(app):
    """outbox() -> the messages queued so far, oldest first."""
    from forum.models import OutboxMessage

    def read():
        with app.app_context():
            return list(OutboxMessage.select().order_by(OutboxMessage.id))

    return read


@pytest.fixture
def count_queries(monkeypatch):
    """with count_queries() as queries: ...; then len(queries) is how many SQL statements ran
    (and `queries` lists them), to prove a page costs the same whatever its length."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements = []
        database = db.obj
        original = database.execute_sql

        def execute_sql(sql, params=None, *args, **kwargs):
            statements.append(sql)
            if sql.startswith("EXECUTE "):  # a statement prepared on PostgreSQL (models/prepared.py)
                prepared = vars(database).get("_forum_statement_names", {})
                names = {name: text for text, name in prepared.items()}
                statements[-1] = names.get(sql.split()[1], sql)
            return original(sql, params, *args, **kwargs)

        monkeypatch.setattr(database, "execute_sql", execute_sql)
        try:
            yield statements
        finally:
            monkeypatch.setattr(database, "execute_sql", original)

    return counting
