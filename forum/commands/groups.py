"""`flask groups`: create groups and put members in them, for admins who script the network."""

import click
from flask.cli import AppGroup

from ..errors import DomainError
from ..models import JOIN_RULES, Group, Member
from ..services import groups

groups_cli = AppGroup("groups", help="Groups: working groups and regional networks with private spaces.")


def _member(email: str) -> Member:
    member = Member.by_email(email)
    if member is None:
        raise click.ClickException(f"No member has the email address {email}.")
    return member


@groups_cli.command("create")
@click.argument("name")
@click.option("--description", default="", help="What the group is for, shown on its page.")
@click.option(
    "--kind",
    default="working group",
    show_default=True,
    help="Working group, regional network, or another kind.",
)
@click.option(
    "--join",
    "join_rule",
    type=click.Choice(tuple(JOIN_RULES)),
    default="request",
    show_default=True,
    help="How members get in: join at once, ask and a lead approves, or by a lead's invitation.",
)
@click.option("--unlisted", is_flag=True, help="Seen only by its members, those invited, and staff.")
@click.option(
    "--lead", "leads", multiple=True, metavar="EMAIL", help="A member who leads it (repeat for more)."
)
def create_group(name, description, kind, join_rule, unlisted, leads):
    """A group with its own private space, at /groups/SLUG."""
    lead_members = [_member(email) for email in leads]
    try:
        group = groups.create_group(name, description, kind, join_rule, not unlisted, lead_members)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created group {group.name} at /groups/{group.slug}.")


@groups_cli.command("add")
@click.argument("name")
@click.argument("email")
@click.option("--lead", is_flag=True, help="As one of its leads.")
def add_to_group(name, email, lead):
    """Put an existing member in the group NAME (as a lead with --lead)."""
    group = Group.get_or_none(Group.name_key == Group.key_of(name))
    if group is None:
        raise click.ClickException(f"There is no group called {name}.")
    member = _member(email)
    try:
        added = groups.add_member(group, member, lead=lead)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    role = "a lead" if lead else "a member"
    click.echo(f"{member.name} is {'now' if added else 'already'} {role} of {group.name}.")


@groups_cli.command("list")
def list_groups():
    """Every group: id, slug, join rule, listed, members, name."""
    for g in Group.select().order_by(Group.name):
        listed = "listed" if g.listed else "unlisted"
        click.echo(f"{g.id}\t{g.slug}\t{g.join_rule}\t{listed}\t{g.member_count}\t{g.name}")
