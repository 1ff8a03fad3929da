"""`flask --app forum seed-bench`: benchmark data written in bulk keeps every counter true."""

from peewee import fn

from forum.commands.bench_data import BENCH_MEMBER, BENCH_PASSWORD
from forum.models import Category, Member, Post, ReadState, Thread
from forum.models.reports import Report

ARGS = ["seed-bench", "--members", "30", "--organisations", "5", "--threads", "40", "--posts", "300"]


def test_seed_bench_fills_the_database_with_true_counters(app, runner):
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    assert "Made 30 members" in result.output and BENCH_MEMBER in result.output
    with app.app_context():
        assert Member.select().count() == 30 and Thread.select().count() == 40
        assert Post.select().count() == 300
        for thread in Thread.select():
            posts = Post.select().where(Post.thread == thread)
            assert thread.post_count == posts.count()
            numbers = sorted(p.number for p in posts)
            assert numbers == list(range(1, thread.post_count + 1))  # dense, as pages need
            last = posts.order_by(Post.number.desc()).get()
            assert (thread.last_author_id, thread.last_post_at) == (last.author_id, last.created_at)
        for category in Category.select():
            threads = Thread.select().where(Thread.category == category)
            assert category.thread_count == threads.count()
            assert category.post_count == (threads.select(fn.SUM(Thread.post_count)).scalar() or 0)
            if category.thread_count:
                latest = threads.order_by(Thread.last_post_at.desc()).first()
                assert (category.last_thread_id, category.last_thread_title) == (latest.id, latest.title)
                assert category.last_post_at == latest.last_post_at
        for member in Member.select():
            assert member.report_count == Report.select().where(Report.reporter == member).count()
        assert ReadState.select().count() > 0
        # The first thread is the long one, in the first (deepest) category.
        long = Thread.get_by_id(1)
        assert long.post_count == max(t.post_count for t in Thread.select())
    # The bench member signs in and reads the long thread's last page.
    client = app.test_client()
    response = client.post("/sign-in", data={"email": BENCH_MEMBER, "password": BENCH_PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        long = Thread.get_by_id(1)
    assert client.get(f"/t/1?page={long.last_page}").status_code == 200
    assert client.get("/c/practice-exchange").status_code == 200


def test_seed_bench_refuses_a_database_with_members_unless_forced(app, runner, cast):
    cast("member")
    refused = runner.invoke(args=ARGS)
    assert refused.exit_code != 0 and "--force" in refused.output
    with app.app_context():
        assert Thread.select().count() == 0
    forced = runner.invoke(args=[*ARGS, "--force"])
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        assert Member.select().count() == 31 and Post.select().count() == 300
        # New rows get fresh ids after the seeded ones (PostgreSQL's sequences were moved).
        assert Category.create(name="After", slug="after").id > 8
        assert Member.select(fn.COUNT(fn.DISTINCT(Member.email))).scalar() == 31
