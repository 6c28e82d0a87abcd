"""What an upload is, decided from its first bytes only, and images made safe by re-encoding.

The name and the type the browser declares are never trusted. Images are decoded and encoded
again by Pillow, which drops everything but the pixels (EXIF with GPS position, comments, XMP),
after turning them upright by their EXIF orientation; a thumbnail is made from the same pixels.
"""
from __future__ import annotations

import hashlib
import io
from typing import BinaryIO

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
IMAGES = {JPEG: "JPEG", PNG: "PNG"}
MAX_PIXELS = 50_000_000  # a 50-megapixel photo; beyond that an image is refused, not decoded
THUMBNAIL_SIZE = (320, 320)
READ_SIZE = 1024 * 1024


class BadContent(Exception):
    pass


def sniff(head: bytes) -> str | None:
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def measure(stream: BinaryIO, limit: int) -> tuple[int, str] | None:
    """Size and SHA-256 of the stream, read piece by piece from the start; None when above limit."""
    stream.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(READ_SIZE):
        size += len(chunk)
        if size > limit:
            return None
        digest.update(chunk)
    stream.seek(0)
    return size, digest.hexdigest()


def pieces(stream: BinaryIO):
    stream.seek(0)
    while chunk := stream.read(READ_SIZE):
        yield chunk
    stream.seek(0)


def reencode(stream: BinaryIO, content_type: str) -> tuple[io.BytesIO, io.BytesIO]:
    """The image with only its pixels, and a thumbnail; BadContent if it does not decode."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    fmt = IMAGES[content_type]
    stream.seek(0)
    try:
        with Image.open(stream, formats=[fmt]) as original:
            if original.width * original.height > MAX_PIXELS:
                raise BadContent("too many pixels")
            original.load()
            upright = ImageOps.exif_transpose(original)
    except (Image.DecompressionBombError, Image.UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise BadContent(str(error)) from None
    if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    if fmt == "PNG" and upright.mode not in ("RGB", "RGBA", "L", "LA", "P", "1", "I;16", "I"):
        upright = upright.convert("RGBA")
    upright.info = {}  # nothing of the original's metadata goes along
    clean, thumb = io.BytesIO(), io.BytesIO()
    options = {"quality": 90} if fmt == "JPEG" else {}
    upright.save(clean, format=fmt, **options)
    small = upright.copy()
    small.thumbnail(THUMBNAIL_SIZE)
    small.save(thumb, format=fmt, **options)
    clean.seek(0)
    thumb.seek(0)
    return clean, thumb
