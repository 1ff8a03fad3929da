"""Notifications: one row per thing a member is told about, and how each member wants to be
emailed about each kind. The unread count lives on Member (`unread_notifications`), kept by the
functions in services/notifying.py, so the bell in every page header costs no query."""

from peewee import CharField, DateTimeField, ForeignKeyField

from .base import BaseModel, utcnow
from .members import Member

# kind -> what the member sees on the settings page.
KINDS = {
    "reply": "Replies in threads you watch",
    "mention": "Mentions of you",
    "quote": "Quotes of your posts",
    "contact": "Contact requests and their answers",
    "message": "Private messages",
    "event": "Events: new ones in your groups, changes to and reminders of those you go to",
    "report": "Outcomes of your reports",
    "moderation": "Staff actions on your posts",
    "charter": "Charter updates",
    "group_thread": "New threads in your groups",
    "group_request": "Answers to your requests to join groups",
    "group_reports": "Reports in the groups you lead",
}
FREQUENCIES = {
    "immediately": "Immediately",
    "daily": "Daily digest",
    "weekly": "Weekly digest",
    "never": "Never",
}
# Report outcomes and staff actions on one's post were always emailed at once before they could be
# chosen here; a member who never chose keeps hearing of them at once.
DEFAULT_FREQUENCY = {
    "reply": "daily",
    "mention": "immediately",
    "quote": "daily",
    "contact": "immediately",
    "message": "immediately",
    # What a member going to an event must hear in time: a change, a cancellation, a place freed.
    "event": "immediately",
    "report": "immediately",
    "moderation": "immediately",
    "charter": "weekly",
    # A group's new threads come with the day's other news; the answer to a request to join is
    # awaited, so it comes at once.
    "group_thread": "daily",
    "group_request": "immediately",
    # A lead hears of each report in their group's space on their notifications at once; by
    # email, in the day's digest, as staff get the queue's daily summary.
    "group_reports": "daily",
}
PER_PAGE = 30


class Notification(BaseModel):
    recipient = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    actor = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL")
    kind = CharField(max_length=20)
    # One line, already in words ("Ann replied in “Water pumps”"), and where it leads.
    text = CharField(max_length=300)
    link = CharField(max_length=300)
    created_at = DateTimeField(default=utcnow)
    read_at = DateTimeField(null=True)
    # "daily" or "weekly" while waiting for that digest; "" once emailed or never to be.
    digest = CharField(max_length=10, default="")

    class Meta:
        indexes = (
            (("recipient", "id"), False),
            (("digest", "created_at"), False),
        )

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @classmethod
    def page_for(cls, member, cursor=None, limit=PER_PAGE):
        """One page, newest first, in one query (the text already names who did what); `cursor`
        is the id of the last row shown (ids grow with time). Returns limit + 1 rows when there is
        a next page."""
        query = cls.select().where(cls.recipient == member.id)
        if cursor is not None:
            query = query.where(cls.id < cursor)
        return list(query.order_by(cls.id.desc()).limit(limit + 1))


class NotificationSetting(BaseModel):
    """A member's choice for one kind; no row means DEFAULT_FREQUENCY."""

    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=20)
    frequency = CharField(max_length=12)

    class Meta:
        indexes = ((("member", "kind"), True),)


__all__ = ["Notification", "NotificationSetting"]
