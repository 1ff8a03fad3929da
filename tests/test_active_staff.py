"""Active staff is one query, Member.active_staff: who staff alerts, the queue's daily summary and
the support inbox's assignees go to."""

from forum.models import Member


def test_active_staff_are_the_verified_active_staff_and_admins(app, cast, make_member):
    cast("member", "staff", "admin")
    make_member("suspended.staff@example.org", role="staff", status="suspended")
    make_member("unverified.staff@example.org", role="staff", verified=False)
    make_member("former.admin@example.org", role="admin", status="deleted")
    with app.app_context():
        assert {m.email for m in Member.active_staff()} == {cast.staff.email, cast.admin.email}
        assert [m.email for m in Member.active_staff(admins_only=True)] == [cast.admin.email]
