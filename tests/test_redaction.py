"""Redaction: a channel key in every form and fragment, and provider-key shapes, never survive; other text does."""

from __future__ import annotations

import base64
import logging
import secrets
from urllib.parse import quote, quote_plus

import pytest

from app import redaction
from app.redaction import MASK, Redactor, RedactingFilter, redact, redact_bytes, redactor_for
from tests.canaries import assert_no_trace

KEY = "sk-canary-" + secrets.token_hex(20)
ORDINARY = [
    "Hello from the mock upstream.",
    'The key to success is practice; "sk-" starts OpenAI keys, and Bearer tokens go in headers.',
    "Use api_key=None in tests, and keep desk-lamps off. Tokens: prompt_tokens, completion_tokens.",
    '{"id":"chatcmpl-mock0000000001","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini",'
    '"choices":[{"index":0,"delta":{"content":"Paris is the capital of France."},"finish_reason":null}]}',
    "Visit https://example.com/docs?page=2 for 12345678 reasons; ABCDEFGHIJ and 0123456789 are ordinary too.",
    "日本語のテキストと emoji 🎉 stay as they are.",
]


def base64_wrappings(secret: str) -> list[str]:
    """The secret base64-encoded on its own and behind 1 and 2 other bytes, both alphabets."""
    raw = secret.encode()
    return [encode(prefix + raw + suffix).decode() for prefix in (b"", b"u", b"us") for suffix in (b"", b"!")
            for encode in (base64.b64encode, base64.urlsafe_b64encode)]


def test_the_full_key_is_masked():
    assert redact(f"Incorrect API key provided: {KEY}.", KEY) == f"Incorrect API key provided: {MASK}."


@pytest.mark.parametrize("encoded", base64_wrappings(KEY) + base64_wrappings("?>?>" + KEY + "~~~"))
def test_base64_forms_are_masked_at_every_alignment(encoded):
    redacted = redact(f"credentials {encoded} end", KEY)

    assert redacted.startswith("credentials ") and redacted.endswith(" end") and MASK in redacted
    assert_no_trace(encoded[8:-8], redacted)  # the ends also encode the bytes around the key


def test_basic_auth_of_user_and_key_is_masked():
    header = "Basic " + base64.b64encode(f"admin:{KEY}".encode()).decode()
    redacted = redact(header, KEY)
    assert base64.b64encode(KEY.encode()).decode()[:12] not in redacted and MASK in redacted


@pytest.mark.parametrize("key", ["abc/def+ghi=jkl&mno p", "ключ-секрет-12345"])
def test_url_encoded_forms_are_masked(key):
    for encoded in (quote(key, safe=""), quote_plus(key), quote(key)):
        redacted = redact(f"GET /v1?k={encoded}&x=1", key)
        assert encoded not in redacted and MASK in redacted


@pytest.mark.parametrize("start, length", [(0, 8), (3, 8), (10, 9), (17, 13), (len(KEY) - 8, 8), (5, 40)])
def test_fragments_of_eight_or_more_characters_are_masked(start, length):
    fragment = KEY[start:start + length]

    redacted = redact(f"the upstream saw ...{fragment}... in the header", KEY)

    assert fragment not in redacted and redacted.count(MASK) == 1
    assert redacted.startswith("the upstream saw ...") and redacted.endswith("... in the header")


def test_fragments_shorter_than_eight_characters_stay():
    text = f"ends with {KEY[-7:]} and starts with {KEY[:7]}"
    assert redact(text, KEY) == text


def test_each_part_of_a_multi_part_key_is_masked_and_short_parts_are_not():
    app_id, secret, api_key = "app-12", "s3cr3t-" + secrets.token_hex(8), secrets.token_hex(16)
    key = f"{app_id}|{secret}|{api_key}"

    redacted = redact(f"appid {app_id} secret={secret}; key {api_key[4:20]}; b64 "
                      f"{base64.b64encode(secret.encode()).decode()}; all {key}", key)

    assert app_id in redacted  # six characters: too short to tell from ordinary text
    for part in (secret, api_key, key):
        assert_no_trace(part, redacted)


@pytest.mark.parametrize("text, expected", [
    ("Incorrect API key provided: sk-proj-AbCdEfGhIjKlMnOpQrStUv123456.", f"Incorrect API key provided: {MASK}."),
    ("Anthropic: sk-ant-api03-abcdefghijklmnopqrstuvwx_yz-0123456789", f"Anthropic: {MASK}"),
    ("https://generativelanguage.googleapis.com/v1?key=AIzaSyD-abcdefghijklmnopqrstuvwxyz12345",
     f"https://generativelanguage.googleapis.com/v1?key={MASK}"),
    ("Google said AIzaSyD-abcdefghijklmnopqrstuvwxyz12345 is invalid", f"Google said {MASK} is invalid"),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature", f"Authorization: Bearer {MASK}"),
    ("authorization: bearer abcdefgh12345678", f"authorization: bearer {MASK}"),
    ("x-api-key: 0123456789abcdef0123", f"x-api-key: {MASK}"),
    ('{"api_key": "zyxwvuts98765432"}', f'{{"api_key": "{MASK}"}}'),
    ("access_token=24.abcdef0123456789.2592000&x=1", f"access_token={MASK}&x=1"),
    ("GET /path?key=0123456789abcdef", f"GET /path?key={MASK}"),
])
def test_provider_key_shapes_are_masked_whoever_owns_them(text, expected):
    assert redact(text) == expected
    assert redact_bytes(text.encode()) == expected.encode()


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_left_alone(text):
    assert redact(text, KEY) == text
    assert redact_bytes(text.encode(), KEY) == text.encode()


@pytest.mark.parametrize("text", [
    f"Bearer {KEY}", f"{KEY[3:30]} and {base64.b64encode(KEY.encode()).decode()}", "x-api-key: abcdefghijkl",
    f"sk-{secrets.token_hex(12)}{KEY}", f"{KEY}{KEY}", *ORDINARY,
])
def test_redaction_is_idempotent(text):
    once = redact(text, KEY)
    assert redact(once, KEY) == once


def test_bytes_are_changed_only_where_masked():
    binary = bytes(range(256)) * 4
    data = binary + b'"' + KEY.encode() + b'"' + binary

    assert redact_bytes(data, KEY) == binary + b'"' + MASK.encode() + b'"' + binary
    assert redact_bytes(binary, KEY) is binary


def test_a_json_escape_before_the_key_stays_valid_json():
    key = "nabcdefghijklmnop"
    assert redact('{"m": "line\\nabcdefghijklmnop"}', key) == '{"m": "line\\n' + MASK + '"}'


def test_the_redactor_for_a_key_is_built_once():
    redactor_for.cache_clear()
    first = redactor_for(KEY)
    assert redactor_for(KEY) is first and redactor_for.cache_info().hits == 1
    assert redactor_for("sk-another-" + secrets.token_hex(16)) is not first


def test_a_key_without_fragments_of_eight_characters_is_not_matched_piecemeal():
    assert Redactor(["short"]).redact("a short text") == "a short text"


def test_known_channel_keys_are_masked_in_log_records(caplog):
    other = "sk-other-" + secrets.token_hex(16)
    redaction.remember_channel_keys([KEY, other])
    handler = logging.Handler()
    records: list[str] = []
    handler.emit = lambda record: records.append(handler.format(record))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("Channel #1 was disabled automatically: %s", f"bad key {KEY[2:20]}")
        try:
            raise ValueError(f"upstream said {other}")
        except ValueError:
            logger.exception("failed with %s", base64.b64encode(KEY.encode()).decode())
    finally:
        logger.removeHandler(handler)
        redaction.remember_channel_keys([])
    assert len(records) == 2 and MASK in records[0] and "Traceback" in records[1]
    for record in records:
        assert_no_trace(KEY, record)
        assert_no_trace(other, record)
