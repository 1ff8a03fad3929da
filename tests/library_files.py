"""Real documents, crafted for the library tests: a PDF with words in it, and every kind of file the
library must clean or refuse (a PDF with JavaScript, an encrypted one, a broken one, HTML named
.pdf, a Word file with a macro part, zip bombs). Each is made in memory, without any PDF or Office
software: a PDF is a few objects and a cross-reference table, a .docx a zip of a few XML parts."""

import io
import os
import zipfile


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _page_stream(lines) -> bytes:
    """A page's content stream: each line of text in Helvetica, top to bottom."""
    parts = ["BT /F1 12 Tf 14 TL 72 760 Td"]
    for line in lines:
        parts.append(f"({_escape(line)}) Tj T*")
    parts.append("ET")
    return "\n".join(parts).encode("latin-1")


def pdf(pages=("A community toolkit",), *, catalog_extra="", objects=(), page_extra="", padding=0) -> bytes:
    """A valid PDF, one page per item of `pages` (a string, or a list of lines), written by hand.

    catalog_extra: more entries for the document catalog (an /OpenAction, /Names, ...), which may
    refer to `objects`: the bodies of extra objects, numbered from 100 in order. page_extra: more
    entries for each page (/AA, /Annots ...). padding: bytes of incompressible data in a stream
    nothing shows, to make a file of a given size."""
    bodies: dict[int, bytes] = {}
    count = len(pages)
    first_page = 10
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(count))
    bodies[1] = f"<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>".encode()
    bodies[2] = f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode()
    bodies[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    if padding:
        data = os.urandom(padding)
        bodies[4] = b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
    for i, text in enumerate(pages):
        lines = [text] if isinstance(text, str) else list(text)
        stream = _page_stream(lines)
        page_number = first_page + 2 * i
        bodies[page_number] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {page_number + 1} 0 R {page_extra} >>"
        ).encode()
        bodies[page_number + 1] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    for i, body in enumerate(objects):
        bodies[100 + i] = body.encode() if isinstance(body, str) else body
    return _assemble(bodies)


def _assemble(bodies: dict[int, bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(bodies):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + bodies[number] + b"\nendobj\n")
    size = max(bodies) + 1
    xref = out.tell()
    out.write(b"xref\n0 %d\n" % size)
    out.write(b"0000000000 65535 f \n")
    for number in range(1, size):
        if number in offsets:
            out.write(b"%010d 00000 n \n" % offsets[number])
        else:
            out.write(b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


SCRIPT = "app.alert('hello from a script')"


def pdf_with_javascript(text="A toolkit with a script") -> bytes:
    """A PDF that runs JavaScript when opened (/OpenAction), from the document's named scripts,
    and when a page opens (/AA), and carries an embedded file."""
    action = f"<< /Type /Action /S /JavaScript /JS ({SCRIPT}) >>"
    embedded = "<< /Type /EmbeddedFile /Length 11 >>\nstream\nhello world\nendstream"
    spec = "<< /Type /Filespec /F (payload.exe) /EF << /F 101 0 R >> >>"
    return pdf(
        [text],
        catalog_extra=(
            "/OpenAction 100 0 R /Names << /JavaScript << /Names [(start) 100 0 R] >> "
            "/EmbeddedFiles << /Names [(payload.exe) 102 0 R] >> >>"
        ),
        page_extra="/AA << /O 100 0 R >>",
        objects=[action, embedded, spec],
    )


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(["Secret plans"]))))
    writer.encrypt("open sesame")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def broken_pdf() -> bytes:
    """A PDF's header and its first bytes, then nothing: a download cut short."""
    return pdf(["A toolkit that never finished downloading"])[:120]


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" '
    b'onload="alert(document.cookie)"><rect width="10" height="10"/></svg>\n'
)
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
CSV = b"session,attendees,rating\nWelcome circle,12,4.5\nConversation club,9,4.8\n"
TEXT = b"Session plan: welcome circle, then pairs.\nBring name cards.\n"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
)


def docx(text="A session plan", extra=None) -> bytes:
    """A minimal Word document; `extra`: more parts, name -> bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", _DOCUMENT.format(text=text))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_with_macro() -> bytes:
    """A Word document carrying a VBA project, as a .docm saved under a .docx name would."""
    return docx(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512})


def odt(text="A session plan") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            f'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
            f"<text:p>{text}</text:p></office:text></office:body></office:document-content>",
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        )
    return out.getvalue()


def docx_bomb(megabytes=300) -> bytes:
    """A Word document one of whose parts inflates to `megabytes` of zeros, in a few hundred kB."""
    out = io.BytesIO()
    block = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", _DOCUMENT.format(text="Nothing to see"))
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(block)
    return out.getvalue()


def docx_with_many_parts(count=20_000) -> bytes:
    """A Word document of tens of thousands of tiny parts: a bomb by number rather than size."""
    return docx(extra={f"word/media/p{i}.xml": b"<a/>" for i in range(count)})
