"""Relay modes: which OpenAI endpoint a request is for, decided from its path."""

from __future__ import annotations

from enum import IntEnum


class RelayMode(IntEnum):
    CHAT = 1
    COMPLETIONS = 2
    EMBEDDINGS = 3
    MODERATIONS = 4
    IMAGES_GENERATIONS = 5
    EDITS = 6
    AUDIO_SPEECH = 7
    AUDIO_TRANSCRIPTION = 8
    AUDIO_TRANSLATION = 9
    IMAGES_EDITS = 11
    IMAGES_VARIATIONS = 12


# Path after "/v1/" → mode.
MODE_BY_PATH: dict[str, RelayMode] = {
    "chat/completions": RelayMode.CHAT,
    "completions": RelayMode.COMPLETIONS,
    "embeddings": RelayMode.EMBEDDINGS,
    "moderations": RelayMode.MODERATIONS,
    "images/generations": RelayMode.IMAGES_GENERATIONS,
    "images/edits": RelayMode.IMAGES_EDITS,
    "images/variations": RelayMode.IMAGES_VARIATIONS,
    "edits": RelayMode.EDITS,
    "audio/speech": RelayMode.AUDIO_SPEECH,
    "audio/transcriptions": RelayMode.AUDIO_TRANSCRIPTION,
    "audio/translations": RelayMode.AUDIO_TRANSLATION,
}

# The model a request means when its body names none (One API's defaults).
DEFAULT_MODEL: dict[RelayMode, str] = {
    RelayMode.MODERATIONS: "text-moderation-latest",
    RelayMode.IMAGES_GENERATIONS: "dall-e-2",
    RelayMode.IMAGES_EDITS: "dall-e-2",
    RelayMode.IMAGES_VARIATIONS: "dall-e-2",
    RelayMode.AUDIO_TRANSCRIPTION: "whisper-1",
    RelayMode.AUDIO_TRANSLATION: "whisper-1",
}

MULTIPART_MODES = frozenset({
    RelayMode.AUDIO_TRANSCRIPTION, RelayMode.AUDIO_TRANSLATION, RelayMode.IMAGES_EDITS, RelayMode.IMAGES_VARIATIONS,
})
TEXT_MODES = frozenset({
    RelayMode.CHAT, RelayMode.COMPLETIONS, RelayMode.EMBEDDINGS, RelayMode.MODERATIONS, RelayMode.EDITS,
})
