"""What can be reported: posts, threads, members' profiles, photos, private messages and resources
in the library.

A kind is a loader, a visibility check, and a few words and links: adding one is a branch in each
function below, a policy rule `report_<kind>`, and its name in models.reports.TARGET_TYPES and the
reports blueprint's route. Nothing here queries per item on a page: `reported_items` loads a
page of reports' items with one query per kind.
"""

from dataclasses import dataclass

from .. import policy
from ..errors import NotFound
from ..links import path_for
from ..models import Member, Post, Thread
from ..models.conversations import PrivateMessage
from ..models.library import Resource
from ..models.reports import TARGET_TYPES
from ..models.uploads import Upload


@dataclass(frozen=True)
class Target:
    """One reportable item: kind ("post", "thread", "member"), and the loaded model instance."""

    kind: str
    item: object

    @property
    def id(self) -> int:
        return self.item.id

    @property
    def key(self) -> str:
        """Unique on a page: element ids are built from it."""
        return f"{self.kind}-{self.item.id}"

    @property
    def subject_id(self) -> int:
        """The member whose content it is."""
        if self.kind in ("photo", "resource"):
            return self.item.owner_id
        return self.item.id if self.kind == "member" else self.item.author_id

    @property
    def description(self) -> str:
        if self.kind == "post":
            return f"the post by {self.item.author.name} in “{self.item.thread.title}”"
        if self.kind == "thread":
            return f"the thread “{self.item.title}”"
        if self.kind == "photo":
            return f"a photo by {self.item.owner.name} (“{self.item.alt_text}”)"
        if self.kind == "message":
            return f"a private message by {self.item.author.name}"
        if self.kind == "resource":
            return f"the resource “{self.item.title}” shared by {self.item.owner.name}"
        return f"the profile of {self.item.name}"

    @property
    def url(self) -> str:
        """Where the item is shown (and where a report sent without JavaScript returns)."""
        if self.kind == "post":
            page = Thread.page_of(self.item.number)
            return path_for("threads.thread", thread_id=self.item.thread_id, page=page) + (
                f"#post-{self.item.number}"
            )
        if self.kind == "thread":
            return path_for("threads.thread", thread_id=self.item.id)
        if self.kind == "photo":
            if self.item.post_id:
                return path_for("threads.post", post_id=self.item.post_id)
            return path_for("directory.profile", member_id=self.item.owner_id)
        if self.kind == "message":
            # Its place in the conversation for the two; for staff, it with the messages around it.
            return path_for("conversations.message", message_id=self.item.id)
        if self.kind == "resource":
            return path_for("library.resource", resource_id=self.item.id)
        return path_for("directory.profile", member_id=self.item.id)

    @property
    def described_by(self) -> str:
        """The id of the element on the item's page that names it, for its Report button."""
        if self.kind == "post":
            return f"post-{self.item.number}-by"
        if self.kind == "photo":
            return f"photo-{self.item.id}-link"
        if self.kind == "message":
            return f"message-{self.item.number}-by"
        if self.kind == "resource":
            return "resource-title"
        return "thread-title" if self.kind == "thread" else "profile-name"


def _load(kind: str, target_id: int):
    if kind == "post":
        return Post.with_thread(target_id)
    if kind == "thread":
        return Thread.with_category(target_id)
    if kind == "member":
        return Member.get_or_none(Member.id == target_id)
    if kind == "photo":
        return Upload.by_id(target_id)
    if kind == "message":
        return PrivateMessage.for_report(target_id)
    if kind == "resource":
        return Resource.by_id(target_id)
    return None


def _readable(viewer, kind: str, item) -> bool:
    if kind == "post":
        return policy.can(viewer, "read_thread", item.thread)
    if kind == "thread":
        return policy.can(viewer, "read_thread", item)
    if kind == "photo":
        return policy.can(viewer, "see_upload", item)
    if kind == "message":
        return policy.can(viewer, "read_message", item)
    if kind == "resource":
        return policy.can(viewer, "see_resource", item)
    return item.status == "active" or policy.can(viewer, "moderate")


def load_target(viewer, kind: str, target_id: int) -> Target:
    """The item to report, or NotFound when it does not exist or the viewer cannot see it."""
    item = _load(kind, target_id) if kind in TARGET_TYPES else None
    if item is None or not _readable(viewer, kind, item):
        raise NotFound("There is nothing like that to report, or you cannot see it.")
    return Target(kind, item)


def target_for(item) -> Target:
    """The Target of an already loaded Post, Thread or Member (templates: a Report button)."""
    kinds = {Post: "post", Thread: "thread", Member: "member", Upload: "photo", PrivateMessage: "message"}
    kinds[Resource] = "resource"
    kind = kinds[type(item)]
    return Target(kind, item)


# -- a page of reports' items ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReportedItem:
    """How "My reports" names what was reported, and a link when it is still there to see."""

    description: str
    url: str | None


def reported_items(reports) -> dict[int, ReportedItem]:
    """report id -> what it is about, for a page of reports: one query per kind of item."""
    ids = {kind: [r.target_id for r in reports if r.target_type == kind] for kind in TARGET_TYPES}
    items = {}
    if ids["post"]:
        for post in (
            Post.select(Post, Thread, Member)
            .join(Thread)
            .switch(Post)
            .join(Member, on=(Post.author == Member.id))
            .where(Post.id.in_(ids["post"]))
        ):
            items[("post", post.id)] = post
    if ids["thread"]:
        for thread in Thread.select().where(Thread.id.in_(ids["thread"])):
            items[("thread", thread.id)] = thread
    if ids["photo"]:
        for upload in Upload.with_post().where(Upload.id.in_(ids["photo"])):
            items[("photo", upload.id)] = upload
    if ids["message"]:
        items.update({("message", m.id): m for m in PrivateMessage.with_people(ids["message"])})
    items.update(Resource.as_reported(ids["resource"]))
    if ids["member"]:
        people = Member.select(Member.id, Member.name, Member.status).where(Member.id.in_(ids["member"]))
        for person in people:
            items[("member", person.id)] = person
    return {r.id: _reported_item(r, items.get((r.target_type, r.target_id))) for r in reports}


def _reported_item(report, item) -> ReportedItem:
    if item is None:
        return ReportedItem("Something that has since been deleted", None)
    if report.target_type == "post":
        description = f"A post by {item.author.name} in “{item.thread.title}”"
        shown = item.status == "visible" and item.thread.status == "visible"
        return ReportedItem(description, path_for("threads.post", post_id=item.id) if shown else None)
    if report.target_type == "thread":
        shown = item.status == "visible"
        return ReportedItem(
            f"The thread “{item.title}”", path_for("threads.thread", thread_id=item.id) if shown else None
        )
    if report.target_type == "photo":
        shown = item.status == "visible" and item.post_id is not None
        return ReportedItem(
            f"A photo by {item.owner.name} (“{item.alt_text}”)",
            path_for("threads.post", post_id=item.post_id) if shown else None,
        )
    if report.target_type == "message":
        where = path_for("conversations.message", message_id=item.id)
        return ReportedItem(f"A private message by {item.author.name}", where)
    if report.target_type == "resource":
        shown = item.status == "visible"
        where = path_for("library.resource", resource_id=item.id) if shown else None
        return ReportedItem(f"The resource “{item.title}” in the library", where)
    shown = item.status == "active"
    return ReportedItem(
        f"The profile of {item.name}", path_for("directory.profile", member_id=item.id) if shown else None
    )
