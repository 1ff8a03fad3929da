"""The table `can` reads: every action a member may take, by name, and the rule that decides it."""

from . import appeals, conversations, group_moderation, groups
from .events import RULES as EVENT_RULES
from .library import RULES as LIBRARY_RULES
from .refusals import (
    POST_ACTIONS,
    contact_refusal,
    member_action_refusal,
    moderates_in_group,
    mute_refusal,
    post_action_refusal,
    report_counts,
    report_refusal,
)
from .roles import (
    is_active_member,
    is_admin,
    is_applicant,
    is_author,
    is_reading_member,
    is_staff,
    may_self_moderate,
    signed_in,
)
from .visibility import (
    may_read_category,
    may_read_thread,
    may_reply,
    may_see_post_body,
    may_see_upload,
    may_start_thread,
)

REFUSALS = {
    **{
        action.rule: (lambda m, p, action=action: post_action_refusal(m, action, p))
        for action in POST_ACTIONS.values()
    },
    "act_on_member": member_action_refusal,
    "mute_member": mute_refusal,
    **groups.REFUSALS,
    **conversations.REFUSALS,
    **appeals.REFUSALS,
}


RULES = {
    **groups.RULES,
    **EVENT_RULES,
    **LIBRARY_RULES,
    **group_moderation.RULES,
    **conversations.RULES,
    **appeals.RULES,
    # Reading what only members see, and taking part.
    "read_members_area": lambda m, t: is_reading_member(m),
    "post": lambda m, t: is_active_member(m),
    # An unverified applicant may ask for the verification email again.
    "resend_verification": lambda m, t: is_applicant(m) and not m.is_verified,
    "manage_own_account": lambda m, t: signed_in(m) and m.status in ("applicant", "active", "suspended"),
    "review_applications": lambda m, t: is_staff(m),
    "moderate": lambda m, t: is_staff(m),
    # The admin pages: categories, and new versions of the Charter, Code of Conduct and Terms.
    "administer": lambda m, t: is_admin(m),
    # Threads and posts: the target is the category, thread or post acted on.
    "read_category": may_read_category,
    "start_thread": may_start_thread,
    "read_thread": may_read_thread,
    "reply": may_reply,
    "see_post_body": may_see_post_body,
    "edit_post": lambda m, p: is_active_member(m) and is_author(m, p) and p.status == "visible",
    "withdraw_post": lambda m, p: (
        is_active_member(m) and is_author(m, p) and p.status in ("visible", "hidden")
    ),
    "quote_post": lambda m, p: may_see_post_body(m, p) and p.status == "visible",
    "read_post_history": lambda m, p: is_reading_member(m) and (p.status == "visible" or is_staff(m)),
    "manage_thread": lambda m, t: is_staff(m),
    # Staff moderation: the staff controls on a post (hide_post, restore_post and remove_post, one
    # rule per PostAction), and acting on members (act_on_member): see REFUSALS.
    "moderate_post": lambda m, p: is_staff(m) or moderates_in_group(m, p),
    **{action: (lambda m, t, why_not=why_not: why_not(m, t) is None) for action, why_not in REFUSALS.items()},
    "read_moderation_log": lambda m, t: is_reading_member(m),
    "manage_roles": lambda m, t: is_admin(m),
    # Reporting (see report_refusal). "report": may use Report buttons at all; the target of
    # report_<kind> is the Post, Thread, Member or photo (Upload) reported.
    "report": lambda m, t: is_active_member(m),
    "report_post": lambda m, t: report_refusal(m, "post", t) is None,
    "report_thread": lambda m, t: report_refusal(m, "thread", t) is None,
    "report_member": lambda m, t: report_refusal(m, "member", t) is None,
    "report_photo": lambda m, t: report_refusal(m, "photo", t) is None,
    "see_own_reports": lambda m, t: is_reading_member(m),
    # A single report from staff or a trusted member hides a post at once.
    "hide_by_single_report": lambda m, t: is_staff(m) or (is_active_member(m) and bool(m.trusted)),
    # Whether a report counts toward hiding; t: the reporter's (dismissed, actioned) record.
    "count_toward_hiding": lambda m, t: report_counts(m, t),
    "resolve_report": lambda m, t: is_staff(m),
    "manage_trust": lambda m, t: is_staff(m),
    # The Directory of Members: for members only. Staff see every field of every profile and
    # unlisted members too; each member sees all of their own.
    "browse_directory": lambda m, t: is_reading_member(m),
    "see_whole_profile": lambda m, t: is_staff(m) or (is_active_member(m) and t is not None and t.id == m.id),
    "edit_profile": lambda m, t: is_active_member(m),
    "edit_organisation": lambda m, t: (
        is_staff(m) or (is_active_member(m) and t is not None and m.organisation_id == t.id)
    ),
    "merge_organisations": lambda m, t: is_staff(m),
    # Contact on the recipient's terms. t: ContactTerms (recipient, shared) for sending;
    # a ContactRequest for the rest.
    "send_contact_request": lambda m, t: contact_refusal(m, t) is None,
    # Only the two people; staff too once it is reported, since they must judge it.
    "view_contact_request": lambda m, t: (
        (is_active_member(m) and m.id in (t.sender_id, t.recipient_id))
        or (is_staff(m) and t.reported_at is not None)
    ),
    "answer_contact_request": lambda m, t: (
        is_active_member(m) and m.id == t.recipient_id and t.status == "pending"
    ),
    "report_contact_request": lambda m, t: (
        is_active_member(m) and m.id == t.recipient_id and t.reported_at is None
    ),
    # Both people's addresses, once the recipient has accepted: the only way a member sees another's.
    "see_contact_emails": lambda m, t: (
        is_active_member(m) and m.id in (t.sender_id, t.recipient_id) and t.status == "accepted"
    ),
    # Help and support: anyone may contact the team; whoever is signed in sees their own
    # requests; staff handle the inbox, and a complaint about staff only admins.
    "see_own_requests": lambda m, t: signed_in(m) and m.status in ("applicant", "active", "suspended"),
    "view_own_support_request": lambda m, t: signed_in(m) and t.member_id == m.id,
    "handle_support_request": lambda m, t: is_staff(m) and (is_admin(m) or not t.admins_only),
    # Uploads (photos in posts, avatars, logos). t: the Upload.
    "upload": lambda m, t: is_active_member(m),
    "see_upload": may_see_upload,
    # A suspended member still sees and removes their own photos: responsibility for them does
    # not stop with a suspension.
    "see_own_uploads": lambda m, t: is_reading_member(m),
    "remove_own_upload": lambda m, t: signed_in(m) and t.owner_id == m.id and t.status == "visible",
    "moderate_upload": lambda m, t: is_staff(m) and t.status == "visible",
    # Self-moderation: a member's own controls. A suspended member may still mute and hide,
    # since those change only what they themselves see. mute_member (t: the Member to mute):
    # see REFUSALS.
    "self_moderate": lambda m, t: may_self_moderate(m),
    "read_notifications": lambda m, t: may_self_moderate(m),
    "reply_by_email": lambda m, t: may_self_moderate(m),
}
