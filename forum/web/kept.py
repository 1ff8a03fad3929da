"""Small in-process LRUs of rendered HTML, one per worker and purpose: post blocks and thread rows
(forum/blueprints/threads/kept_blocks.py), the layout's parts (forum/web/layout.py). Whatever
keeps a block here keys it by everything it shows, so no block is ever stale."""

from collections import OrderedDict
from threading import Lock

# Stands for the session's CSRF token inside a kept block: the viewer's own is put back on use.
CSRF_MARK = "\x00csrf\x00"
# Stands for a new post form's submission key (forms.new_submission), made afresh on each use.
SUBMISSION_MARK = "\x00submission\x00"


def split_marks(text: str, marks=(CSRF_MARK, SUBMISSION_MARK)) -> tuple:
    """A kept block cut at its marks, for `fill`: the text between them, and after each piece
    but the last, the mark that follows it."""
    pieces = [(text, None)]
    for mark in marks:
        cut = []
        for piece, after in pieces:
            parts = piece.split(mark)
            cut += [(part, mark) for part in parts[:-1]] + [(parts[-1], after)]
        pieces = cut
    return tuple(pieces)


def fill(pieces: tuple, values: dict) -> str:
    """The block `split_marks` cut, each mark replaced by its value: one join, where a replace per
    mark scanned and copied a whole page each (a thirteenth of a kept thread page)."""
    return "".join([piece + (values[after] if after else "") for piece, after in pieces])


class BlockCache:
    """A small LRU of rendered blocks (the key -> the block's HTML)."""

    def __init__(self, size: int):
        self.size = size
        self._blocks: OrderedDict = OrderedDict()
        self._lock = Lock()

    def get(self, key):
        # Without the lock: a dict lookup and move_to_end are each atomic, and a key dropped by
        # another thread in between only means the block is not moved (a page asks for twenty).
        block = self._blocks.get(key)
        if block is not None:
            try:  # noqa: SIM105 (contextlib.suppress costs three calls; a page asks twenty times)
                self._blocks.move_to_end(key)
            except KeyError:
                pass
        return block

    def put(self, key, block: str) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._blocks[key] = block
            self._blocks.move_to_end(key)
            while len(self._blocks) > self.size:
                self._blocks.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._blocks.clear()

    def __len__(self) -> int:
        return len(self._blocks)


def kept_cache(app, name: str, size: int) -> BlockCache:
    """The app's LRU called `name`, made with `size` entries on first use."""
    cache = app.extensions.get(name)
    if cache is None:
        cache = app.extensions[name] = BlockCache(size)
    return cache
