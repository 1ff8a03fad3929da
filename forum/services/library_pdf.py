"""The PDF work of the library, run in a child process with limits on its time and memory.

Opening a PDF, walking its objects and reading its text take time that grows with what the file
holds, and a crafted file can make them take minutes: a 21 MB PDF of 80,000 pages took 28 s only
to list its pages, and one page of 300,000 tiny text operators more than five minutes to read.
So this module is never imported by the web process: services/library_files.py runs it as a
script (`python -I library_pdf.py check|text IN [OUT]`, imports limited to the standard library
and pypdf) and kills it when it overruns; a refusal, a timeout or a crash each becomes a message.

check IN OUT: refuse an encrypted or broken file; find JavaScript, automatic actions (on opening
the document or a page), embedded files and media, and remove them, writing the cleaned file to
OUT. Prints {"ok": true, "pages": n, "removed": [...], "cleaned": bool} or {"ok": false,
"problem": "encrypted" | "broken"}.
text IN: print {"text": "..."}, the words of the pages in order, at most MAX_TEXT characters.
"""

import io
import json
import resource
import sys

# At most this much text is kept for search: a phrase a member remembers from a long report is
# in it, and it stays well inside PostgreSQL's limit on one document's index entry.
MAX_TEXT = 100_000
# Memory the child may use (address space): far more than pypdf needs for the largest file
# allowed, far less than a bomb would take.
MEMORY_LIMIT = 1536 * 1024 * 1024

# Keys whose value runs or carries something (removed wherever they are), actions that run or
# open something outside the document, and annotations that carry files or media.
KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/AA": "actions that run when it or a page is opened",
    "/OpenAction": "actions that run when it or a page is opened",
    "/EmbeddedFiles": "embedded files",
    "/XFA": "form scripts (XFA)",
    "/RichMediaContent": "embedded media",
}
ACTIONS = (
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToE",
    "/RichMediaExecute",
    "/Rendition",
    "/Movie",
    "/Sound",
)
ANNOTATIONS = ("/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D")


def strip(root) -> set[str]:
    """Walk every object reachable from the document catalog and remove what may run or carry
    something. Returns what was found, in words. Iterative, each indirect
    object visited once: objects may refer to each other in cycles, and nesting may be deep."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            _dictionary(node, found)
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return found


def _dictionary(node, found: set[str]) -> None:
    from pypdf.generic import NameObject

    for name, words in KEYS.items():
        if name in node:
            found.add(words)
            del node[NameObject(name)]
    for name in ("/A", "/Next"):
        if name in node and _risky(node[name]):
            found.add("actions that open programs or send data")
            del node[NameObject(name)]
    if "/Annots" in node:
        _annotations(node, found)


def _risky(value) -> bool:
    """An action that runs or opens something, or a chain (/Next array) holding one."""
    action = value.get_object()
    if isinstance(action, list):
        return any(_risky(item) for item in action)
    return hasattr(action, "get") and action.get("/S") in ACTIONS


def _annotations(page, found: set[str]) -> None:
    from pypdf.generic import ArrayObject, NameObject

    annotations = page["/Annots"].get_object()
    if not isinstance(annotations, ArrayObject):
        return
    kept = ArrayObject()
    for annotation in annotations:
        body = annotation.get_object()
        if hasattr(body, "get") and body.get("/Subtype") in ANNOTATIONS:
            found.add("embedded files")
        else:
            kept.append(annotation)
    if len(kept) != len(annotations):
        page[NameObject("/Annots")] = kept


def check(source: str, target: str) -> dict:
    from pypdf import PdfReader, PdfWriter

    try:
        reader = PdfReader(source, strict=False)
        if reader.is_encrypted:
            return {"ok": False, "problem": "encrypted"}
        pages = len(reader.pages)
        if pages < 1:
            return {"ok": False, "problem": "broken"}
        # Cleaned as read (one walk, which finds nothing in most files), then copied from the
        # catalog down: only what is still reachable is written, so the scripts and files cut
        # loose are not in the file either.
        removed = sorted(strip(reader.trailer["/Root"]))
        if not removed:
            return {"ok": True, "pages": pages, "removed": [], "cleaned": False}
        out = io.BytesIO()
        PdfWriter(clone_from=reader).write(out)
    except Exception:  # noqa: BLE001 (pypdf raises many kinds on a damaged file: each means "broken")
        return {"ok": False, "problem": "broken"}
    with open(target, "wb") as file:
        file.write(out.getvalue())
    return {"ok": True, "pages": pages, "removed": removed, "cleaned": True}


def text(source: str) -> dict:
    """The words of the pages in order, until MAX_TEXT characters; a page whose text cannot be
    read is skipped."""
    from pypdf import PdfReader

    parts, length = [], 0
    try:
        reader = PdfReader(source, strict=False)
        pages = reader.pages
    except Exception:  # noqa: BLE001 (checked when it was added: nothing to read now means no text)
        return {"text": ""}
    for page in pages:
        try:
            words = " ".join((page.extract_text() or "").split())
        except Exception:  # noqa: BLE001, S112 (one unreadable page leaves the others' words)
            continue
        parts.append(words)
        length += len(words) + 1
        if length >= MAX_TEXT:
            break
    return {"text": " ".join(parts)[:MAX_TEXT]}


def main(argv) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    if len(argv) == 4 and argv[1] == "check":
        result = check(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "text":
        result = text(argv[2])
    else:
        print("usage: library_pdf.py check IN OUT | text IN", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
