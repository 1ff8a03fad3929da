"""A small, realistic demo network: `flask --app forum seed-demo`.

Made through the same domain functions members and admins use, so the demo shows the forum
as it really behaves (counters, reading state, rendered Markdown).
"""

from datetime import timedelta

from flask import current_app

from ..models import Member, Organisation, Thread, utcnow
from ..models.db import db
from ..services import categories, membership, posting, reporting

DEMO_PASSWORD = "belong demo network"

ORGANISATIONS = [
    ("Bridges Trust", "North West"),
    ("Common Ground Partnership", "London"),
    ("Welcome Wales", "Wales"),
    ("Tyne Together", "North East"),
    ("Open Doors Network", "West Midlands"),
]

# email, name, role, organisation, job title
PEOPLE = [
    ("admin@demo.belong.example", "Ada Okafor", "admin", 0, "Network coordinator"),
    ("staff@demo.belong.example", "Sam Whitfield", "staff", 0, "Community moderator"),
    ("amina@demo.belong.example", "Amina Yusuf", "member", 0, "Community organiser"),
    ("tomasz@demo.belong.example", "Tomasz Nowak", "member", 1, "Youth worker"),
    ("grace@demo.belong.example", "Grace Mensah", "member", 2, "ESOL tutor"),
    ("owen@demo.belong.example", "Owen Pritchard", "member", 2, "Policy officer"),
    ("leila@demo.belong.example", "Leila Haddad", "member", 3, "Project manager"),
    ("dev@demo.belong.example", "Dev Sharma", "member", 4, "Researcher"),
]

CATEGORIES = [
    ("Welcome and introductions", "Say hello, and tell the network about your work.", "public", "members"),
    (
        "Practice exchange",
        "What works in cohesion and integration work, and what doesn't.",
        "public",
        "members",
    ),
    (
        "Funding and policy",
        "Funding rounds, consultations and policy changes. Members only.",
        "members",
        "members",
    ),
    ("Announcements", "News from the Network team.", "public", "staff"),
]

# category index, author index, title, sharing, message, [(author index, reply)]
THREADS = [
    (
        0,
        2,
        "Hello from Bridges Trust in Salford",
        "credit",
        "Hi all! I run **conversation clubs** for newly arrived families in Salford.\n\n"
        "Happy to share our session plans with anyone starting something similar.",
        [
            (3, "Welcome Amina! We'd love to see the session plans."),
            (4, "Same here: our ESOL learners ask for more speaking practice all the time."),
        ],
    ),
    (
        1,
        4,
        "Conversation clubs: keeping volunteers for more than a term",
        "members",
        "We lose about half of our volunteers after the first term. What has worked for you?\n\n"
        "- buddying new volunteers with experienced ones\n- a short induction\n- thanking people publicly",
        [
            (2, "Buddying made the biggest difference for us. We also rotate roles so nobody burns out."),
            (6, "We ask volunteers what *they* want to learn, and build the training round that."),
            (1, "Great thread. The Network's volunteering guide covers some of this too."),
        ],
    ),
    (
        1,
        3,
        "Sport as a meeting point for young people",
        "credit",
        "Our Saturday football sessions bring together young people from four estates. Thoughts on "
        "measuring the effect on how they see each other?",
        [(7, "We used short before/after surveys plus a few interviews. Happy to share the questions.")],
    ),
    (
        2,
        5,
        "Consultation on the new integration strategy",
        "ask",
        "The consultation closes at the end of the month. I'm drafting a response for Welcome Wales "
        "and would welcome evidence from other members.",
        [(2, "We can contribute figures from our clubs: I'll message you.")],
    ),
    (
        3,
        1,
        "Welcome to the new members' forum",
        "credit",
        "This is the Network's forum. Please read the [Members' Charter](/charter) and use the "
        "**Report** button if you see anything that breaks it.",
        [],
    ),
]


# A sales pitch in a practice thread, and a member's report of it: the staff queue is not empty.
PITCH = (
    1,
    7,
    "Our volunteer app fixes all of this! 30% off for Network members this week only: message me.",
)
REPORT = (4, "promotion", "A sales pitch in the middle of a practice thread.")


def seed() -> list[str]:
    """Create the demo network; returns lines telling how to sign in. Refuses a second run."""
    if Member.by_email(PEOPLE[0][0]):
        raise RuntimeError("The demo network is already here (its admin account exists).")
    config = current_app.config
    # The demo posts in a burst: the posting pace (a brake on spam) would refuse it.
    pace = config["POST_INTERVAL"], config["NEW_MEMBER_POST_INTERVAL"]
    config["POST_INTERVAL"] = config["NEW_MEMBER_POST_INTERVAL"] = 0
    try:
        return _seed()
    finally:
        config["POST_INTERVAL"], config["NEW_MEMBER_POST_INTERVAL"] = pace


def _seed() -> list[str]:
    with db.atomic():
        orgs = [
            Organisation.create(name=name, name_key=Organisation.key_for(name)) for name, _ in ORGANISATIONS
        ]
        people = []
        for email, name, role, org, title in PEOPLE:
            member = membership.create_account(email, name, role, DEMO_PASSWORD)
            member.organisation = orgs[org]
            member.job_title = title
            member.region = ORGANISATIONS[org][1]
            member.reviewed_at = member.created_at = utcnow() - timedelta(days=60)
            member.save()
            people.append(member)
        cats = [categories.create_category(name, desc, read, post) for name, desc, read, post in CATEGORIES]
        threads = []
        for cat, author, title, sharing, message, replies in THREADS:
            first = posting.start_thread(
                people[author], cats[cat], {"title": title, "message": message, "sharing": sharing}
            )
            thread = Thread.with_category(first.thread_id)
            for replier, text in replies:
                posting.reply(people[replier], thread, {"message": text})
            threads.append(thread)
        thread, author, text = PITCH
        pitch = posting.reply(people[author], Thread.with_category(threads[thread].id), {"message": text})
        reporter, reason, note = REPORT
        target = reporting.load_target(people[reporter], "post", pitch.id)
        reporting.report(people[reporter], target, {"reason": reason, "note": note})
    return [f"  {role:6} {email}" for email, _, role, _, _ in PEOPLE[:3]] + [
        f"Password for every demo account: {DEMO_PASSWORD}"
    ]
