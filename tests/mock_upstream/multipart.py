"""A small multipart/form-data parser; the stdlib's `cgi` is deprecated and email parsing is slow."""

import re

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_DISPOSITION_PARAM = re.compile(rb'(name|filename)="([^"]*)"', re.IGNORECASE)


def is_multipart(content_type: str) -> bool:
    return content_type.lower().startswith("multipart/form-data")


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """Split a multipart body into text fields and files (name -> (filename, content))."""
    match = _BOUNDARY.search(content_type)
    if not match:
        raise ValueError("multipart body without a boundary")
    delimiter = b"--" + match.group(1).encode("latin-1")
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break  # the closing delimiter
        head, _, content = part.partition(b"\r\n\r\n")
        # Each part's content ends with the CRLF that precedes the next delimiter.
        if content.endswith(b"\r\n"):
            content = content[:-2]
        params = dict((key.lower(), value) for key, value in _DISPOSITION_PARAM.findall(head))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in params:
            files[name] = (params[b"filename"].decode("utf-8", "replace"), content)
        else:
            fields[name] = content.decode("utf-8", "replace")
    return fields, files
