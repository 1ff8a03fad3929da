"""The library's file checks: what a shared document is, judged by its content, and making it safe.

`check` reads the file once (never more than the size limit), decides what it is from its bytes
(never its name or the browser's Content-Type), and refuses what the library does not take with a
message for the person: HTML and SVG (they run scripts when opened), programs, older Office files
(macros that cannot be checked), encrypted or broken PDFs, Office files with macros, zip bombs.
A PDF is opened with pypdf in a child process with a time limit (library_pdf.py), and JavaScript,
automatic actions (on opening the document or a page), embedded files and forms' XFA scripts are
removed before it is stored: the file kept is the cleaned one. Nothing here writes anything the
forum keeps: a refusal leaves no trace (services/library.py stores).
"""

import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Invalid
from ..models.library import size_label

ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
# The text kept for search, at most (as library_pdf.py keeps of a PDF).
MAX_TEXT = 100_000

FIELD = "file"
ACCEPTED = (
    "The library takes PDF, Word, Excel and PowerPoint files (.docx, .xlsx, .pptx), OpenDocument "
    "files (.odt, .ods, .odp), CSV and plain text."
)
NOT_ACCEPTED = "We can't take that kind of file. " + ACCEPTED
EMPTY = "That file is empty: choose the document you want to share."
BAD_NAME = (
    "That file name can't be used: it has slashes or control characters in it. Rename the file and "
    "choose it again."
)
MARKUP = (
    "That file is a web page or an SVG image, whatever its name says: those can run scripts when "
    "opened, so the library does not take them. Save it as a PDF and try again."
)
PROGRAM = "That file is a program or a script: the library does not take those. " + ACCEPTED
OLD_OFFICE = (
    "That is an older Office file (.doc, .xls or .ppt), which can hide macros we cannot check. "
    "Save it as .docx, .xlsx or .pptx, or as a PDF, and try again."
)
PDF_LOCKED = (
    "That PDF is protected with a password, so we can't check what is inside it. Save a copy without "
    "the password and try again."
)
PDF_BROKEN = (
    "That PDF could not be read: it may be damaged or incomplete. Save or download it again and try "
    "once more."
)
ZIP_BROKEN = (
    "That document could not be read: it may be damaged or incomplete. Save it again and try once more."
)
ZIP_LOCKED = "That document is protected with a password, so we can't check it. Save a copy without one."
MACROS = (
    "That document contains macros or ActiveX controls, which can run code on the reader's computer. "
    "Save it without them (as .docx, .xlsx or .pptx, not .docm) and try again."
)
NOT_A_DOCUMENT = "That is a zip archive, not a document: share the documents inside it one at a time."

# Program file signatures: Windows, Linux, macOS (both byte orders, and universal binaries).
PROGRAM_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Markup: a file that opens with a tag, a declaration or an XML prolog, or has one of these tags.
MARKUP_START = re.compile(rb"<[a-z!?]")
MARKUP_INSIDE = (b"<script", b"<html", b"<svg", b"<iframe", b"<object", b"<embed")


@dataclass
class Checked:
    """A file that passed every check: what it is, the bytes to store, its text for search, and
    what was taken out of it (said to the member)."""

    file_type: str
    data: bytes
    sha256: str
    original_name: str
    text: str = ""
    # A PDF's text is read later, outside the request.
    text_later: bool = False
    pages: int | None = None
    removed: list[str] = field(default_factory=list)

    @property
    def size_bytes(self) -> int:
        return len(self.data)


megabytes = size_label


def clean_filename(filename: str | None) -> str:
    """The member's name for the file, kept only to name the download. A name that climbs out of a
    folder or carries control characters (a right-to-left override that hides ".exe", say) is
    refused outright: nobody sends one by accident."""
    name = filename or ""
    controls = any(ord(c) < 32 or ord(c) == 127 or unicodedata.category(c) in ("Cc", "Cf") for c in name)
    if "/" in name or "\\" in name or name in (".", "..") or ".." in name or controls:
        raise Invalid(BAD_NAME, field=FIELD)
    if not name.strip():
        raise Invalid("Choose the file you want to share.", field=FIELD)
    return " ".join(name.split())[:200]


def read_limited(stream, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise Invalid(
            f"That file is too large: files in the library can be up to {megabytes(limit)}. Make it "
            "smaller (for a PDF, save it with smaller pictures) or split it, and try again.",
            field=FIELD,
        )
    if not data:
        raise Invalid(EMPTY, field=FIELD)
    return data


def check(upload_file, *, max_bytes: int, zip_entries: int, zip_unpacked: int, pdf_seconds: float) -> Checked:
    """Check an uploaded file (a werkzeug FileStorage); Invalid (field "file") if refused."""
    name = clean_filename(upload_file.filename)
    data = read_limited(upload_file.stream, max_bytes)
    checked = Checked("", data, hashlib.sha256(data).hexdigest(), name)
    head = data[:1024]
    if b"%PDF-" in head:
        _check_pdf(checked, pdf_seconds)
    elif data.startswith(b"PK\x03\x04"):
        _check_zip(checked, zip_entries, zip_unpacked)
    elif data.startswith(OLE_SIGNATURE):
        raise Invalid(OLD_OFFICE, field=FIELD)
    elif data.startswith(PROGRAM_SIGNATURES):
        raise Invalid(PROGRAM, field=FIELD)
    else:
        _check_text(checked)
    return checked


# -- plain text and CSV ---------------------------------------------------------------------------


def _check_text(checked: Checked) -> None:
    data = checked.data
    if b"\x00" in data:
        raise Invalid(NOT_ACCEPTED, field=FIELD)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise Invalid(NOT_ACCEPTED, field=FIELD) from None
    lowered = text[:4096].lstrip().lower().encode("utf-8", "ignore")
    if MARKUP_START.match(lowered) or any(tag in lowered for tag in MARKUP_INSIDE):
        raise Invalid(MARKUP, field=FIELD)
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text[:4096]):
        raise Invalid(NOT_ACCEPTED, field=FIELD)
    checked.file_type = "csv" if _is_csv(text) else "txt"
    checked.text = " ".join(text[: MAX_TEXT * 2].split())[:MAX_TEXT]


def _is_csv(text: str) -> bool:
    """Rows of the same number of columns, two or more, separated by commas, semicolons or tabs."""
    lines = [line for line in text[:8192].splitlines() if line.strip()][:20]
    if len(lines) < 2:
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t")
    except csv.Error:
        return False
    widths = {len(row) for row in csv.reader(lines, dialect)}
    return len(widths) == 1 and widths.pop() >= 2


# -- PDF: in a child process with a time limit (library_pdf.py says why) ----------------------------

PDF_SCRIPT = Path(__file__).with_name("library_pdf.py")


class ChildFailed(Exception):
    """The child process overran its time, ran out of memory or crashed."""


def run_pdf_child(args: list[str], seconds: float) -> dict:
    """Run library_pdf.py with `args`, killed after `seconds`; its printed JSON answer."""
    try:
        done = subprocess.run(  # noqa: S603 (this interpreter, our own script, paths we made)
            [sys.executable, "-I", str(PDF_SCRIPT), *args],
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ChildFailed("timeout") from None
    if done.returncode != 0:
        raise ChildFailed(f"exit {done.returncode}")
    try:
        return json.loads(done.stdout)
    except ValueError:
        raise ChildFailed("no answer") from None


def _check_pdf(checked: Checked, seconds: float) -> None:
    with tempfile.TemporaryDirectory(prefix="forum-pdf-") as folder:
        source, target = Path(folder) / "in.pdf", Path(folder) / "out.pdf"
        source.write_bytes(checked.data)
        try:
            answer = run_pdf_child(["check", str(source), str(target)], seconds)
        except ChildFailed as failure:
            if str(failure) == "timeout":
                raise Invalid(
                    f"That PDF took longer than {seconds:g} seconds to check, so we stopped: it is "
                    "unusually complex inside. Save it again (“Print to PDF” makes a simpler file) "
                    "and try once more.",
                    field=FIELD,
                ) from None
            raise Invalid(PDF_BROKEN, field=FIELD) from None
        if not answer.get("ok"):
            raise Invalid(PDF_LOCKED if answer.get("problem") == "encrypted" else PDF_BROKEN, field=FIELD)
        if answer.get("cleaned"):
            checked.data = target.read_bytes()
    checked.file_type = "pdf"
    checked.pages = int(answer.get("pages") or 0)
    checked.removed = list(answer.get("removed") or [])
    # Its text is read after it is stored, outside the request (services/library.py).
    checked.text_later = True


def pdf_text(path: Path, seconds: float) -> str | None:
    """The text of a stored PDF for search, or None when it could not be read in time."""
    try:
        return str(run_pdf_child(["text", str(path)], seconds).get("text") or "")[:MAX_TEXT]
    except ChildFailed:
        return None


# -- Office and OpenDocument: zip containers --------------------------------------------------------


def _check_zip(checked: Checked, max_entries: int, max_unpacked: int) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(checked.data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise Invalid(ZIP_BROKEN, field=FIELD) from None
    too_big = Invalid(
        f"That document unpacks to more than {megabytes(max_unpacked)} or has more than "
        f"{max_entries:,} parts: too much to check safely (it may be a “zip bomb”). If it is a real "
        "document, save it as a PDF and try again.",
        field=FIELD,
    )
    if len(entries) > max_entries or sum(e.file_size for e in entries) > max_unpacked:
        raise too_big
    names = {e.filename for e in entries}
    if any(e.filename.startswith("/") or ".." in e.filename.split("/") for e in entries):
        raise Invalid(ZIP_BROKEN, field=FIELD)
    if any(e.flag_bits & 0x1 for e in entries):
        raise Invalid(ZIP_LOCKED, field=FIELD)
    file_type = _container_type(archive, names)
    if _has_macros(archive, names):
        raise Invalid(MACROS, field=FIELD)
    _unpack_within(archive, entries, max_unpacked, too_big)
    checked.file_type = file_type


def _read_part(archive, name: str, limit: int = 1024 * 1024) -> bytes:
    with archive.open(name) as part:
        return part.read(limit)


def _container_type(archive, names: set[str]) -> str:
    try:
        if "mimetype" in names:
            kind = ODF_TYPES.get(_read_part(archive, "mimetype", 200).strip())
            if kind:
                return kind
        if "[Content_Types].xml" in names:
            for folder, kind in OOXML_FOLDERS.items():
                if any(name.startswith(folder) for name in names):
                    return kind
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, ValueError, EOFError, OSError):
        raise Invalid(ZIP_BROKEN, field=FIELD) from None
    raise Invalid(NOT_A_DOCUMENT, field=FIELD)


def _has_macros(archive, names: set[str]) -> bool:
    """A VBA project or ActiveX controls (Office), Basic or scripts (OpenDocument), or a content
    type that says macros are enabled (a .docm renamed .docx)."""
    for name in names:
        lowered = name.lower()
        base = lowered.rsplit("/", 1)[-1]
        if base.startswith("vbaproject") or base == "vbadata.xml" or "/activex/" in f"/{lowered}":
            return True
        if lowered.startswith(("basic/", "scripts/")):
            return True
    if "[Content_Types].xml" in names:
        try:
            types = _read_part(archive, "[Content_Types].xml").lower()
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, ValueError, EOFError, OSError):
            raise Invalid(ZIP_BROKEN, field=FIELD) from None
        return b"macroenabled" in types or b"vbaproject" in types
    return False


def _unpack_within(archive, entries, max_unpacked: int, too_big: Invalid) -> None:
    """Inflate every part, counting what comes out and stopping at the limit: the sizes a zip's
    directory declares are the sender's word, and a bomb lies about them."""
    total = 0
    try:
        for entry in entries:
            with archive.open(entry) as part:
                while chunk := part.read(256 * 1024):
                    total += len(chunk)
                    if total > max_unpacked:
                        raise too_big
    except Invalid:
        raise
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, ValueError, EOFError, OSError):
        raise Invalid(ZIP_BROKEN, field=FIELD) from None
