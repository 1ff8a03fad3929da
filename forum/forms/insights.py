"""The insights page's period: two dates in a GET form (From, To), both optional."""

from datetime import date


def _day(raw) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def period_fields(args) -> dict:
    """The days asked for (YYYY-MM-DD each), None for one missing or not a date, and a message
    for the person when a field was filled in but is not a date."""
    since, until = _day(args.get("since")), _day(args.get("until"))
    problems = [
        label
        for label, name, value in (("From", "since", since), ("To", "until", until))
        if args.get(name) and value is None
    ]
    message = (
        f"{' and '.join(problems)}: give a date as YYYY-MM-DD; the last 30 days are shown."
        if problems
        else ""
    )
    return {"since": since, "until": until, "message": message}
