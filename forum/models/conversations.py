"""Private conversations: two members talking on the forum once one has accepted the other's
contact request. A pair has one conversation; each of the two has a Participant row of their own
(what they have read, whether they left or blocked), and the messages are numbered in turn.

Unread messages are counted twice, on purpose: on each Participant row (the Messages page) and in
total on the member (`Member.unread_messages`), both moved in the transaction that writes or reads
a message (services/conversations.py), so that the header reads the count from the member already
loaded, with no query, as the notification bell does.
"""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from .base import BaseModel, utcnow
from .members import Member
from .reports import Report
from .self_moderation import Mute

# Messages a conversation page shows at a time; older ones are a link away.
MESSAGES_PER_PAGE = 50
# Conversations the Messages page lists at a time.
CONVERSATIONS_PER_PAGE = 50
# Staff reading a reported message see this many messages before it and after it.
REPORT_CONTEXT = 5


class Conversation(BaseModel):
    # The two members, the lower id first, so that a pair has one conversation (unique index).
    first = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    second = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    message_count = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)
    last_message_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("first", "second"), True),)

    @staticmethod
    def pair(a_id: int, b_id: int) -> tuple[int, int]:
        return (a_id, b_id) if a_id < b_id else (b_id, a_id)

    @classmethod
    def between(cls, a_id: int, b_id: int):
        first, second = cls.pair(a_id, b_id)
        return cls.get_or_none((cls.first == first) & (cls.second == second))

    @property
    def member_ids(self) -> tuple[int, int]:
        return (self.first_id, self.second_id)


class Participant(BaseModel):
    """One member's side of a conversation."""

    conversation = ForeignKeyField(Conversation, backref="+", on_delete="CASCADE")
    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    # The other member, kept here so that a member's list joins them directly.
    other = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    unread = IntegerField(default=0)
    # The number of the last message this member has seen.
    last_read = IntegerField(default=0)
    # Leaving takes the conversation out of the member's list; blocking keeps it there. Either
    # closes it for both: no more messages until the one who did it reopens it.
    left_at = DateTimeField(null=True)
    blocked_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("member", "conversation"), True), (("conversation", "member"), True))

    @property
    def closed_it(self) -> bool:
        return self.left_at is not None or self.blocked_at is not None


class PrivateMessage(BaseModel):
    conversation = ForeignKeyField(Conversation, backref="+", on_delete="CASCADE")
    author = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    number = IntegerField()
    # The Markdown as written and its sanitised rendering, made once when it is sent (as posts).
    body_md = TextField()
    body_html = TextField()
    created_at = DateTimeField(default=utcnow)
    # The form's random key (or a received email's): the same form sent twice sends one message.
    submission = CharField(max_length=40, null=True)

    class Meta:
        table_name = "private_message"
        indexes = (
            (("conversation", "number"), True),
            (("author", "submission"), True),
            (("author", "created_at"), False),
        )

    @classmethod
    def page_of(cls, conversation_id: int, before: int | None = None, limit: int = MESSAGES_PER_PAGE):
        """The latest `limit` messages (numbered below `before`, if given), oldest first, each with
        its author: one query. Returns limit + 1 rows, newest last, when there are earlier ones."""
        query = (
            cls.select(cls, Member)
            .join(Member, on=(cls.author == Member.id))
            .where(cls.conversation == conversation_id)
        )
        if before is not None:
            query = query.where(cls.number < before)
        return list(reversed(list(query.order_by(cls.number.desc()).limit(limit + 1))))

    @classmethod
    def for_report(cls, message_id: int):
        """A message as reporting needs it: its conversation (whose two members the policy reads)
        and author, and whether anyone has reported it (staff may then read it): one query."""
        reported = fn.EXISTS(
            Report.select().where((Report.target_type == "message") & (Report.target_id == cls.id))
        )
        return (
            cls.select(cls, Conversation, Member, reported.alias("reported"))
            .join(Conversation)
            .switch(cls)
            .join(Member, on=(cls.author == Member.id))
            .where(cls.id == message_id)
            .first()
        )

    @classmethod
    def with_people(cls, ids):
        """Messages by id with their conversation and author (the staff queue, My reports)."""
        return (
            cls.select(cls, Conversation, Member)
            .join(Conversation)
            .switch(cls)
            .join(Member, on=(cls.author == Member.id))
            .where(cls.id.in_(list(ids)))
        )


def participant_view(member_id: int, conversation_id: int):
    """The member's Participant row in a conversation with the conversation, the other member's
    row (`.theirs`), the other member (`.other`), and whether the member muted them
    (`.other_muted`): one query; None when the member is not in it."""
    Theirs = Participant.alias("theirs")
    Other = Member.alias("other_member")
    muted = fn.EXISTS(Mute.select().where((Mute.member == member_id) & (Mute.muted == Participant.other)))
    return (
        Participant.select(Participant, Conversation, Theirs, Other, muted.alias("other_muted"))
        .join(Conversation)
        .switch(Participant)
        .join(
            Theirs,
            on=((Theirs.conversation == Participant.conversation) & (Theirs.member == Participant.other)),
            attr="theirs",
        )
        .switch(Participant)
        .join(Other, on=(Participant.other == Other.id), attr="other")
        .where((Participant.member == member_id) & (Participant.conversation == conversation_id))
        .first()
    )


def conversations_of(member_id: int, page: int = 1, limit: int = CONVERSATIONS_PER_PAGE):
    """One page of the member's conversations, latest first, each as participant_view gives one:
    one query. Conversations they left are not listed. Returns limit + 1 rows when there are more."""
    Theirs = Participant.alias("theirs")
    Other = Member.alias("other_member")
    muted = fn.EXISTS(Mute.select().where((Mute.member == member_id) & (Mute.muted == Participant.other)))
    return list(
        Participant.select(Participant, Conversation, Theirs, Other, muted.alias("other_muted"))
        .join(Conversation)
        .switch(Participant)
        .join(
            Theirs,
            on=((Theirs.conversation == Participant.conversation) & (Theirs.member == Participant.other)),
            attr="theirs",
        )
        .switch(Participant)
        .join(Other, on=(Participant.other == Other.id), attr="other")
        .where((Participant.member == member_id) & Participant.left_at.is_null())
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .offset((page - 1) * limit)
        .limit(limit + 1)
    )


__all__ = [
    "CONVERSATIONS_PER_PAGE",
    "MESSAGES_PER_PAGE",
    "REPORT_CONTEXT",
    "Conversation",
    "Participant",
    "PrivateMessage",
    "conversations_of",
    "participant_view",
]
