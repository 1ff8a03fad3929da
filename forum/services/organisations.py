"""Organisations in the directory: their page's details, edited by their members or staff, and
merging a duplicate into the organisation to keep (staff)."""

from peewee import IntegrityError

from .. import policy
from ..errors import Conflict, Invalid, NotFound
from ..models import Member, Organisation
from ..models.db import db
from .directory import clean_website
from .text import render_markdown


def get(organisation_id: int) -> Organisation:
    organisation = Organisation.get_or_none(Organisation.id == organisation_id)
    if organisation is None:
        raise NotFound("There is no such organisation.")
    return organisation


def form_data(organisation) -> dict:
    return {
        "name": organisation.name,
        "sector": organisation.sector,
        "region": organisation.region,
        "website": organisation.website,
        "description": organisation.description_md,
    }


def update(member, organisation_id: int, data: dict) -> Organisation:
    """Save the organisation's page; a name already taken by another organisation is refused
    (staff can merge the two instead)."""
    organisation = get(organisation_id)
    policy.require(member, "edit_organisation", organisation)
    name = " ".join((data.get("name") or "").split())
    if not name:
        raise Invalid("Enter the organisation's name: it can't be only spaces.", field="name")
    website = clean_website(data.get("website", ""))
    key = Organisation.key_for(name)
    clash = "Another organisation already has this name. Ask the team to merge the two."
    try:
        with db.atomic():
            if (
                Organisation.select()
                .where((Organisation.name_key == key) & (Organisation.id != organisation.id))
                .exists()
            ):
                raise Conflict(clash, field="name")
            organisation.name, organisation.name_key = name, key
            organisation.sector = " ".join((data.get("sector") or "").split())
            organisation.region = " ".join((data.get("region") or "").split())
            organisation.website = website
            organisation.description_md = (data.get("description") or "").strip()
            organisation.description_html = render_markdown(organisation.description_md)
            organisation.save()
    except IntegrityError:
        raise Conflict(clash, field="name") from None
    return organisation


def merge(staff, duplicate_id: int, into_name: str) -> Organisation:
    """Move the duplicate's members to the organisation named `into_name`, fill that one's empty
    details from the duplicate, and delete the duplicate: all in one transaction."""
    policy.require(staff, "merge_organisations")
    duplicate = get(duplicate_id)
    keep = Organisation.get_or_none(Organisation.name_key == Organisation.key_for(into_name))
    if keep is None:
        raise Invalid("No organisation has that name. Pick one from the list.", field="into")
    if keep.id == duplicate.id:
        raise Invalid("Choose another organisation: this is the one being merged.", field="into")
    with db.atomic():
        Member.update(organisation=keep).where(Member.organisation == duplicate).execute()
        for name in ("sector", "region", "website", "description_md", "description_html"):
            if not getattr(keep, name):
                setattr(keep, name, getattr(duplicate, name))
        keep.save()
        duplicate.delete_instance()
    return keep
