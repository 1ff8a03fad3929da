"""Small helpers the tests share (import them: `from helpers import PASSWORD`)."""

import re
from urllib.parse import urlsplit

# The password of every account made by the make_member fixture.
PASSWORD = "lantern orchard velvet 42"


def link_in(body: str) -> str:
    """The path of the first link in an email body."""
    url = re.search(r"https?://\S+", body).group(0)
    return urlsplit(url).path
