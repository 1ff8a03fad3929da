"""flask --app forum ... commands for admins and scripts (see CONTRACT.md)."""

import click
from flask import current_app
from flask.cli import AppGroup

from . import db as database
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


def init_app(app):
    app.cli.add_command(db_cli)
