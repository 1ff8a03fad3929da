"""The database decides who gets a place: members answering Going at the same moment, from threads
with connections of their own, on SQLite and PostgreSQL alike (FORUM_TEST_DATABASE_URL). No place is
given twice, no count drifts from the rows, and two places freed at once move up two people."""

import threading

import pytest
from events_support import make_event

from forum.errors import Conflict
from forum.models import Category, Member, OutboxMessage
from forum.models.events import Attendance, Event
from forum.services import event_places

RACERS = 6


@pytest.fixture
def app(make_app):
    # Racing writers wait for each other's locks; the tests' usual 200 ms is too short for six.
    return make_app(DATABASE_BUSY_TIMEOUT_MS=10_000)


@pytest.fixture
def people(app, make_member):
    organiser = make_member("organiser@example.org", name="Olu Organiser")
    racers = [make_member(f"racer{n}@example.org", name=f"Racer {n}") for n in range(RACERS)]
    with app.app_context():
        Category.create(name="Practice", slug="practice")
    return organiser, racers


def race(app, jobs):
    """Run each job in its own thread with its own app context (and so its own connection), all
    released at once; returns what each returned or raised."""
    start = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        with app.app_context():
            start.wait()
            try:
                results[i] = job()
            except Exception as exc:  # what a request would have answered with
                results[i] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


def _state(app, event_id):
    with app.app_context():
        event = Event.get_by_id(event_id)
        rows = {a.member_id: a.status for a in Attendance.select().where(Attendance.event == event_id)}
    return event, rows


def test_members_racing_for_the_last_places_never_double_book(app, people):
    organiser, racers = people
    event = make_event(app, organiser, capacity="2")
    with app.app_context():
        loaded = [Member.get_by_id(r.id) for r in racers]
    results = race(app, [lambda m=m: event_places.attend(m, event).status for m in loaded])
    assert sorted(results) == ["going"] * 2 + ["waiting"] * (RACERS - 2), results
    saved, rows = _state(app, event.id)
    assert list(rows.values()).count("going") == saved.going_count == 2
    assert list(rows.values()).count("waiting") == saved.waiting_count == RACERS - 2


def test_the_same_member_answering_twice_at_once_counts_once(app, people):
    organiser, racers = people
    event = make_event(app, organiser, capacity="5")
    with app.app_context():
        member = Member.get_by_id(racers[0].id)
    results = race(app, [lambda: event_places.attend(member, event).status] * 2)
    assert results.count("going") == 1
    assert [type(r) for r in results if r != "going"] == [Conflict]
    saved, rows = _state(app, event.id)
    assert saved.going_count == 1 and rows == {member.id: "going"}


def test_two_places_freed_at_once_move_up_two_people(app, people):
    organiser, racers = people
    event = make_event(app, organiser, capacity="2")
    with app.app_context():
        loaded = [Member.get_by_id(r.id) for r in racers]
        for member in loaded[:4]:  # two going, then two waiting, in this order
            event_places.attend(member, event)
        before = OutboxMessage.select().count()
    results = race(app, [lambda m=m: event_places.decline(m, event) for m in loaded[:2]])
    assert all(r.before == "going" for r in results), results
    moved = sorted(m for r in results for m in r.moved_up)
    assert moved == sorted([loaded[2].id, loaded[3].id])
    saved, rows = _state(app, event.id)
    assert (saved.going_count, saved.waiting_count) == (2, 0)
    assert rows == {
        loaded[0].id: "declined",
        loaded[1].id: "declined",
        loaded[2].id: "going",
        loaded[3].id: "going",
    }
    with app.app_context():
        told = [m.to_address for m in OutboxMessage.select().where(OutboxMessage.id > before)]
    assert sorted(told) == sorted([loaded[2].email, loaded[3].email])


def test_going_and_giving_up_at_once_keeps_the_count_true(app, people):
    """A place given up while others ask for it: whoever gets it, the count matches the rows."""
    organiser, racers = people
    event = make_event(app, organiser, capacity="1")
    with app.app_context():
        loaded = [Member.get_by_id(r.id) for r in racers]
        event_places.attend(loaded[0], event)
    jobs = [lambda: event_places.decline(loaded[0], event)]
    jobs += [lambda m=m: event_places.attend(m, event) for m in loaded[1:]]
    race(app, jobs)
    saved, rows = _state(app, event.id)
    assert list(rows.values()).count("going") == saved.going_count == 1
    assert list(rows.values()).count("waiting") == saved.waiting_count == RACERS - 2
