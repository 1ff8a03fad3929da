"""Real files, crafted for the upload tests: good images (with EXIF GPS and orientation) and
every kind of bad input the uploads must refuse. Each is made in memory, in milliseconds."""

import io
import struct
import zipfile
import zlib

from PIL import ExifTags, Image

GPS_LATITUDE = (51.0, 30.0, 12.5)


def image_bytes(fmt="JPEG", size=(60, 40), mode="RGB", exif=None, color=(200, 30, 30)):
    image = Image.new(mode, size, color if mode != "L" else 128)
    # A second colour in the top-left corner, so a rotation can be seen in the pixels.
    image.paste((0, 0, 255) if mode == "RGB" else 0, (0, 0, size[0] // 4, size[1] // 4))
    out = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **options)
    return out.getvalue()


def exif_with_gps(orientation=None):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: GPS_LATITUDE,
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    return exif


def jpeg_with_gps(orientation=6, size=(60, 40)):
    """A JPEG a phone would make: GPS in its EXIF, and turned a quarter by the Orientation tag."""
    return image_bytes("JPEG", size=size, exif=exif_with_gps(orientation))


def has_gps(data: bytes) -> bool:
    exif = Image.open(io.BytesIO(data)).getexif()
    return bool(exif.get_ifd(ExifTags.IFD.GPSInfo)) or ExifTags.Base.GPSInfo in exif


PHP = b"<?php echo shell_exec($_GET['c']); ?>\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" '
    b'onload="alert(document.cookie)"><rect width="10" height="10"/></svg>\n'
)
SCRIPT_PAYLOAD = b"<script>alert('hidden in a jpeg')</script>"


def polyglot_jpeg():
    """A valid JPEG with a script after its end: a browser sniffing it might find HTML."""
    return image_bytes("JPEG") + SCRIPT_PAYLOAD


def truncated_jpeg():
    data = image_bytes("JPEG", size=(400, 300))
    return data[: len(data) // 2]


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def huge_png(width=50_000, height=50_000):
    """A PNG that says it is 50,000 × 50,000 (2.5 gigapixels) in a few hundred bytes: a header,
    and the start of a compressed stream of blank rows. Decoding it would need gigabytes."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    body = compressor.compress(row * 64) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def png_bomb(side=8_000):
    """A complete, valid PNG of side × side greyscale zeros: 64 million pixels in about 60 kB."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + side)
    parts = [compressor.compress(row * 500) for _ in range(side // 500)]
    parts.append(compressor.flush())
    idat = _chunk(b"IDAT", b"".join(parts))
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + idat + _chunk(b"IEND", b"")


def zip_bomb(megabytes=50):
    """A zip archive that inflates to `megabytes` of zeros, in about 50 kB."""
    out = io.BytesIO()
    block = b"\x00" * (1024 * 1024)
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("zeros.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(block)
    return out.getvalue()
