"""The search form: read from the query string, so every search is a link to keep or share.
Checking what was typed is the search service's job (it never refuses a page); the form only
carries the values and shows the service's messages beside their fields."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from ..services.search import ORDERS


class PostSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Search for")
    category = SelectField("Category", choices=[SelectChoice("", "All categories")], validate_choice=False)
    author = StringField("Author", description="A member's full name.")
    since = StringField("From", description="Year-month-day.")
    until = StringField("To", description="Year-month-day.")
    order = SelectField(
        "Order", choices=[SelectChoice(k, v) for k, v in ORDERS.items()], validate_choice=False
    )


def form_for(query, categories) -> PostSearchForm:
    form = PostSearchForm(
        data={
            "q": query.q[:400],
            "category": query.category,
            "author": query.author[:200],
            "since": query.since,
            "until": query.until,
            "order": query.order,
        },
        meta={"csrf": False},
    )
    form.category.choices = [SelectChoice("", "All categories")] + [
        SelectChoice(c.slug, c.name) for c in categories
    ]
    for name, message in query.problems.items():
        getattr(form, name).errors = [message]
    return form
