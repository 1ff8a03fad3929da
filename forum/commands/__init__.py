"""flask --app forum ... commands for admins and scripts (see CONTRACT.md)."""

import logging
import signal
import time

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ..config import ConfigError
from ..errors import DomainError
from ..mail import outbox as mail
from ..models import DOCUMENTS, POST_ACCESS, READ_ACCESS, ROLES, STATUSES, Category, Member
from ..models import db as database
from ..services import categories, documents, membership

db_cli = AppGroup("db", help="The database: migrations.")


@db_cli.command("upgrade")
def upgrade():
    """Apply pending migrations and install the shipped documents (safe to repeat)."""
    applied = database.upgrade(current_app.config["MIGRATIONS_DIR"])
    installed = documents.install_shipped()
    click.echo(f"Applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else "."))
    if installed:
        click.echo("Installed " + ", ".join(f"{d.title} v{d.version}" for d in installed) + ".")


mail_cli = AppGroup("mail", help="Email: the outbox and its sender.")


@mail_cli.command("send")
@click.option("--watch", is_flag=True, help="Keep sending until interrupted, instead of once.")
@click.option(
    "--interval",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds between rounds with --watch.",
)
def send_mail(watch, interval):
    """Send the email that is due from the outbox (to FORUM_MAIL_URL, or to the log when unset)."""
    app = current_app._get_current_object()
    # Without FORUM_MAIL_URL the log is where email goes, so it must show INFO: app.logger
    # ("forum") brings Flask's stderr handler, which forum.mail's records reach.
    if app.logger.getEffectiveLevel() > logging.INFO:
        logging.getLogger(mail.log.name).setLevel(logging.INFO)
    try:
        while True:
            # A fresh app context per round, so each round opens and closes its own connection.
            with app.app_context():
                try:
                    sent, failed = mail.send_due()
                except ConfigError as exc:
                    raise click.ClickException(str(exc)) from None
                except database.UNAVAILABLE as exc:
                    if not watch:
                        raise
                    # A database that is restarting should not end the background sender.
                    click.echo(f"Database unavailable, trying again: {type(exc).__name__}", err=True)
                    sent = failed = 0
            if not watch or sent or failed:
                click.echo(f"Sent {sent}, failed {failed}.")
            if not watch:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        pass


def _interrupt(signum, frame):
    raise KeyboardInterrupt


@mail_cli.command("receive")
@click.option("--host", default=None, help="Address to listen on (default FORUM_INBOUND_HOST).")
@click.option("--port", default=None, type=int, help="Port to listen on (default FORUM_INBOUND_PORT).")
def receive_mail(host, port):
    """Listen for replies by email over SMTP until stopped by Ctrl-C or SIGTERM (behind the
    network's mail server)."""
    from ..mail.intake import smtp_controller

    app = current_app._get_current_object()
    if not app.config.get("REPLY_DOMAIN"):
        raise click.ClickException("Set FORUM_REPLY_DOMAIN first: replies go to reply+TOKEN@that domain.")
    host = host or app.config["INBOUND_HOST"]
    port = port or app.config["INBOUND_PORT"]
    controller = smtp_controller(app, host, port)
    # A service manager stops it with SIGTERM; a shell's background job ignores Ctrl-C: both
    # stop it as Ctrl-C does in a terminal.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        # Started inside the try: a Ctrl-C while it starts stops it as cleanly as one later.
        controller.start()
        click.echo(f"Receiving replies for @{app.config['REPLY_DOMAIN']} on {host}:{port}; Ctrl-C stops.")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop(no_assert=True)


@mail_cli.command("poll")
@click.option("--watch", is_flag=True, help="Keep polling until interrupted, instead of once.")
@click.option(
    "--interval",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Seconds between rounds with --watch.",
)
def poll_mail(watch, interval):
    """Read replies by email from the mailbox at FORUM_INBOUND_IMAP_URL."""
    from ..mail.intake import poll_imap

    app = current_app._get_current_object()
    url = app.config.get("INBOUND_IMAP_URL")
    if not url or not app.config.get("REPLY_DOMAIN"):
        raise click.ClickException("Set FORUM_INBOUND_IMAP_URL and FORUM_REPLY_DOMAIN first.")
    try:
        while True:
            try:
                handled = poll_imap(app, url)
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from None
            except (OSError, database.UNAVAILABLE) as exc:
                if not watch:
                    raise click.ClickException(
                        f"Could not read the mailbox: {type(exc).__name__}: {exc}"
                    ) from None
                click.echo(f"Mailbox or database unavailable, trying again: {type(exc).__name__}", err=True)
                handled = 0
            if not watch or handled:
                click.echo(f"Handled {handled} message(s).")
            if not watch:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        pass


@mail_cli.command("show-inbound")
@click.argument("post_id", type=int)
def show_inbound(post_id):
    """Print the email a post was made from, as it arrived (for staff looking into a report)."""
    from ..models.inbound import InboundMessage

    row = InboundMessage.get_or_none(InboundMessage.post == post_id)
    if row is None:
        raise click.ClickException(f"Post {post_id} was not made by email.")
    click.echo(f"Received {row.received_at:%Y-%m-%d %H:%M} UTC via {row.via} from {row.sender}.")
    if row.raw is None:
        raise click.ClickException("Its raw text was purged after FORUM_INBOUND_RETENTION_DAYS.")
    click.echo(bytes(row.raw).decode("utf-8", "replace"))


@mail_cli.command("purge-inbound")
def purge_inbound():
    """Delete the raw text of received replies older than FORUM_INBOUND_RETENTION_DAYS (run daily)."""
    from ..services import email_replies

    click.echo(f"Purged {email_replies.purge_raw()} received message(s).")


users_cli = AppGroup("users", help="Accounts: create them, list them, change roles.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The name other members see.")
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--password", required=True, prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(email, name, role, password):
    """An active account that has accepted the current Charter, Code of Conduct and Terms."""
    try:
        member = membership.create_account(email, name, role, password)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created {member.role} {member.name} <{member.email}>.")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def set_role(email, role):
    """Make an account a member, staff or admin."""
    try:
        member = membership.set_role(email, role)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{member.name} <{member.email}> is now {member.role}.")


@users_cli.command("trust")
@click.argument("email")
@click.option("--undo", is_flag=True, help="Take the trust away again.")
def trust_user(email, undo):
    """Trust a member: their single report hides a post until staff review it, as staff's does."""
    from ..services import reporting

    try:
        member = reporting.set_trusted_by_email(email, not undo)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{member.name} <{member.email}> is {'now' if member.trusted else 'no longer'} trusted.")


@users_cli.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only accounts with this status.")
def list_users(status):
    """Every account: id, email, role, status and name."""
    query = Member.select().order_by(Member.id)
    if status:
        query = query.where(Member.status == status)
    for member in query:
        click.echo(f"{member.id}\t{member.email}\t{member.role}\t{member.status}\t{member.name}")


documents_cli = AppGroup("documents", help="The Charter, Code of Conduct and Website Terms.")


@documents_cli.command("publish")
@click.argument("document", type=click.Choice(list(DOCUMENTS)))
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option("--summary", default="", help="What changed, shown to members when they accept it.")
def publish_document(document, source, summary):
    """Publish a new version from a Markdown file; members accept it at their next visit."""
    try:
        published = documents.publish(document, source.read(), summary)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Published {published.title} version {published.version}.")


categories_cli = AppGroup("categories", help="Forum categories: create them, list them.")


@categories_cli.command("create")
@click.argument("name")
@click.option("--description", default="", help="One or two sentences shown on the forum's home page.")
@click.option(
    "--read",
    "read_access",
    type=click.Choice(READ_ACCESS),
    default="public",
    show_default=True,
    help="Who can read it: everyone, or members only (hidden from visitors).",
)
@click.option(
    "--post",
    "post_access",
    type=click.Choice(POST_ACCESS),
    default="members",
    show_default=True,
    help="Who can start threads: any member, or staff only (announcements).",
)
def create_category(name, description, read_access, post_access):
    """A category, last on the home page; its address /c/SLUG comes from NAME."""
    try:
        category = categories.create_category(name, description, read_access, post_access)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created category {category.name} at /c/{category.slug}.")


@categories_cli.command("list")
def list_categories():
    """Every category in the home page's order: id, slug, position, read, post, threads, name."""
    for c in Category.listed():
        click.echo(
            f"{c.id}\t{c.slug}\t{c.position}\t{c.read_access}\t{c.post_access}\t{c.thread_count}\t{c.name}"
        )


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """A small, realistic demo network: categories, members, organisations, threads."""
    from . import demo

    try:
        lines = demo.seed()
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("Demo network created. Sign in at /sign-in as:")
    for line in lines:
        click.echo(line)


@click.command("seed-bench")
@click.option("--members", default=1000, show_default=True, type=click.IntRange(min=2))
@click.option("--organisations", default=200, show_default=True, type=click.IntRange(min=0))
@click.option("--threads", default=10_000, show_default=True, type=click.IntRange(min=1))
@click.option("--posts", default=100_000, show_default=True, type=click.IntRange(min=1))
@click.option("--force", is_flag=True, help="Add benchmark data to a database that already has members.")
@with_appcontext
def seed_bench(members, organisations, threads, posts, force):
    """Fill the database with benchmark data through bulk inserts (see bench/)."""
    from . import bench_data

    sizes = bench_data.Sizes(members, organisations, threads, max(posts, threads))
    with click.progressbar(length=bench_data.total_rows(sizes), label="Seeding", file=None) as bar:
        try:
            made = bench_data.seed(sizes, force=force, progress=bar.update)
        except (RuntimeError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(
        f"Made {made['members']} members, {made['organisations']} organisations, {made['threads']} threads, "
        f"{made['posts']} posts, {made['reports']} reports. The long thread is /t/{made['long_thread']} "
        f"({made['long_thread_posts']} posts); the deep category is /c/{made['category']}."
    )
    click.echo(f"Sign in as {made['member']} or {made['staff']} with the password: {made['password']}")


moderation_cli = AppGroup("moderation", help="The moderation queue.")


@moderation_cli.command("summary")
def queue_summary():
    """Email the daily queue summary to each staff member who asked for it (run it daily)."""
    from ..services import queue

    click.echo(f"Sent {queue.send_daily_summaries()} summary email(s) to the outbox.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path):
    """Write a consistent backup of the database to PATH while the forum runs."""
    from .backup import BackupError, backup

    try:
        written = backup(current_app.config["DATABASE_URL"], path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up to {written} ({written.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path, yes):
    """Replace the database with the backup in PATH (stop the app servers first)."""
    from .backup import BackupError, restore

    if not yes:
        click.confirm("Everything written since that backup will be lost. Restore it?", abort=True)
    if not database.db.is_closed():
        database.db.close()
    try:
        restore(current_app.config["DATABASE_URL"], path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored from {path}.")
    click.echo("Run `flask --app forum db upgrade` if the backup is older than the code.")


notifications_cli = AppGroup("notifications", help="Notifications and their email digests.")


@notifications_cli.command("digest")
@click.option("--period", type=click.Choice(["daily", "weekly"]), default="daily", show_default=True)
@click.option("--now", "now", type=click.DateTime(), default=None, help="UTC; for tests and catching up.")
def send_digest(period, now):
    """Email each member one digest of what waited for this period (run daily and weekly)."""
    from ..models.db import db
    from ..services import notifying

    with db.atomic():
        count = notifying.send_digests(period, now)
    click.echo(f"Queued {count} {period} digest{'s' if count != 1 else ''}.")


def init_app(app):
    from .events import events_cli
    from .groups import groups_cli

    for group in (
        db_cli, mail_cli, users_cli, documents_cli, categories_cli, seed_demo, seed_bench, moderation_cli,
        notifications_cli, groups_cli, events_cli,
    ):
        app.cli.add_command(group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
