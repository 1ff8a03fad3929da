"""Appeals: who may appeal a moderation decision, and who may decide an appeal.

A member appeals a decision about their own content or account, once, until the decision's
`appeal_until`, while the decision still stands. Staff decide appeals, but never their own (an
appeal by one of the staff) and not one against a decision they took themselves, unless nobody
else on the staff is active to decide it: a small team must still be able to answer.

What these rules read is loaded before they are asked (services/appeals.py): a Decision comes with
`.appeal` (its Appeal or None) and `.stands` (whether what it did is still in force); an Appeal
with `.decision` and `.others_active` (whether another active staff member could decide it)."""

from ..errors import Conflict, NotAllowed, NotFound
from ..models.base import utcnow
from .roles import is_staff, signed_in

NO_SUCH_DECISION = "There is no such decision about you."


def appeal_refusal(member, decision):
    """Why `member` may not appeal `decision`, or None if they may."""
    if decision is None or not signed_in(member) or member.id != decision.member_id:
        return NotFound(NO_SUCH_DECISION)
    if member.status not in ("active", "suspended"):
        return NotAllowed("Only members can appeal; a closed account appeals through Contact the team.")
    return open_refusal(decision)


def open_refusal(decision):
    """Why `decision` may not be appealed any more by anyone, or None: the checks an appeal through
    Contact the team (a closed account, by the reference from its email) shares with Appeal."""
    if getattr(decision, "appeal", None) is not None:
        return Conflict("You have already appealed this decision: each decision can be appealed once.")
    if decision.reversed_at is not None:
        return Conflict("This decision has already been reversed.")
    if utcnow() > decision.appeal_until:
        return Conflict("The time to appeal this decision has passed.")
    if not getattr(decision, "stands", True):
        return Conflict("This decision no longer stands: there is nothing left to appeal.")
    return None


def decide_refusal(staff, appeal):
    """Why `staff` may not uphold or reverse `appeal`, or None if they may."""
    if not is_staff(staff):
        return NotAllowed("Only staff decide appeals.")
    if appeal is None:
        return NotFound("There is no such appeal.")
    if appeal.status != "waiting":
        return Conflict(f"This appeal was already decided: {appeal.status_label.lower()}.")
    if staff.id == appeal.member_id:
        return NotAllowed("This appeal is your own: another member of staff decides it.")
    if staff.id == appeal.decision.staff_id and getattr(appeal, "others_active", True):
        return NotAllowed("You took this decision, so another member of staff decides its appeal.")
    return None


REFUSALS = {"appeal_decision": appeal_refusal, "decide_appeal": decide_refusal}

RULES = {
    # Whether the member sees Appeal on their pages at all: members and suspended members.
    "appeal": lambda m, t: signed_in(m) and m.status in ("active", "suspended"),
    **{action: (lambda m, t, why_not=why_not: why_not(m, t) is None) for action, why_not in REFUSALS.items()},
}
