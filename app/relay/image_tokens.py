"""What an image in a chat prompt costs: OpenAI's tile formula, with sizes read from data URLs."""

from __future__ import annotations

import binascii
import math
import struct

# Sizes assumed for remote images: fetching them would put the network on the hot path
# (One API fetches; it also yields the common 765 tokens for a square photo).
_REMOTE_IMAGE_SIZE = (1024, 1024)


def image_token_count(url: object, detail: object, model: str) -> int:
    """OpenAI's vision formula: fit 2048, shorter side to 768, then 512-px tiles."""
    per_tile, base = (5667, 2833) if model.startswith("gpt-4o-mini") else (170, 85)
    if detail == "low" or not isinstance(url, str):
        return base
    scheme = url[:8].lower()
    if scheme.startswith("data:"):
        size = _data_url_size(url)
    elif scheme.startswith(("http://", "https://")):
        size = _REMOTE_IMAGE_SIZE
    else:
        size = None
    if not size:
        return base
    width, height = size
    if width > 2048 or height > 2048:
        ratio = 2048 / max(width, height)
        width, height = int(width * ratio), int(height * ratio)
    if width > 768 and height > 768:
        ratio = 768 / min(width, height)
        width, height = int(width * ratio), int(height * ratio)
    return math.ceil(width / 512) * math.ceil(height / 512) * per_tile + base


_HEADER_CHARS = 4096  # base64 characters decoded first; enough for PNG, GIF and WebP headers


def _data_url_size(url: str) -> tuple[int, int] | None:
    comma = url.find(",")
    if comma < 0 or not url[:comma].lower().endswith(";base64"):
        return None
    start = comma + 1
    is_whole = len(url) - start <= _HEADER_CHARS
    head = _b64decode(url[start:start + _HEADER_CHARS], whole=is_whole)
    size = _image_size(head)
    if size is None and head[:2] == b"\xff\xd8" and not is_whole:
        size = _image_size(_b64decode(url[start:], whole=True))  # EXIF can push a JPEG's SOF far in
    return size


def _b64decode(text: str, whole: bool) -> bytes:
    text = "".join(text.split()).translate(_URLSAFE)
    text = text + "=" * (-len(text) % 4) if whole else text[: len(text) // 4 * 4]
    try:
        return binascii.a2b_base64(text)
    except (binascii.Error, ValueError):
        return b""


_URLSAFE = str.maketrans("-_", "+/")
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = frozenset(range(0xD0, 0xDA)) | {0x01}


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG, GIF, WebP or JPEG header, or None."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a" and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and data[20:21] == b"\x2f" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index, end = 2, len(data)
    while index + 4 <= end:
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
        elif marker in _JPEG_STANDALONE:
            index += 2
        elif marker in _JPEG_SOF:
            if index + 9 > end:
                return None
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return width, height
        else:
            length = int.from_bytes(data[index + 2:index + 4], "big")
            if length < 2:
                return None
            index += 2 + length
    return None
