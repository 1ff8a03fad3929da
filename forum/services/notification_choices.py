"""How each member wants to be told of each kind of notification (immediately, in a daily or
weekly digest, or never), and unsubscribing from an email in one click without signing in.
services/notifying.py reads these for every notification it sends, and names them as its own
(`notifying.choose`, `notifying.unsubscribe`), as its callers know them."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..errors import Invalid, NotFound
from ..models import Member
from ..models.notifications import DEFAULT_FREQUENCY, FREQUENCIES, KINDS, NotificationSetting

# -- choices ---------------------------------------------------------------------------------------


def frequencies_for(member_ids, kind: str) -> dict[int, str]:
    """Each member's choice for one kind, in one query."""
    chosen = dict.fromkeys(member_ids, DEFAULT_FREQUENCY[kind])
    for setting in NotificationSetting.select().where(
        NotificationSetting.member.in_(list(member_ids)) & (NotificationSetting.kind == kind)
    ):
        chosen[setting.member_id] = setting.frequency
    return chosen


def settings_of(member) -> dict[str, str]:
    chosen = dict(DEFAULT_FREQUENCY)
    for setting in NotificationSetting.select().where(NotificationSetting.member == member.id):
        if setting.kind in chosen:
            chosen[setting.kind] = setting.frequency
    return chosen


def choose(member_id: int, choices: dict[str, str]) -> None:
    for kind, frequency in choices.items():
        if kind not in KINDS:
            raise Invalid("There is no such kind of notification.")
        if frequency not in FREQUENCIES:
            raise Invalid("Choose immediately, a daily or weekly digest, or never.", field=kind)
    for kind, frequency in choices.items():
        NotificationSetting.insert(member=member_id, kind=kind, frequency=frequency).on_conflict(
            conflict_target=[NotificationSetting.member, NotificationSetting.kind],
            update={NotificationSetting.frequency: frequency},
        ).execute()


# -- unsubscribing without signing in --------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="notifications-unsubscribe")


def unsubscribe_token(member_id: int, kinds) -> str:
    return _serializer().dumps([member_id, sorted(kinds)])


def read_unsubscribe_token(token: str) -> tuple[Member, list[str]]:
    """The member and kinds a token names; NotFound for a forged or stale one (never a 500)."""
    try:
        member_id, kinds = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise NotFound("This unsubscribe link is not valid. Choose your emails in your settings.") from None
    if not isinstance(member_id, int) or not isinstance(kinds, list) or not set(kinds) <= set(KINDS):
        raise NotFound("This unsubscribe link is not valid. Choose your emails in your settings.")
    member = Member.get_or_none(Member.id == member_id)
    if member is None:
        raise NotFound("This unsubscribe link is not valid. Choose your emails in your settings.")
    return member, kinds


def unsubscribe(token: str) -> tuple[Member, list[str]]:
    member, kinds = read_unsubscribe_token(token)
    choose(member.id, dict.fromkeys(kinds, "never"))
    return member, kinds


def unsubscribe_headers(url: str) -> dict[str, str]:
    # RFC 8058: a mail client may POST "List-Unsubscribe=One-Click" to the URL, without cookies.
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
