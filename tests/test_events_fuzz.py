"""Every events form, filled with random Unicode, control characters, huge values and hostile
strings (the same values as test_fuzz_forms.py): never a 500. The forms are read from the pages."""

import pytest
from events_support import make_event
from helpers import signed_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_forms import SKIP, VALUES, forms_on

from forum.models import Category


@pytest.fixture
def world(app, cast):
    cast("author", "member")
    with app.app_context():
        practice = Category.create(name="Practice", slug="practice")
    event = make_event(app, cast.author, practice, capacity="1")
    signed_in(app, cast.member).post(f"/events/{event.id}/going", data={"show_name": "y"})
    return {"event": event.id}


PAGES = {
    "author": [
        "/events/new",
        "/events/{event}",
        "/events/{event}/edit",
        "/events/{event}/cancel",
        "/settings/calendar",
    ],
    "member": ["/events", "/events/{event}", "/c/practice/events", "/events/new?in=practice"],
}


@pytest.mark.parametrize("who", list(PAGES))
def test_no_events_form_answers_500_whatever_is_sent(app, cast, world, who):
    client = signed_in(app, cast[who])
    targets = {}
    for page in PAGES[who]:
        response = client.get(page.format(**world))
        assert response.status_code == 200, page
        for method, action, names in forms_on(response.get_data(as_text=True)):
            action = action or page.format(**world)
            if names and not SKIP.search(action):
                targets[(method, action)] = names
    assert targets, "no forms found: the walk is broken"

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.data())
    def send(data):
        for (method, action), names in targets.items():
            values = {name: data.draw(VALUES, label=f"{action} {name}") for name in names}
            if method == "GET":
                response = client.get(action, query_string=values)
            else:
                response = client.post(action, data=values)
            assert response.status_code < 500, f"{method} {action} {values!r:.300}"
        for query in (
            {"after": data.draw(VALUES)},
            {"group": data.draw(VALUES)},
            {"when": data.draw(VALUES)},
        ):
            assert client.get("/events", query_string=query).status_code < 500, query

    send()
