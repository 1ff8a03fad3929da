"""`flask events remind`: a day before and an hour before, to those going; run twice, it sends
nothing twice; a change of the clocks between the reminder and the event is said plainly."""

from datetime import date, datetime, timedelta

import pytest
from events_support import calendar, make_event
from helpers import signed_in

from forum.errors import Invalid
from forum.models import Category, Member, OutboxMessage, utcnow
from forum.models.events import Event, EventReminder
from forum.services import event_places, events, groups, notifying


@pytest.fixture
def event(app, cast):
    cast("author", "member", "other", "trusted")
    with app.app_context():
        Category.create(name="Practice", slug="practice")
    made = make_event(app, cast.author, starts=_local_in(hours=30), ends=_local_in(hours=32))
    with app.app_context():
        for who in (cast.member, cast.other):
            event_places.attend(Member.get_by_id(who.id), made)
    return made


def _local_in(hours: int) -> str:
    """A time `hours` from now as London writes it, to the minute."""
    from zoneinfo import ZoneInfo

    moment = datetime.now(ZoneInfo("Europe/London")) + timedelta(hours=hours)
    return moment.strftime("%Y-%m-%dT%H:%M")


def remind(runner, at: datetime):
    result = runner.invoke(args=["events", "remind", "--now", at.strftime("%Y-%m-%d %H:%M:%S")])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def reminders(app):
    with app.app_context():
        return [m for m in OutboxMessage.select().order_by(OutboxMessage.id) if m.kind == "event-reminder"]


def test_a_day_before_and_an_hour_before_and_never_twice(app, runner, event, cast, capsys):
    start = event.starts_at
    assert remind(runner, start - timedelta(hours=25)) == "Queued 0 reminder emails (0 due)."
    first = remind(runner, start - timedelta(hours=23))
    second = remind(runner, start - timedelta(hours=23))
    later = remind(runner, start - timedelta(hours=2))
    with capsys.disabled():
        print(f"\nday reminder, run twice: {first!r} then {second!r}")
    assert first == "Queued 2 reminder emails (2 due)."
    assert second == "Queued 0 reminder emails (0 due)." and later == second
    day = reminders(app)
    assert sorted(m.to_address for m in day) == sorted([cast.member.email, cast.other.email])
    assert "starts tomorrow" in day[0].body_text and event.title in day[0].body_text
    assert "https://meet.example.org/club" in day[0].body_text  # those going get the link
    _, (item,) = calendar(day[0].attached[0][2].encode())
    assert str(item["uid"]) == event.uid

    hour = remind(runner, start - timedelta(minutes=40))
    again = remind(runner, start - timedelta(minutes=10))
    with capsys.disabled():
        print(f"hour reminder, run twice: {hour!r} then {again!r}")
    assert hour == "Queued 2 reminder emails (2 due)." and again == "Queued 0 reminder emails (0 due)."
    assert "within the hour" in reminders(app)[-1].body_text
    assert remind(runner, start + timedelta(minutes=1)) == "Queued 0 reminder emails (0 due)."
    with app.app_context():
        assert EventReminder.select().count() == 4


def test_a_member_who_chose_no_event_emails_is_marked_but_not_emailed(app, runner, event, cast):
    with app.app_context():
        notifying.choose(cast.other.id, {"event": "never"})
    assert remind(runner, event.starts_at - timedelta(hours=3)) == "Queued 1 reminder email (2 due)."
    assert remind(runner, event.starts_at - timedelta(hours=3)) == "Queued 0 reminder emails (0 due)."
    assert [m.to_address for m in reminders(app)] == [cast.member.email]


def test_only_those_going_to_an_event_still_on(app, runner, event, cast):
    with app.app_context():
        event_places.decline(Member.get_by_id(cast.other.id), event)
    assert remind(runner, event.starts_at - timedelta(hours=3)) == "Queued 1 reminder email (1 due)."
    signed_in(app, cast.author).post(f"/events/{event.id}/cancel", data={"note": ""})
    assert remind(runner, event.starts_at - timedelta(minutes=30)) == "Queued 0 reminder emails (0 due)."


def test_moving_the_start_brings_the_reminders_again(app, runner, event, cast):
    remind(runner, event.starts_at - timedelta(hours=3))
    assert len(reminders(app)) == 2
    with app.app_context():
        moved = events.update_event(
            Member.get_by_id(cast.author.id),
            event,
            {
                "title": event.title,
                "description": event.description_md,
                "starts": _local_in(hours=54),
                "ends": _local_in(hours=56),
                "timezone": event.timezone,
                "venue": event.venue,
                "online_url": event.online_url,
                "capacity": "",
                "sequence": "0",
            },
        )[0]
        assert EventReminder.select().count() == 0
    assert remind(runner, moved.starts_at - timedelta(hours=3)) == "Queued 2 reminder emails (2 due)."


def _last_sunday_of_march_ahead() -> date:
    today = utcnow().date()
    year = today.year if today < date(today.year, 3, 20) else today.year + 1
    day = date(year, 3, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def test_a_change_of_the_clocks_before_the_event_is_said_plainly(app, runner, cast):
    """The clocks go forward on the last Sunday of March in London: an event at 10:00 that
    morning is at 09:00 UTC; its day reminder goes 24 hours before, at 09:00 GMT on the Saturday,
    and says the time after the change."""
    cast("author", "member")
    sunday = _last_sunday_of_march_ahead()
    with app.app_context():
        Category.create(name="Practice", slug="practice")
    made = make_event(app, cast.author, starts=f"{sunday}T10:00", ends=f"{sunday}T12:00")
    assert made.starts_at == datetime(sunday.year, sunday.month, sunday.day, 9, 0)
    with app.app_context():
        event_places.attend(Member.get_by_id(cast.member.id), made)
    assert remind(runner, made.starts_at - timedelta(hours=24)) == "Queued 1 reminder email (1 due)."
    (message,) = reminders(app)
    assert f"Sunday {sunday.day} March {sunday.year}, 10:00 BST" in message.body_text
    assert "The clocks change in Europe/London before then" in message.body_text
    _, (item,) = calendar(message.attached[0][2].encode())
    assert item.decoded("dtstart").strftime("%H:%M %Z") == "10:00 BST"
    # A time the clocks skip is refused when the event is made.
    with app.app_context(), pytest.raises(Invalid, match="does not exist in Europe/London"):
        events.create_event(
            Member.get_by_id(cast.author.id),
            Category.get(Category.slug == "practice"),
            {
                "title": "Too early",
                "starts": f"{sunday}T01:30",
                "ends": f"{sunday}T03:00",
                "timezone": "Europe/London",
                "venue": "Hall",
            },
        )


def test_a_member_who_left_the_group_hears_no_more(app, runner, cast):
    cast("lead", "group_member")
    with app.app_context():
        space = Category.get(Category.group == cast.group)
    made = make_event(app, cast.lead, space, starts=_local_in(hours=30), ends=_local_in(hours=31))
    with app.app_context():
        event_places.attend(Member.get_by_id(cast.group_member.id), made)
        groups.leave(Member.get_by_id(cast.group_member.id), cast.group)
    assert remind(runner, made.starts_at - timedelta(hours=3)) == "Queued 0 reminder emails (0 due)."


def test_a_bad_now_is_refused_in_one_line(runner):
    result = runner.invoke(args=["events", "remind", "--now", "tomorrow-ish"])
    assert result.exit_code != 0 and "--now" in result.output


def test_event_rows_are_left_alone_by_reminding(app, runner, event):
    remind(runner, event.starts_at - timedelta(hours=23))
    with app.app_context():
        assert Event.get_by_id(event.id).sequence == 0
