"""Small in-process LRUs of rendered HTML, one per worker and purpose: post blocks and thread rows
(forum/blueprints/threads/kept_blocks.py), the layout's parts (forum/web/layout.py). Whatever
keeps a block here keys it by everything it shows, so no block is ever stale."""

from collections import OrderedDict
from threading import Lock

# Stands for the session's CSRF token inside a kept block: the viewer's own is put back on use.
CSRF_MARK = "\x00csrf\x00"


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
