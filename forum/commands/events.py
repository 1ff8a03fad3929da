"""`flask events`: the reminders, for cron (every few minutes, like the mail sender's round)."""

import click
from flask.cli import AppGroup

from ..services import event_reminders

events_cli = AppGroup("events", help="Events: the reminders emailed to those going.")


@events_cli.command("remind")
@click.option(
    "--now",
    "now",
    type=click.DateTime(["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]),
    default=None,
    help='UTC, as "YYYY-MM-DD HH:MM:SS"; for tests and catching up. Default: now.',
)
def remind(now):
    """Email the reminders that are due: a day before each event and an hour before. Running it
    twice sends nothing twice."""
    run = event_reminders.send_reminders(now)
    click.echo(f"Queued {run.queued} reminder email{'s' if run.queued != 1 else ''} ({run.due} due).")
