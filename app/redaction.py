"""Redaction: channel keys, in any encoding or fragment, and provider-key shapes masked out of outgoing text.

Every path from upstream bytes to a person goes through here: client bodies, SSE events, error messages,
admin replies, log rows, log files and alerts. What is masked:
- a channel's key as it is, URL-encoded, and base64-encoded (standard and URL-safe alphabets, at each of
  the three byte alignments, so the key is found inside an encoded ``user:key`` or JSON as well as alone);
- any run of 8+ consecutive characters of one of those forms: an upstream that quotes "sk-abc...xyz", the
  middle of the key, or one part of a multi-part key (``AK|SK``) gives nothing away either;
- provider-key shapes, whoever's key it is: ``sk-…`` with a long tail, Google's ``AIza…``, the
  credentials after ``Bearer`` and after ``x-api-key``-style labels.

The check must cost next to nothing on a stream event that holds no secret. Every 8-character fragment
of a form contains one of a few 4-character *probes* picked from it (one in every 5 positions), and the
probes, with the fixed parts of the shapes, compile into one regular expression shaped like a trie.
Probes are picked to start with characters that are rare in JSON and prose, so the regex engine skips
most of an event on its first-character test. Only when it finds something are the exact spans worked
out. Fragments split across two separate texts (two stream events) are beyond a per-text check.
"""

from __future__ import annotations

import base64
import logging
import re
from functools import lru_cache
from typing import Iterable
from urllib.parse import quote, quote_plus

MASK = "[redacted]"
MIN_FRAGMENT = 8  # shorter runs are too common in ordinary text to mean anything
_PROBE = 4  # probe length; with one probe in every 5 positions, each 8-run holds a whole probe
_PROBE_GAP = MIN_FRAGMENT - _PROBE + 1
# Characters by how common they are in JSON chunks and prose, most common first; absent ones (capitals,
# most symbols) count as the rarest.
_COMMON = ' "etaoinsrhldcu:,mfpgwyb{}01.v-k_2x9j3q45z678'
_RARITY = {char: len(_COMMON) - rank for rank, char in enumerate(_COMMON)}

_TOKEN = r"[A-Za-z0-9._~+/=\-]"  # what credentials after a label are made of (never MASK's brackets)
_BARE_SHAPES = re.compile(r"(?<![A-Za-z0-9])(?:sk-[A-Za-z0-9_\-]{16,}|AIza[A-Za-z0-9_\-]{20,})")
_LABEL = r"(?:\b(?:x-goog-api-key|x-api-key|api[-_]?key|access[-_]?token)|[?&]key)[\"']?\s*[:=]\s*[\"']?"
_LABELLED_SHAPES = re.compile(rf"(?i)(\bbearer\s+|{_LABEL}){_TOKEN}{{8,}}")
# Literal pieces of the shapes above, for the fast check: specific, because each false alarm costs a slow
# pass over its text; case variants spelt out, because a case-insensitive pattern loses the regex
# engine's first-character skip.
_SHAPE_MARKERS = ("sk-", "AIza", "Bearer", "bearer", "BEARER", "-key", "_key", "-Key", "_Key", "-KEY", "_KEY",
                  "pikey", "piKey", "PIKEY", "?key", "&key", "ss_token", "ss-token", "ssToken", "SS_TOKEN")


class Redactor:
    """Masks a fixed set of secrets, and provider-key shapes, in ``str`` or ``bytes``; built once per key."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._forms = tuple(sorted({form for secret in secrets for form in encoded_forms(secret)}))
        self._probes: dict[str, list[tuple[str, int]]] = {}
        for form in self._forms:
            for offset in _probe_offsets(form):
                self._probes.setdefault(form[offset:offset + _PROBE], []).append((form, offset))
        alternatives = set(self._probes) | set(_SHAPE_MARKERS)
        self._anything = re.compile(_trie(alternatives))
        # Bytes are searched as latin-1 text; a non-latin-1 key is there as the latin-1 view of its UTF-8.
        self._anything_bytes = re.compile(_trie(word for word in alternatives if max(word) < "\u0100")
                                          .encode("latin-1"))
        # All probe positions, overlapping ones included (a plain finditer would skip them).
        self._probe_positions = re.compile(f"(?=({_trie(self._probes)}))") if self._probes else None

    def redact(self, text: str) -> str:
        if self._anything.search(text) is None:
            return text
        return self._redact_found(text)

    def redact_bytes(self, data: bytes) -> bytes:
        """Byte-for-byte outside the masked spans, so binary bodies and any text encoding survive."""
        if self._anything_bytes.search(data) is None:
            return data
        text = data.decode("latin-1")
        redacted = self._redact_found(text)
        return data if redacted == text else redacted.encode("latin-1")

    def _redact_found(self, text: str) -> str:
        spans = self._secret_spans(text)
        if spans:
            text = _mask_spans(text, spans)
        text = _BARE_SHAPES.sub(MASK, text)
        return _LABELLED_SHAPES.sub(lambda match: match.group(1) + MASK, text)

    def _secret_spans(self, text: str) -> list[tuple[int, int]]:
        if self._probe_positions is None:
            return []
        spans = []
        for found in self._probe_positions.finditer(text):
            start = found.start()
            for form, offset in self._probes[found.group(1)]:
                span = _matching_run(text, start, form, offset)
                if span is not None:
                    spans.append(span)
        return spans


def encoded_forms(secret: str) -> set[str]:
    """The strings a secret can show up as, 8 characters or longer.

    Each part of a multi-part key (``AK|SK``, ``appid|secret|key``) needs no forms of its own: the part is a
    run of the key, its URL encoding a run of the key's, and its base64 a run of the key's base64 at the
    alignment that starts the part on a 3-byte boundary; so any 8 characters of it are masked already.
    """
    if len(secret) < MIN_FRAGMENT:
        return set()
    raw = secret.encode("utf-8")
    forms = {secret, raw.decode("latin-1"), quote(secret, safe=""), quote_plus(secret, safe="")}
    for alignment in range(3):
        forms.update(_base64_core(raw, alignment))
    return {form for form in forms if len(form) >= MIN_FRAGMENT}


def _base64_core(raw: bytes, alignment: int) -> tuple[str, str]:
    """The base64 characters that depend on ``raw`` alone when ``alignment`` bytes precede it."""
    first = -(-8 * alignment // 6)  # the first character with no bits of the bytes before
    last = 8 * (alignment + len(raw)) // 6  # past the last character with no bits of the bytes after
    padded = b"\0" * alignment + raw
    return (base64.b64encode(padded).decode("ascii")[first:last],
            base64.urlsafe_b64encode(padded).decode("ascii")[first:last])


def _probe_offsets(form: str) -> list[int]:
    """Probe starts such that every window of MIN_FRAGMENT characters holds a whole probe: greedily, the
    rarest character among the candidates for the leftmost window not yet covered (the rightmost on ties)."""
    offsets: list[int] = []
    window = 0
    last_window = len(form) - MIN_FRAGMENT
    while window <= last_window:
        candidates = range(window, window + _PROBE_GAP)
        best = min(candidates, key=lambda position: (_RARITY.get(form[position], 0), -position))
        offsets.append(best)
        window = best + 1
    return offsets


def _trie(words: Iterable[str]) -> str:
    """One regex alternation of ``words`` shaped as a trie: the engine tests a character once per branch."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_branch(root)


def _trie_branch(node: dict) -> str:
    if "" in node:
        return ""  # a shorter word ends here: matching it is enough to say "found"
    branches = [re.escape(char) + _trie_branch(child) for char, child in sorted(node.items())]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _matching_run(text: str, start: int, form: str, offset: int) -> tuple[int, int] | None:
    """The longest run of ``text`` around a probe found at ``start`` that matches ``form`` around ``offset``."""
    left, form_left = start, offset
    while left > 0 and form_left > 0 and text[left - 1] == form[form_left - 1]:
        left, form_left = left - 1, form_left - 1
    right, form_right = start + _PROBE, offset + _PROBE
    while right < len(text) and form_right < len(form) and text[right] == form[form_right]:
        right, form_right = right + 1, form_right + 1
    if left > 0 and text[left - 1] == "\\":
        left += 1  # keep a JSON escape whole: "\n" followed by a key starting with "n" stays valid JSON
    return (left, right) if right - left >= MIN_FRAGMENT else None


def _mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """One MASK for each group of overlapping or touching spans."""
    pieces, position = [], 0
    for start, end in sorted(spans):
        if start <= position and pieces:
            position = max(position, end)  # overlaps the span just masked
            continue
        pieces += (text[position:start], MASK)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


@lru_cache(maxsize=256)  # a deployment's channels; each redactor holds a few compiled regexes
def redactor_for(channel_key: str) -> Redactor:
    """The redactor for one channel's key; built once, as channel snapshots (and so their keys) never change."""
    return Redactor((channel_key,) if channel_key else ())


def redact(text: str, channel_key: str = "") -> str:
    """``text`` without ``channel_key`` in any form and without provider-key shapes."""
    return redactor_for(channel_key).redact(text)


def redact_bytes(data: bytes, channel_key: str = "") -> bytes:
    return redactor_for(channel_key).redact_bytes(data)


class _KnownKeys:
    """The keys of every channel this process has loaded, for text not tied to one channel (log files, alerts)."""

    keys: frozenset[str] = frozenset()
    redactor: Redactor | None = None  # built when the keys change, not when a log line needs it


def remember_channel_keys(keys: Iterable[str]) -> None:
    """Called with every channel's key whenever the channel pool is loaded; the newest set replaces the last."""
    keys = frozenset(filter(None, keys))
    if keys != _KnownKeys.keys or _KnownKeys.redactor is None:
        _KnownKeys.redactor, _KnownKeys.keys = Redactor(keys), keys


def redact_known(text: str) -> str:
    """``text`` without the key of any channel this process knows, nor provider-key shapes."""
    return (_KnownKeys.redactor or redactor_for("")).redact(text)


class RedactingFilter(logging.Filter):
    """A handler filter that masks known channel keys and key shapes in the message and the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: let the handler report it as it always does
            return True
        record.msg, record.args = redact_known(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_known(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_known(record.stack_info)
        return True
