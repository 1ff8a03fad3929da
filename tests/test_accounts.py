"""Joining, verifying, approval, signing in and out, reset, Charter versions and account settings."""

import re
from datetime import timedelta

import pytest
from helpers import PASSWORD, link_in

from forum.models import Acceptance, AccountToken, Member, Organisation, utcnow
from forum.services import documents

JOIN = {
    "name": "Amina Yusuf",
    "email": "  Amina@Example.ORG ",
    "password": "kettle meadow juniper 7",
    "organisation": "Bridges Trust",
    "job_title": "Community organiser",
    "region": "North West",
    "application_note": "I run conversation clubs.",
    "accept_charter": "y",
    "accept_code_of_conduct": "y",
    "accept_terms": "y",
    "versions": "charter:1,code-of-conduct:1,terms:1",
}


def count(app, model):
    with app.app_context():
        return model.select().count()


def join(client, **changes):
    return client.post("/join", data={**JOIN, **changes})


# -- joining -----------------------------------------------------------------------------------


def test_join_creates_an_applicant_with_acceptances_and_a_verification_email(app, client, outbox):
    response = join(client)
    assert response.status_code == 302 and response.headers["Location"] == "/application"
    with app.app_context():
        member = Member.get(Member.email == "amina@example.org")
        assert member.status == "applicant" and not member.is_verified
        assert member.organisation.name == "Bridges Trust"
        accepted = {(a.document, a.version) for a in Acceptance.select().where(Acceptance.member == member)}
        assert accepted == {("charter", 1), ("code-of-conduct", 1), ("terms", 1)}
        assert member.password_hash != JOIN["password"] and member.password_hash.startswith(
            app.config["PASSWORD_HASH_METHOD"].split(":")[0]
        )
    [message] = outbox()
    assert message.to_address == "amina@example.org" and message.kind == "verify-email"
    assert link_in(message.body_text).startswith("/verify/")
    page = client.get("/application").get_data(as_text=True)
    assert "confirm your email" in page.lower()


def test_join_reuses_an_organisation_whatever_its_case(app, client):
    join(client)
    client.post("/sign-out")
    join(client, email="second@example.org", organisation="  bridges   TRUST ")
    assert count(app, Organisation) == 1


@pytest.mark.parametrize(
    "missing, message",
    [
        ("accept_charter", "Please accept the Members&#39; Charter to join."),
        ("accept_code_of_conduct", "Please accept the Code of Conduct to join."),
        ("accept_terms", "Please accept the Website Terms and Conditions to join."),
    ],
)
def test_join_without_each_acceptance_creates_nothing_and_says_which(app, client, missing, message):
    data = {k: v for k, v in JOIN.items() if k != missing}
    response = client.post("/join", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'value="Amina Yusuf"' in html and "I run conversation clubs." in html  # nothing lost
    assert count(app, Member) == 0 and count(app, Organisation) == 0


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"email": "not-an-email"}, "email", "Enter an email address like name@example.org."),
        ({"name": "x" * 81}, "name", "Use at most 80 characters for your name."),
        ({"password": "short"}, "password", "Use at least 10 characters"),
        ({"password": "password123456"}, "password", "Try a few unrelated words together."),
        ({"password": "Yusuf Amina 2024"}, "password", "built from your name or email"),
    ],
)
def test_join_refuses_bad_input_beside_its_field(app, client, changes, field, message):
    response = join(client, **changes)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert (
        f'aria-describedby="{field}-hint {field}-error"' in html
        or f'aria-describedby="{field}-error"' in html
    )
    assert count(app, Member) == 0


def test_duplicate_email_is_refused_case_insensitively_and_trimmed(app, client, make_member, outbox):
    make_member("amina@example.org")
    response = join(client, email=" AMINA@example.org")
    assert response.status_code == 422
    assert "An account with this email already exists." in response.get_data(as_text=True)
    assert count(app, Member) == 1 and outbox() == []


def test_join_with_a_stale_charter_version_asks_to_read_the_new_one(app, client):
    with app.app_context():
        documents.publish("charter", "New text.")
    response = join(client)  # the form was shown with version 1
    assert response.status_code == 422
    assert "Please accept the current Charter" in response.get_data(as_text=True)
    assert count(app, Member) == 0


# -- verification and approval -----------------------------------------------------------------


def _verification_path(outbox):
    return link_in([m for m in outbox() if m.kind == "verify-email"][-1].body_text)


def test_verification_link_needs_a_button_press_and_works_once(app, client, outbox):
    join(client)
    path = _verification_path(outbox)
    assert client.get(path).status_code == 200  # opening the link changes nothing
    with app.app_context():
        assert not Member.get().is_verified
    assert client.post(path).status_code == 302
    with app.app_context():
        assert Member.get().is_verified and Member.get().status == "applicant"
    again = client.post(path)
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)
    assert "is with the team" in client.get("/application").get_data(as_text=True)


def test_expired_and_forged_links_are_refused(app, client, outbox):
    join(client)
    path = _verification_path(outbox)
    with app.app_context():
        AccountToken.update(expires_at=utcnow() - timedelta(seconds=1)).execute()
    assert "has expired" in client.get(path).get_data(as_text=True)
    forged = client.post("/verify/not-a-real-token")
    assert forged.status_code == 400 and "not valid" in forged.get_data(as_text=True)


def test_open_membership_makes_a_verified_applicant_a_member(make_app, outbox):
    app = make_app(MEMBERSHIP="open")
    client = app.test_client()
    join(client)
    with app.app_context():
        from forum.models import OutboxMessage

        path = link_in(OutboxMessage.get().body_text)
    client.post(path)
    with app.app_context():
        assert Member.get().status == "active"


def test_unverified_applicant_cannot_reach_member_pages(client, auth, cast):
    auth.sign_in(cast("unverified").unverified)
    response = client.get("/account")
    assert response.status_code == 200  # their own account settings are theirs
    refused = client.get("/moderation/applications")
    assert refused.status_code == 302 and refused.headers["Location"] == "/application"


def _verified_applicant(client, outbox):
    join(client)
    client.post(_verification_path(outbox))
    client.post("/sign-out")


def test_staff_approve_an_application_and_the_applicant_is_emailed(app, client, auth, cast, outbox):
    _verified_applicant(client, outbox)
    cast("staff")
    auth.sign_in("staff@example.org")
    page = client.get("/moderation/applications").get_data(as_text=True)
    assert "Amina Yusuf" in page and "I run conversation clubs." in page and "Bridges Trust" in page
    with app.app_context():
        applicant = Member.get(Member.email == "amina@example.org")
    response = client.post(f"/moderation/applications/{applicant.id}/approve")
    assert response.status_code == 302
    with app.app_context():
        assert Member.get_by_id(applicant.id).status == "active"
    assert outbox()[-1].kind == "application-approved" and outbox()[-1].to_address == "amina@example.org"
    assert client.post(f"/moderation/applications/{applicant.id}/approve").status_code == 409


def test_staff_decline_in_place_with_htmx_and_a_reason(app, client, auth, cast, outbox):
    _verified_applicant(client, outbox)
    cast("staff")
    auth.sign_in("staff@example.org")
    with app.app_context():
        applicant = Member.get(Member.email == "amina@example.org")
    url = f"/moderation/applications/{applicant.id}/decline"
    htmx = {"HX-Request": "true"}
    empty = client.post(url, data={"reason": " "}, headers=htmx)
    assert empty.status_code == 422 and "Please give the applicant a reason." in empty.get_data(as_text=True)
    response = client.post(url, data={"reason": "Not doing integration work."}, headers=htmx)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<li class="application card" id="application-{applicant.id}">')
    assert "declined" in html and "<html" not in html
    assert "forum:announce" in response.headers["HX-Trigger"]
    last = outbox()[-1]
    assert last.kind == "application-declined" and "Not doing integration work." in last.body_text
    assert auth.sign_out().status_code == 302
    refused = auth.sign_in("amina@example.org", JOIN["password"])
    assert refused.status_code == 422  # a declined account cannot sign in


# -- signing in --------------------------------------------------------------------------------


def test_sign_in_and_out(client, auth, cast):
    cast("member")
    response = auth.sign_in("MEMBER@example.org ")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Sign out" in client.get("/").get_data(as_text=True)
    assert client.get("/sign-out").status_code == 200  # a page asking to confirm; no change on GET
    assert "Sign out" in client.get("/").get_data(as_text=True)
    auth.sign_out()
    assert "Sign in" in client.get("/").get_data(as_text=True)


def page(response):
    """A page's HTML without its CSRF tokens: they carry a timestamp, so two pages a second apart
    differ there and only there."""
    return re.sub(r'(csrf_token" value="|"X-CSRFToken": ")[^"]+', r"\1", response.get_data(as_text=True))


def test_wrong_password_and_unknown_email_get_the_same_answer(client, auth, cast):
    cast("member")
    wrong = auth.sign_in("member@example.org", "not the password")
    unknown = auth.sign_in("nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 422

    assert page(wrong) == page(unknown).replace("nobody@example.org", "member@example.org")


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/account", "/account"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_goes_to_a_path_on_this_site(client, cast, target, expected):
    cast("member")
    response = client.post(
        "/sign-in", query_string={"next": target}, data={"email": "member@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == expected


def test_session_is_renewed_at_sign_in(client, auth, cast):
    cast("member")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.sign_in("member@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session and "_user_id" in session


def test_remember_me_sets_a_lasting_cookie(client, auth, cast):
    cast("member")
    response = auth.sign_in("member@example.org", remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=") and "HttpOnly" in c for c in cookies)


def test_sessions_survive_a_restart(app, auth, client, cast):
    from forum import create_app

    cast("member")
    auth.sign_in("member@example.org")
    cookie = client.get_cookie("session").value
    # A new process: the same instance folder and database, so the same generated secret key.
    config = {k: v for k, v in app.config.items() if k in ("TESTING", "DATABASE_URL", "WTF_CSRF_ENABLED")}
    restarted = create_app({**config, "INSTANCE_PATH": app.instance_path, "SECRET_KEY": None})
    assert restarted.config["SECRET_KEY"] != "test"  # generated into the instance folder
    first = restarted.test_client()
    first.set_cookie("session", cookie)
    assert "Sign out" not in first.get("/").get_data(as_text=True)  # signed with the old key
    first.post("/sign-in", data={"email": "member@example.org", "password": PASSWORD})
    cookie = first.get_cookie("session").value
    again = create_app({**config, "INSTANCE_PATH": app.instance_path, "SECRET_KEY": None}).test_client()
    again.set_cookie("session", cookie)
    assert "Sign out" in again.get("/").get_data(as_text=True)


def test_sign_in_flood_is_limited_per_account(client, cast):
    cast("member")
    statuses = [
        client.post("/sign-in", data={"email": "member@example.org", "password": f"guess {i}"}).status_code
        for i in range(8)
    ]
    assert statuses[:6] == [422] * 6 and statuses[6] == 429
    limited = client.post("/sign-in", data={"email": "member@example.org", "password": PASSWORD})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert "Please try again in" in limited.get_data(as_text=True)


def test_sign_in_flood_is_limited_per_address(client):
    statuses = [
        client.post("/sign-in", data={"email": f"x{i}@example.org", "password": "guess"}).status_code
        for i in range(21)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:20]


# -- password reset ----------------------------------------------------------------------------


def test_reset_answers_the_same_for_known_and_unknown_email(client, cast, outbox):
    cast("member")
    known = page(client.post("/reset", data={"email": "member@example.org"}))
    unknown = page(client.post("/reset", data={"email": "nobody@example.org"}))
    assert known.replace("member@example.org", "X") == unknown.replace("nobody@example.org", "X")
    assert [m.to_address for m in outbox()] == ["member@example.org"]


def test_reset_sets_a_new_password_once_and_ends_other_sessions(app, client, auth, cast, outbox):
    cast("member")
    elsewhere = app.test_client()
    elsewhere.post("/sign-in", data={"email": "member@example.org", "password": PASSWORD})
    assert "Sign out" in elsewhere.get("/").get_data(as_text=True)

    client.post("/reset", data={"email": "member@example.org"})
    path = link_in(outbox()[-1].body_text)
    weak = client.post(path, data={"password": "password"})
    assert weak.status_code == 422 and 'id="password-error"' in weak.get_data(as_text=True)
    assert client.post(path, data={"password": "harbour violet compass 9"}).status_code == 302
    assert client.post(path, data={"password": "another good passphrase 1"}).status_code == 400

    assert "Sign in" in elsewhere.get("/").get_data(as_text=True)  # signed out everywhere
    assert auth.sign_in("member@example.org").status_code == 422
    assert auth.sign_in("member@example.org", "harbour violet compass 9").status_code == 302


def test_reset_link_expires_after_an_hour(app, client, cast, outbox):
    cast("member")
    client.post("/reset", data={"email": "member@example.org"})
    with app.app_context():
        token = AccountToken.get(AccountToken.purpose == "reset-password")
        assert timedelta(minutes=59) < token.expires_at - token.created_at <= timedelta(hours=1)
        token.expires_at = utcnow() - timedelta(seconds=1)
        token.save()
    response = client.get(link_in(outbox()[-1].body_text))
    assert response.status_code == 400 and "has expired" in response.get_data(as_text=True)


# -- Charter versions --------------------------------------------------------------------------


def test_a_new_charter_version_must_be_accepted_before_anything_else(app, client, auth, cast):
    member = cast("member").member
    auth.sign_in("member@example.org")
    with app.app_context():
        documents.publish("charter", "## Revised\n\nListen first.", "Adds a clause on listening.")
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"] == "/accept?next=/account"
    page = client.get("/accept?next=/account").get_data(as_text=True)
    assert "Adds a clause on listening." in page and "version 2" in page
    # The Charter itself stays readable meanwhile.
    assert client.get("/charter").status_code == 200
    htmx = client.get("/account", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].startswith("/accept")

    unticked = client.post("/accept?next=/account", data={"versions": "charter:2"})
    assert unticked.status_code == 422
    done = client.post("/accept?next=/account", data={"versions": "charter:2", "accept-charter": "y"})
    assert done.status_code == 302 and done.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200
    with app.app_context():
        assert Acceptance.get(member=member.id, document="charter", version=2).accepted_at is not None


def test_admin_publishes_a_version_from_the_admin_page(app, client, auth, cast):
    cast("admin")
    auth.sign_in("admin@example.org")
    response = client.post("/admin/documents/terms", data={"body": "New terms.", "summary": "Shorter"})
    assert response.status_code == 302
    # The admin too accepts the new version before going on.
    assert client.get("/").headers["Location"].startswith("/accept")


# -- account settings --------------------------------------------------------------------------


def test_change_name(app, client, auth, cast):
    cast("member")
    auth.sign_in("member@example.org")
    assert client.post("/account/name", data={"name": "  New   Name "}).status_code == 302
    with app.app_context():
        assert Member.get().name == "New Name"
    too_long = client.post("/account/name", data={"name": "x" * 81})
    assert too_long.status_code == 422 and 'id="name-error"' in too_long.get_data(as_text=True)


def test_change_email_is_confirmed_from_the_new_address(app, client, auth, cast, outbox):
    cast("member", "other")
    auth.sign_in("member@example.org")
    wrong = client.post("/account/email", data={"email": "new@example.org", "password": "nope"})
    assert wrong.status_code == 422 and "current password is not right" in wrong.get_data(as_text=True)
    taken = client.post("/account/email", data={"email": "OTHER@example.org", "password": PASSWORD})
    assert taken.status_code == 422 and "already uses this email" in taken.get_data(as_text=True)
    assert (
        client.post("/account/email", data={"email": "new@example.org", "password": PASSWORD}).status_code
        == 302
    )
    message = outbox()[-1]
    assert message.to_address == "new@example.org"
    with app.app_context():
        assert Member.get_by_id(1).email == "member@example.org"  # not until confirmed
    client.post(link_in(message.body_text))
    with app.app_context():
        assert Member.get(Member.email == "new@example.org")


def test_change_password_ends_other_sessions_but_not_this_one(app, client, auth, cast):
    cast("member")
    auth.sign_in("member@example.org")
    elsewhere = app.test_client()
    elsewhere.post("/sign-in", data={"email": "member@example.org", "password": PASSWORD})
    wrong = client.post("/account/password", data={"current_password": "nope", "password": "x"})
    assert wrong.status_code == 422 and 'id="current_password-error"' in wrong.get_data(as_text=True)
    response = client.post(
        "/account/password", data={"current_password": PASSWORD, "password": "quiet river lantern 5"}
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302


# -- the CLI -----------------------------------------------------------------------------------


def test_cli_users_create_list_and_set_role(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Admin@Example.org",
            "--name",
            "Ada",
            "--role",
            "admin",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = Member.get()
        assert admin.email == "admin@example.org" and admin.status == "active" and admin.is_verified
        assert admin.documents_to_accept({"charter": 1, "code-of-conduct": 1, "terms": 1}) == []
    duplicate = runner.invoke(
        args=["users", "create", "admin@example.org ", "--name", "B", "--password", PASSWORD]
    )
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    bad_role = runner.invoke(
        args=["users", "create", "b@example.org", "--name", "B", "--role", "boss", "--password", PASSWORD]
    )
    assert bad_role.exit_code != 0 and "boss" in bad_role.output
    assert runner.invoke(args=["users", "set-role", "admin@example.org", "staff"]).exit_code == 0
    listing = runner.invoke(args=["users", "list"]).output
    assert "admin@example.org\tstaff\tactive\tAda" in listing


def test_cli_publishes_a_document(app, runner, tmp_path):
    source = tmp_path / "charter.md"
    source.write_text("## New\n\nText.")
    result = runner.invoke(args=["documents", "publish", "charter", str(source), "--summary", "New"])
    assert result.exit_code == 0 and "version 2" in result.output
