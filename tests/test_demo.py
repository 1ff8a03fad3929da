"""`flask --app forum seed-demo`: a small, realistic network, and how to sign in to it."""

from forum.models import Category, Member, Post, Thread


def test_seed_demo_makes_a_network_and_says_how_to_sign_in(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin@demo.belong.example" in result.output and "Password for every demo account" in result.output
    with app.app_context():
        assert Member.select().where(Member.role == "staff").count() == 1
        assert Category.select().where(Category.read_access == "members").count() == 1
        assert Thread.select().count() >= 5 and Post.select().count() > Thread.select().count()
        assert sum(c.thread_count for c in Category.select()) == Thread.select().count()
    password = result.output.rsplit(": ", 1)[1].strip()
    client = app.test_client()
    signed_in = client.post("/sign-in", data={"email": "amina@demo.belong.example", "password": password})
    assert signed_in.status_code == 302
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0 and "already here" in again.output


def test_the_demo_fills_the_pages_a_newcomer_sees_first(app, runner):
    """`make demo` and the README's screenshots show this: a home page with threads on it for a
    visitor, and the members-only category once signed in."""
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    from forum.commands.demo import DEMO_PASSWORD

    home = app.test_client().get("/").get_data(as_text=True)
    assert "Hello from Bridges Trust in Salford" in home and "Practice exchange" in home
    assert "Funding and policy" not in home
    member = app.test_client()
    member.post("/sign-in", data={"email": "tomasz@demo.belong.example", "password": DEMO_PASSWORD})
    assert "Funding and policy" in member.get("/").get_data(as_text=True)
