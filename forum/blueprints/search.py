"""Search: one GET page. Without JavaScript the form submits and the page shows the results;
with htmx the same URL answers with the results alone, and the address bar keeps in step."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from ..forms.search import form_for
from ..services import search as searching

bp = Blueprint("search", __name__)


@bp.get("/search")
def index():
    query = searching.read_query(request.args)
    results = searching.search(current_user, query)
    if request.htmx and not request.htmx.history_restore_request:
        return render_template("search/_results.html", results=results)
    return render_template("search/index.html", form=form_for(query, results.categories), results=results)



@bp.cli.command("rebuild")
def rebuild_command():
    """Rebuild the search index from the posts (safe to run at any time)."""
    import click

    from ..models import search as index

    click.echo(f"Indexed {index.rebuild():,} posts.")
