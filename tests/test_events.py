"""Events through the test client: creating one (a plain form, and htmx on the same route), each
bad input answered beside its field with the text kept, changing and cancelling with emails to
those going, Going / Not going / the waiting list, who sees whose name, the .ics read back with
icalendar, and the lists."""

import json
import re

import pytest
from events_support import calendar, form, make_event, when
from helpers import signed_in, text

from forum.models import Category, OutboxMessage, Post, Thread
from forum.models.events import Attendance, Event


@pytest.fixture
def practice(app):
    with app.app_context():
        return Category.create(name="Practice", slug="practice")


@pytest.fixture
def author(app, cast, practice):
    return signed_in(app, cast("author").author)


def _event_id(response) -> int:
    return int(re.search(r"/events/(\d+)$", response.headers["Location"]).group(1))


# -- creating ------------------------------------------------------------------------------------


def test_the_form_has_the_contracts_labels(author, practice):
    page = text(author.get("/events/new?in=practice"))
    for label in ("Title", "Description", "Starts", "Ends", "Where", "Places (optional)"):
        assert f">{label}</label>" in page
    assert "Create event</button>" in page
    assert f'<option selected value="{practice.id}">Practice</option>' in page


def test_creating_an_event_without_javascript(app, author, practice):
    response = author.post("/events/new", data={**form(), "category": practice.id, "submission": "abc"})
    assert response.status_code == 302
    event_id = _event_id(response)
    page = text(author.get(f"/events/{event_id}"))
    assert '<h1 id="thread-title">Conversation club leaders&#39; meetup</h1>' in page
    assert "Your event is created" in page
    assert "Community Hall" in page
    assert "<strong>one</strong>" in page
    assert "Add to calendar" in page
    with app.app_context():
        event = Event.get_by_id(event_id)
        thread = Thread.get_by_id(event.thread_id)
        opening = Post.get((Post.thread == thread.id) & (Post.number == 1))
        assert thread.title == event.title and thread.category_id == practice.id
        assert f"(/events/{event_id})" in opening.body_md and "Bring **one** idea" in opening.body_md
        # Times are stored in UTC: 18:30 in London is 17:30 or 18:30 UTC by the season.
        assert event.starts_at.minute == 30 and event.timezone == "Europe/London"
    # The same form sent twice makes one event.
    again = author.post("/events/new", data={**form(), "category": practice.id, "submission": "abc"})
    assert _event_id(again) == event_id


def test_creating_with_htmx_redirects_in_the_browser(app, author, practice):
    response = author.post(
        "/events/new", data={**form(), "category": practice.id}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    assert re.fullmatch(r"/events/\d+", response.headers["HX-Redirect"])
    # An error comes back as the form alone, in place.
    wrong = author.post(
        "/events/new", data={**form(capacity="0"), "category": practice.id}, headers={"HX-Request": "true"}
    )
    assert wrong.status_code == 422
    assert text(wrong).lstrip().startswith("<form") and "Places is a whole number" in text(wrong)


BAD = [
    ("ends", {"ends": when(hours=-1)}, "The end must come after the start."),
    ("starts", {"starts": when(days=-1), "ends": when(days=-1, hours=1)}, "The start is in the past"),
    ("starts", {"starts": "next Tuesday-ish"}, "Write the time it starts as a date and time"),
    ("ends", {"ends": "2030-13-45T25:99"}, "Write the time it ends as a date and time"),
    ("capacity", {"capacity": "0"}, "Places is a whole number from 1 to 10,000"),
    ("capacity", {"capacity": "1000000"}, "Places is a whole number from 1 to 10,000"),
    ("capacity", {"capacity": "ten"}, "Places is a whole number from 1 to 10,000"),
    ("capacity", {"capacity": "-3"}, "Places is a whole number from 1 to 10,000"),
    ("timezone", {"timezone": "Mars/Olympus"}, "Choose a time zone by its name"),
    ("starts", {"starts": "2031-03-30T01:30", "ends": "2031-03-30T03:00"}, "does not exist in Europe/London"),
    ("venue", {"venue": "", "online_url": ""}, "Say where it happens"),
    ("online_url", {"online_url": "javascript:alert(1)"}, "full web address starting with https://"),
    ("title", {"title": "Hi"}, "A title needs between 3 and 150 characters."),
    ("starts", {"starts": "2099-01-01T10:00", "ends": "2099-01-01T11:00"}, "within the next five years"),
    ("ends", {"ends": when(days=60)}, "at most 31 days"),
]


@pytest.mark.parametrize(("field", "change", "message"), BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_is_answered_beside_its_field(app, author, practice, field, change, message):
    data = {**form(**change), "category": practice.id}
    response = author.post("/events/new", data=data)
    assert response.status_code == 422, text(response)
    page = text(response)
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    assert error and message in error.group(1).replace("&#39;", "'"), page[:3000]
    # What was written is kept.
    assert "Conversation club leaders" in page or field == "title"
    assert "Bring **one** idea that worked." in page
    with app.app_context():
        assert Event.select().count() == 0


def test_a_member_cannot_create_where_they_may_not_start_threads(app, cast, practice):
    with app.app_context():
        news = Category.create(name="News", slug="news", post_access="staff")
    member = signed_in(app, cast("member").member)
    page = text(member.get("/events/new"))
    assert "News</option>" not in page
    response = member.post("/events/new", data={**form(), "category": news.id})
    assert response.status_code == 422
    assert "Choose a category or group where you may start threads." in text(response)
    visitor = app.test_client()
    assert visitor.get("/events/new").status_code == 302


# -- going, not going, the waiting list ----------------------------------------------------------


@pytest.fixture
def club(app, cast, practice):
    """An event with 1 place, by the author; the member and another member answer it."""
    cast("author", "member", "other", "staff")
    return make_event(app, cast.author, practice, capacity="1")


def test_going_then_full_then_the_waiting_list_moves_up(app, cast, club, outbox):
    member, other = signed_in(app, cast.member), signed_in(app, cast.other)
    page = text(member.get(f"/events/{club.id}"))
    assert ">Going</button>" in page and "the link is shown to those going" in page
    assert "https://meet.example.org/club" not in page
    response = member.post(f"/events/{club.id}/going", data={"show_name": "y"})
    assert response.status_code == 302
    page = text(member.get(f"/events/{club.id}"))
    assert 'tabindex="-1">You\'re going.</p>' in page and "https://meet.example.org/club" in page
    assert "1 going · 0 of 1 places left" in page

    # Full: the other member joins the waiting list.
    assert ">Join the waiting list</button>" in text(other.get(f"/events/{club.id}"))
    other.post(f"/events/{club.id}/going", data={})
    page = text(other.get(f"/events/{club.id}"))
    assert "on the waiting list" in page and "https://meet.example.org/club" not in page
    assert "1 on the waiting list" in page

    # Going twice is refused, with a clear answer.
    twice = member.post(f"/events/{club.id}/going", data={"show_name": "y"})
    assert twice.status_code == 409 and "already going" in text(twice)
    again = other.post(f"/events/{club.id}/going", data={})
    assert again.status_code == 409 and "already on the waiting list" in text(again)

    # The member gives up the place: the other member is moved up and emailed, with the .ics.
    before = len(outbox())
    member.post(f"/events/{club.id}/not-going")
    with app.app_context():
        rows = {a.member_id: a.status for a in Attendance.select()}
        event = Event.get_by_id(club.id)
    assert rows == {cast.member.id: "declined", cast.other.id: "going"}
    assert (event.going_count, event.waiting_count) == (1, 0)
    sent = outbox()[before:]
    assert [m.to_address for m in sent] == [cast.other.email]
    assert "A place is yours" in sent[0].subject
    assert "https://meet.example.org/club" in sent[0].body_text
    ((name, content_type, ics),) = sent[0].attached
    assert (name, content_type) == (f"event-{club.id}.ics", "text/calendar")
    _, (item,) = calendar(ics.encode())
    assert str(item["uid"]) == club.uid and "https://meet.example.org/club" in str(item["location"])


def test_answering_with_htmx_swaps_the_answer_in_place(app, cast, club):
    member = signed_in(app, cast.member)
    response = member.post(
        f"/events/{club.id}/going", data={"show_name": "y"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = text(response)
    assert body.startswith('<section id="answer"') and "You're going.</p>" in body
    trigger = json.loads(response.headers["HX-Trigger"])["forum:announce"]
    assert trigger["message"].startswith("You're going") and trigger["focus"] == "#answer-status"
    response = member.post(f"/events/{club.id}/not-going", headers={"HX-Request": "true"})
    assert "your place is free" in json.loads(response.headers["HX-Trigger"])["forum:announce"]["message"]


def test_names_shown_only_as_chosen_and_the_organiser_sees_everyone(app, cast, practice):
    event = make_event(app, cast("author", "member", "other", "trusted").author, practice)
    signed_in(app, cast.member).post(f"/events/{event.id}/going", data={"show_name": "y"})
    # Left unchecked: a browser sends the form without it (and with its CSRF token).
    signed_in(app, cast.other).post(f"/events/{event.id}/going", data={"csrf_token": ""})
    page = text(signed_in(app, cast.trusted).get(f"/events/{event.id}"))
    assert "2 going" in page and "Among them: Mo Member</p>" in page and "Oli Other" not in page
    assert "Who is coming" not in page
    visitor = text(app.test_client().get(f"/events/{event.id}"))
    assert "2 going" in visitor and "Mo Member" not in visitor and "Sign in</a> to say you" in visitor
    organiser = text(signed_in(app, cast.author).get(f"/events/{event.id}"))
    assert (
        "Who is coming" in organiser
        and 'Oli Other <span class="meta">(name not shown to others)' in organiser
    )


def test_the_organiser_emails_those_going(app, cast, club, outbox):
    signed_in(app, cast.member).post(f"/events/{club.id}/going", data={"show_name": "y"})
    organiser = signed_in(app, cast.author)
    empty = organiser.post(f"/events/{club.id}/email", data={"message": ""})
    assert empty.status_code == 422 and "Write a message before sending it." in text(empty)
    before = len(outbox())
    response = organiser.post(f"/events/{club.id}/email", data={"message": "Bring a pen."})
    assert response.status_code == 302
    sent = outbox()[before:]
    assert [m.to_address for m in sent] == [cast.member.email] and "Bring a pen." in sent[0].body_text
    assert (
        signed_in(app, cast.other).post(f"/events/{club.id}/email", data={"message": "x"}).status_code == 403
    )


# -- changing and cancelling ---------------------------------------------------------------------


def test_the_organiser_changes_it_and_those_going_hear_what_changed(app, cast, club, outbox):
    signed_in(app, cast.member).post(f"/events/{club.id}/going", data={"show_name": "y"})
    signed_in(app, cast.other).post(f"/events/{club.id}/going", data={})  # waiting
    organiser = signed_in(app, cast.author)
    page = text(organiser.get(f"/events/{club.id}/edit"))
    assert 'value="Community Hall' not in page and "Community Hall\n1 High Street" in page
    assert f'name="sequence" type="hidden" value="{club.sequence}"' in page
    before = len(outbox())
    changed = form(
        title="Club leaders' meetup", starts=when(days=8), ends=when(days=8, hours=2), capacity="2"
    )
    response = organiser.post(f"/events/{club.id}/edit", data={**changed, "sequence": "0"})
    assert response.status_code == 302, text(response)
    with app.app_context():
        event = Event.get_by_id(club.id)
        assert (event.title, event.capacity, event.sequence) == ("Club leaders' meetup", 2, 1)
        assert Thread.get_by_id(event.thread_id).title == "Club leaders' meetup"
        statuses = sorted(a.status for a in Attendance.select())
    # Two places now: the one waiting is moved up too.
    assert statuses == ["going", "going"]
    sent = outbox()[before:]
    changes = next(m for m in sent if m.kind == "event-changed")
    assert changes.to_address == cast.member.email
    assert "Title: now “Club leaders' meetup”" in changes.body_text
    assert "Starts: now" in changes.body_text and "Places: now 2 (was 1)" in changes.body_text
    _, (item,) = calendar(changes.attached[0][2].encode())
    assert int(item["sequence"]) == 1 and str(item["uid"]) == club.uid
    assert any(m.kind == "event-place" and m.to_address == cast.other.email for m in sent)

    # A change made from the version before is refused, and the latest is shown.
    stale = organiser.post(f"/events/{club.id}/edit", data={**changed, "title": "Stale", "sequence": "0"})
    assert stale.status_code == 409 and "changed by someone else" in text(stale)
    # Fewer places than people going is refused.
    fewer = organiser.post(f"/events/{club.id}/edit", data={**changed, "capacity": "1", "sequence": "1"})
    assert fewer.status_code == 422 and "2 people are going already" in text(fewer)
    # Others may not change it; staff may.
    assert signed_in(app, cast.other).get(f"/events/{club.id}/edit").status_code == 403
    staff = signed_in(app, cast.staff)
    response = staff.post(f"/events/{club.id}/edit", data={**changed, "venue": "Library", "sequence": "1"})
    assert response.status_code == 302


def test_cancelling_tells_those_coming_and_closes_answers(app, cast, club, outbox):
    signed_in(app, cast.member).post(f"/events/{club.id}/going", data={"show_name": "y"})
    assert signed_in(app, cast.other).get(f"/events/{club.id}/cancel").status_code == 403
    organiser = signed_in(app, cast.author)
    assert "Cancel “" in text(organiser.get(f"/events/{club.id}/cancel"))
    before = len(outbox())
    response = organiser.post(f"/events/{club.id}/cancel", data={"note": "The hall flooded."})
    assert response.status_code == 302
    sent = outbox()[before:]
    assert [m.kind for m in sent] == ["event-cancelled"] and "The hall flooded." in sent[0].body_text
    _, (item,) = calendar(sent[0].attached[0][2].encode())
    assert str(item["status"]) == "CANCELLED" and int(item["sequence"]) == 1
    page = text(organiser.get(f"/events/{club.id}"))
    assert "<strong>Cancelled.</strong> The hall flooded." in page and ">Going</button>" not in page
    late = signed_in(app, cast.other).post(f"/events/{club.id}/going", data={})
    assert late.status_code == 409 and "cancelled" in text(late)
    assert organiser.post(f"/events/{club.id}/cancel", data={}).status_code == 409
    assert organiser.get(f"/events/{club.id}/edit").status_code == 409


# -- the .ics ------------------------------------------------------------------------------------


def test_the_ics_parses_back_with_a_stable_uid_and_the_link_only_for_those_going(app, cast, club):
    member = signed_in(app, cast.member)
    response = member.get(f"/events/{club.id}.ics")
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == f'attachment; filename="event-{club.id}.ics"'
    parsed, (item,) = calendar(response.data)
    assert str(parsed["method"]) == "PUBLISH" and str(parsed["version"]) == "2.0"
    assert str(item["summary"]) == "Conversation club leaders' meetup"
    assert str(item["uid"]) == club.uid and int(item["sequence"]) == 0
    start = item.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/London" and start.strftime("%H:%M") == "18:30"
    assert item.decoded("dtend") - start == __import__("datetime").timedelta(hours=2)
    assert "meet.example.org" not in response.get_data(as_text=True)
    assert any(c.name == "VTIMEZONE" for c in parsed.walk())
    member.post(f"/events/{club.id}/going", data={"show_name": "y"})
    _, (item,) = calendar(member.get(f"/events/{club.id}.ics").data)
    assert "https://meet.example.org/club" in str(item["description"])
    assert str(item["uid"]) == club.uid


# -- lists ---------------------------------------------------------------------------------------


def test_the_events_page_upcoming_and_past(app, cast, practice):
    cast("author")
    soon = make_event(
        app, cast.author, practice, title="Soon", starts=when(days=1), ends=when(days=1, hours=1)
    )
    later = make_event(
        app, cast.author, practice, title="Later", starts=when(days=9), ends=when(days=9, hours=1)
    )
    with app.app_context():
        gone = make_event(app, cast.author, practice, title="Gone by")
        from datetime import timedelta

        from forum.models import utcnow

        Event.update(
            starts_at=utcnow() - timedelta(days=3), ends_at=utcnow() - timedelta(days=3, hours=-1)
        ).where(Event.id == gone.id).execute()
    client = app.test_client()
    page = text(client.get("/events"))
    assert page.index(">Soon</a>") < page.index(">Later</a>") and "Gone by" not in page
    assert ">Events</a></li>" in page and "New event" not in page  # a visitor may not create
    past = text(client.get("/events?when=past"))
    assert "Gone by" in past and ">Soon</a>" not in past
    category = text(client.get("/c/practice/events"))
    assert ">Soon</a>" in category and "Events in Practice" in category
    home = text(client.get("/"))
    assert "Coming up" in home and home.index(">Soon</a>") < home.index(">Later</a>")
    assert soon.id != later.id
    assert client.get("/events?after=nonsense").status_code == 422


def test_a_members_home_page_shows_an_event_added_and_drops_it_cancelled(app, cast, practice):
    """The home page's main part is kept whole (kept_lists.home_main): its next events are part of
    its key, so a new event and a cancelled one show at once."""
    cast("author", "member")
    member = signed_in(app, cast.member)
    assert "Coming up" not in text(member.get("/"))
    soon = make_event(
        app, cast.author, practice, title="Soon", starts=when(days=1), ends=when(days=1, hours=1)
    )
    assert f'id="event-{soon.id}"' in text(member.get("/"))
    with app.app_context():
        from forum.services import events

        events.cancel_event(cast.author, Event.with_thread(soon.id), "Rain")
    assert f'id="event-{soon.id}"' not in text(member.get("/"))


def test_pages_of_events_cost_the_same_whatever_their_length(app, cast, practice, count_queries):
    cast("author", "member")
    member = signed_in(app, cast.member)

    def queries(path):
        member.get(path)  # warm: the prepared statements and kept links
        with count_queries() as statements:
            assert member.get(path).status_code == 200
        return len(statements)

    make_event(app, cast.author, practice, title="One")
    few = {path: queries(path) for path in ("/events", "/c/practice/events", "/", "/events?when=past")}
    for n in range(12):
        event = make_event(
            app,
            cast.author,
            practice,
            title=f"Event {n}",
            starts=when(days=n + 1),
            ends=when(days=n + 1, hours=1),
        )
        member.post(f"/events/{event.id}/going", data={"show_name": "y"})
    many = {path: queries(path) for path in few}
    assert many == few
    print("queries per list page:", many)


def test_pages_of_events_go_on_by_keyset(app, cast, practice):
    cast("author")
    for n in range(33):
        make_event(
            app,
            cast.author,
            practice,
            title=f"Meeting {n:02d}",
            starts=when(days=n + 1),
            ends=when(days=n + 1, hours=1),
        )
    client = app.test_client()
    first = text(client.get("/events"))
    assert "Meeting 29" in first and "Meeting 30" not in first
    next_url = re.search(r'<a href="([^"]+)">More events</a>', first).group(1).replace("&amp;", "&")
    second = text(client.get(next_url))
    assert "Meeting 30" in second and "Meeting 32" in second and "Meeting 29" not in second


def test_the_feed_of_new_events_holds_public_ones_only(app, cast, practice):
    import xml.etree.ElementTree as ET

    with app.app_context():
        lounge = Category.create(name="Lounge", slug="lounge", read_access="members")
    make_event(app, cast("author").author, practice, title="Open day")
    make_event(app, cast.author, lounge, title="Members' social")
    response = app.test_client().get("/events/feed.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Open day" in titles and "Members' social" not in titles


def test_search_finds_an_event_by_its_description(app, cast, practice):
    make_event(app, cast("author", "member").author, practice, description="We practise zygomorphic flowers.")
    page = text(signed_in(app, cast.member).get("/search?q=zygomorphic"))
    assert "Conversation club leaders" in page


# -- the private calendar address ----------------------------------------------------------------


def test_the_calendar_address_lists_what_i_go_to_and_can_be_revoked(app, cast, club):
    member = signed_in(app, cast.member)
    assert "You have no calendar address." in text(member.get("/settings/calendar"))
    member.post("/settings/calendar/token")
    page = text(member.get("/settings/calendar"))
    address = re.search(r"<code>(http://[^<]+)</code>", page).group(1)
    path = address.replace("http://localhost", "")
    feed = app.test_client().get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert calendar(feed.data)[1] == []
    member.post(f"/events/{club.id}/going", data={"show_name": "y"})
    _, items = calendar(app.test_client().get(path).data)
    assert [str(i["uid"]) for i in items] == [club.uid]
    member.post("/settings/calendar/token")  # a new address: the old one stops working
    assert app.test_client().get(path).status_code == 404
    member.post("/settings/calendar/revoke")
    assert "You have no calendar address." in text(member.get("/settings/calendar"))
    with app.app_context():
        assert OutboxMessage.select().count() == 0


def test_my_data_holds_my_events_and_answers(app, cast, club):
    member = signed_in(app, cast.member)
    member.post(f"/events/{club.id}/going", data={"show_name": "y"})
    mine = member.get("/my/data.json").get_json()["events"]
    assert mine["organised"] == []
    assert [(a["event"], a["answer"], a["name_shown"]) for a in mine["answers"]] == [
        ("Conversation club leaders' meetup", "going", True)
    ]
    theirs = signed_in(app, cast.author).get("/my/data.json").get_json()["events"]
    assert [(e["title"], e["places"], e["time_zone"]) for e in theirs["organised"]] == [
        ("Conversation club leaders' meetup", 1, "Europe/London")
    ]


def test_the_events_own_zone_is_named_when_it_is_not_the_readers(app, cast, practice):
    cast("author", "member")
    here = make_event(app, cast.author, practice, title="In London")
    there = make_event(app, cast.author, practice, title="In Toronto", timezone="America/Toronto")
    member = signed_in(app, cast.member)
    assert "In the event's time zone" not in text(member.get(f"/events/{here.id}"))
    page = text(member.get(f"/events/{there.id}"))
    assert "In the event's time zone (America/Toronto):" in page and ", 18:30 E" in page
    # The form starts from the organiser's own zone, else the site's.
    assert re.search(r'<input[^>]*name="timezone"[^>]*value="Europe/London"', text(member.get("/events/new")))
