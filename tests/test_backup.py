"""Backups taken while members write, and restoring them: the restored forum is consistent
(counters equal real counts) and holds every post acknowledged before the backup began."""

import os
import shutil
import threading

import pytest

from forum.models import Category, Post, Thread
from forum.services import posting

POSTGRES = bool(os.environ.get("FORUM_TEST_DATABASE_URL"))
needs_pg_tools = pytest.mark.skipif(
    POSTGRES and not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="pg_dump and pg_restore are not installed",
)


def consistent(app) -> dict:
    """The forum's counters against the rows they count."""
    with app.app_context():
        for thread in Thread.select():
            assert thread.post_count == Post.select().where(Post.thread == thread).count(), thread.id
            numbers = [
                p.number for p in Post.select(Post.number).where(Post.thread == thread).order_by(Post.number)
            ]
            assert numbers == list(range(1, len(numbers) + 1)), thread.id
        for category in Category.select():
            threads = Thread.select().where(Thread.category == category)
            assert category.thread_count == threads.count()
            assert (
                category.post_count == Post.select().join(Thread).where(Thread.category == category).count()
            )
        return {"posts": Post.select().count(), "ids": {p.id for p in Post.select(Post.id)}}


@needs_pg_tools
def test_a_backup_under_write_load_restores_consistent(make_app, make_member, tmp_path):
    # Writers wait for each other's locks as the app servers do in production, not the tests' 0.2 s.
    app = make_app(DATABASE_BUSY_TIMEOUT_MS=5000)
    writers = [make_member(f"w{n}@example.org") for n in range(3)]
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        threads = [
            posting.start_thread(w, category, {"title": f"Thread {n}", "message": "Opening"}).thread_id
            for n, w in enumerate(writers)
        ]
    before_backup: set[int] = set()
    stop = threading.Event()
    errors = []

    def write(member, thread_id):
        try:
            with app.app_context():
                thread = Thread.with_category(thread_id)
                while not stop.is_set():
                    before_backup.add(posting.reply(member, thread, {"message": "More words"}).id)
        except Exception as exc:  # a writer that failed would make the test pass for nothing
            errors.append(exc)

    workers = [threading.Thread(target=write, args=pair) for pair in zip(writers, threads, strict=True)]
    for worker in workers:
        worker.start()
    while len(before_backup) < 20 and not errors:
        stop.wait(0.01)
    acknowledged = set(before_backup)
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "forum.backup")])
    stop.set()
    for worker in workers:
        worker.join()
    assert errors == [] and result.exit_code == 0, result.output
    assert "Backed up to" in result.output
    written = consistent(app)["posts"]

    result = app.test_cli_runner().invoke(args=["restore", "--yes", str(tmp_path / "forum.backup")])
    assert result.exit_code == 0, result.output
    restored = consistent(app)
    assert acknowledged <= restored["ids"]  # everything acknowledged before the backup began
    assert restored["posts"] <= written  # and nothing written after it ended


def test_a_backup_never_overwrites_and_a_restore_needs_a_backup(app, tmp_path):
    (tmp_path / "taken").write_text("an older backup")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(tmp_path / "taken")])
    assert result.exit_code != 0 and "exists already" in result.output
    assert (tmp_path / "taken").read_text() == "an older backup"
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "taken")])
    assert result.exit_code != 0
    with app.app_context():
        assert Category.select().count() == 0  # the database is as it was
    # Without --yes it asks, and "no" changes nothing.
    result = runner.invoke(args=["restore", str(tmp_path / "taken")], input="n\n")
    assert result.exit_code != 0 and "Restore it?" in result.output
