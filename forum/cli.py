"""flask --app forum ... commands for admins and scripts (see CONTRACT.md)."""

import logging
import time

import click
from flask import current_app
from flask.cli import AppGroup

from . import db as database
from . import mail
from .config import ConfigError
from .services import documents

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


def init_app(app):
    app.cli.add_command(db_cli)
    app.cli.add_command(mail_cli)
