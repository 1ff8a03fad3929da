"""My data: everything the forum holds about a member, for them to take away; and deleting one's
own account. The export holds the member's own words and records only: of other members it names
no more than the member already sees (a name on a contact request), never their email or messages
to others. Of a group's space they are no longer in, it holds their own posts, but not the titles
of threads others started there, nor what they were told of it, nor what they watch there: those
are the group's."""


from .. import policy
from ..errors import Conflict, Invalid
from ..models import Acceptance, Category, Member, Mute, Organisation, Post, Thread, Watch
from ..models.db import db
from ..models.directory import ContactRequest, Expertise, MemberExpertise
from ..models.notifications import Notification
from ..models.reports import Report
from . import conversation_records, event_lists, moderating, notification_reading, notifying
from .library_moderation import export as library_export
from .passwords import matches


def _when(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ") if dt else None


PRIVATE = "About a thread in a group you are no longer in"


def _outside_group_space(member):
    """A condition on Thread: in the space of a group the member does not read (now)."""
    reading = policy.reading(member)
    spaces = Category.select(Category.id).where(
        Category.group.is_null(False) & ~Category.readable_by(reading)
    )
    return Thread.category.in_(spaces)


def _kept(member, thing) -> bool:
    """Whether the export keeps what names this thread (or group's space, notification_reading.about):
    anything but what is in the space of a group the member is not in now (and did not start)."""
    if thing is None:
        return True
    category = thing if isinstance(thing, Category) else thing.category
    if category.group_id is None or getattr(thing, "author_id", None) == member.id:
        return True
    return policy.may_read_category(member, category)


def _title(member, thread) -> str:
    return thread.title if _kept(member, thread) else "A thread in a group you are no longer in"


def export(member) -> dict:
    """A fixed number of queries, whatever the member wrote."""
    policy.require(member, "manage_own_account")
    organisation = None
    if member.organisation_id:
        organisation = Organisation.get_or_none(Organisation.id == member.organisation_id)
    expertise = [
        e.name
        for e in Expertise.select(Expertise.name)
        .join(MemberExpertise)
        .where(MemberExpertise.member == member.id)
        .order_by(Expertise.name)
    ]
    posts = (
        Post.select(Post, Thread, Category).join(Thread).join(Category).where(Post.author == member.id)
        .order_by(Post.id)
    )
    Other = Member.alias()
    contact = (
        ContactRequest.select(ContactRequest, Other.id, Other.name)
        .join(
            Other,
            on=(
                ((ContactRequest.sender == member.id) & (Other.id == ContactRequest.recipient))
                | ((ContactRequest.recipient == member.id) & (Other.id == ContactRequest.sender))
            ),
            attr="other",
        )
        .order_by(ContactRequest.id)
    )
    muted = Member.select(Member.id, Member.name).join(Mute, on=(Mute.muted == Member.id)).where(
        Mute.member == member.id
    )
    watched = Thread.select(Thread.id, Thread.title, Thread.category).join(
        Watch, on=(Watch.thread == Thread.id)
    ).where((Watch.member == member.id) & ~_outside_group_space(member))
    notifications = list(
        Notification.select().where(Notification.recipient == member.id).order_by(Notification.id)
    )
    about = notification_reading.about(notifications)
    return {
        "profile": {
            "id": member.id,
            "name": member.name,
            "email": member.email,
            "role": member.role,
            "status": member.status,
            "joined": _when(member.created_at),
            "organisation": organisation.name if organisation else None,
            "job_title": member.job_title,
            "region": member.region,
            "bio": member.bio_md,
            "website": member.website,
            "projects": member.projects,
            "interests": member.interests,
            "expertise": expertise,
            "listed_in_directory": member.listed,
            "contact_policy": member.contact_policy,
            "contact_note": member.contact_note,
            "low_data": member.low_data,
            "application_note": member.application_note,
        },
        "posts": [
            {
                "id": p.id,
                "thread": _title(member, p.thread),
                "thread_id": p.thread_id,
                "number": p.number,
                "written": _when(p.created_at),
                "edited": _when(p.edited_at),
                "status": p.status,
                "status_reason": p.status_reason,
                "message": p.body_md,
                "declared_interest": p.interest,
            }
            for p in posts
        ],
        "reports_made": [
            {
                "about": r.target_type,
                "id": r.target_id,
                "reason": r.reason,
                "note": r.note,
                "status": r.status,
                "outcome": r.outcome_note,
                "sent": _when(r.created_at),
            }
            for r in Report.select().where(Report.reporter == member.id).order_by(Report.id)
        ],
        "acceptances": [
            {"document": a.document, "version": a.version, "accepted": _when(a.accepted_at)}
            for a in Acceptance.select()
            .where(Acceptance.member == member.id)
            .order_by(Acceptance.accepted_at, Acceptance.id)
        ],
        "contact_requests": [
            {
                "direction": "sent" if c.sender_id == member.id else "received",
                "with": c.other.name,
                "purpose": c.purpose,
                "message": c.message,
                "status": c.status,
                "sent": _when(c.created_at),
            }
            for c in contact
        ],
        # Their private conversations, both sides, as they read them on the forum.
        "conversations": conversation_records.export_for(member),
        "muted_members": [m.name for m in muted],
        "watched_threads": [t.title for t in watched],
        # What the member was told (the line names whoever did it, as the page does) and how
        # they chose to be emailed about each kind, defaults included.
        "notifications": [
            {
                "kind": n.kind,
                "text": n.text if _kept(member, about.get(n.id)) else PRIVATE,
                "link": n.link if _kept(member, about.get(n.id)) else "",
                "created": _when(n.created_at),
                "read": _when(n.read_at),
            }
            for n in notifications
        ],
        "notification_settings": notifying.settings_of(member),
        # The events they organised and their answers to events (Going, the waiting list).
        "events": event_lists.export_for(member),
        # The resources they shared in the library, each with its versions.
        "resources": library_export(member),
    }


def delete_own_account(member, password: str, *, keep_posts: bool) -> None:
    """The member closes their account: confirmed by password; email and profile erased; posts
    kept under "former member" or withdrawn, as they chose. The log records that an account was
    closed, by its id, and nothing personal."""
    policy.require(member, "manage_own_account")
    if not matches(member.password_hash, password):
        raise Invalid("That password is not right: your account is unchanged.", field="password")
    with db.atomic():
        # A second submission racing the first finds the account already gone: nothing twice.
        current = Member.select(Member.status).where(Member.id == member.id).scalar()
        if current == "deleted":
            raise Conflict("This account is already deleted.")
        moderating.close_account(member, posts="keep" if keep_posts else "withdraw", erase_profile=True)
        MemberExpertise.delete().where(MemberExpertise.member == member.id).execute()
        moderating.log(
            member,
            "close_account",
            "member",
            member.id,
            label="A member",
            note=f"Posts {'kept' if keep_posts else 'withdrawn'}.",
        )
