"""Images (generations, edits, variations) and audio (speech, transcriptions, translations)."""

import base64

from .exchange import Call, Reply
from .wire import BadRequest, dumps, new_id, now

# A valid 1×1 transparent PNG, so clients that decode `b64_json` get a real image.
PNG_PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
_PNG_PIXEL_B64 = base64.b64encode(PNG_PIXEL).decode("ascii")
# An ID3 tag then repeated MPEG frame headers: enough to look like MP3, decodes to nothing.
FAKE_AUDIO = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 413 * 2
_AUDIO_TYPES = {
    "mp3": "audio/mpeg", "opus": "audio/ogg", "aac": "audio/aac",
    "flac": "audio/flac", "wav": "audio/wav", "pcm": "audio/pcm",
}
TRANSCRIPT_SECONDS = 2.0
_PLAIN_TEXT = "text/plain; charset=utf-8"


def generate_images(call: Call) -> Reply:
    if not call.payload.get("prompt"):
        raise BadRequest("'prompt' is a required property", param="prompt")
    return _images(call)


def edit_images(call: Call) -> Reply:
    if not call.payload.get("prompt"):
        raise BadRequest("'prompt' is a required property", param="prompt")
    _require_file(call, "image", "image[]")
    return _images(call)


def vary_images(call: Call) -> Reply:
    _require_file(call, "image", "image[]")
    return _images(call)


def create_speech(call: Call) -> Reply:
    body = call.payload
    if not body.get("input"):
        raise BadRequest("'input' is a required property", param="input")
    audio_format = body.get("response_format") or "mp3"
    if audio_format not in _AUDIO_TYPES:
        raise BadRequest(f"Invalid response_format '{audio_format}'", param="response_format")
    return Reply(200, FAKE_AUDIO, _AUDIO_TYPES[audio_format])


def transcribe_audio(call: Call) -> Reply:
    """Transcriptions and translations: the transcript is `reply_text` in the asked format."""
    _require_file(call, "file")
    text = call.behaviour.reply_text
    audio_format = call.payload.get("response_format") or "json"
    if audio_format == "json":
        return Reply(200, dumps({"text": text}))
    if audio_format == "verbose_json":
        return Reply(200, dumps(_verbose_transcript(call, text)))
    if audio_format == "text":
        return Reply(200, f"{text}\n".encode(), _PLAIN_TEXT)
    if audio_format == "srt":
        return Reply(200, f"1\n00:00:00,000 --> 00:00:02,000\n{text}\n\n".encode(), _PLAIN_TEXT)
    if audio_format == "vtt":
        return Reply(200, f"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n{text}\n\n".encode(), "text/vtt")
    raise BadRequest(f"Invalid response_format '{audio_format}'", param="response_format")


def _images(call: Call) -> Reply:
    body = call.payload
    count = int(body.get("n") or 1)
    if body.get("response_format") == "b64_json":
        data = [{"b64_json": _PNG_PIXEL_B64} for _ in range(count)]
    else:
        data = [{"url": f"https://mock-upstream.invalid/{new_id('img-')}.png",
                 "revised_prompt": body.get("prompt")} for _ in range(count)]
    return Reply(200, dumps({"created": now(), "data": data}))


def _verbose_transcript(call: Call, text: str) -> dict:
    return {
        "task": "translate" if call.request.route.endswith("translations") else "transcribe",
        "language": "english",
        "duration": TRANSCRIPT_SECONDS,
        "text": text,
        "segments": [{
            "id": 0, "seek": 0, "start": 0.0, "end": TRANSCRIPT_SECONDS, "text": text, "tokens": [],
            "temperature": 0.0, "avg_logprob": 0.0, "compression_ratio": 1.0, "no_speech_prob": 0.0,
        }],
    }


def _require_file(call: Call, *names: str) -> None:
    files = call.request.files or {}
    if not any(files.get(name) for name in names):
        raise BadRequest(f"'{names[0]}' is a required file field", param=names[0])
