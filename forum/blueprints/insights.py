"""Staff insights (#26) in the Moderation area: the network's figures for a period, each as a
chart (an SVG image from its own route), a table of the same figures, and a CSV download.
Staff only, checked once for every route here, as in the rest of the Moderation area."""

from flask import Blueprint, Response, render_template, request

from ..errors import NotFound
from ..forms.insights import period_fields
from ..models import utcnow
from ..policy import refusal
from ..services import insights, insights_charts

bp = Blueprint("insights", __name__, url_prefix="/moderation/insights")

# The chart is an image: nothing in it may load or run anything; its own style block is allowed.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


@bp.before_request
def staff_only():
    return refusal("moderate")


def _chosen():
    fields = period_fields(request.args)
    since, until = insights.period(fields["since"], fields["until"], utcnow().date())
    return since, until, fields["message"]


def _figure(slug):
    since, until, _ = _chosen()
    for figure in insights.figures(since, until, only=slug):
        if figure.slug == slug:
            return figure, since, until
    raise NotFound("There is no such figure.")


def _private(response):
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.vary.add("Cookie")
    return response


@bp.get("/")
def page():
    since, until, message = _chosen()
    days = (until - since).days + 1
    return render_template(
        "insights/page.html",
        figures=insights.figures(since, until),
        since=since,
        until=until,
        days=days,
        message=message,
        period_args={"since": since.isoformat(), "until": until.isoformat()},
    )


@bp.get("/<slug>.svg")
def chart(slug):
    figure, _, _ = _figure(slug)
    response = Response(insights_charts.svg(figure), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return _private(response)


@bp.get("/<slug>.csv")
def csv(slug):
    figure, since, until = _figure(slug)
    response = Response(insights_charts.csv_text(figure), mimetype="text/csv")
    name = f"{figure.slug}-{since.isoformat()}-to-{until.isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Content-Security-Policy"] = SVG_CSP
    return _private(response)
