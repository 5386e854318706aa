"""Built-in reply limits: the most completion tokens a model writes in one choice, from the providers' model pages.

A call that names no max_tokens is reserved as if each choice ran to this limit, since the upstream may
let it. Sources: platform.openai.com/docs/models, docs.anthropic.com (models overview, "max output"),
ai.google.dev/gemini-api/docs/models, api-docs.deepseek.com (models & pricing).
"""

# Exact names first; they beat any prefix below.
OUTPUT_LIMITS: dict[str, int] = {
    # OpenAI
    "gpt-4o-2024-05-13": 4_096,
    "gpt-4": 8_192,
    "gpt-4-0314": 8_192,
    "gpt-4-0613": 8_192,
    "gpt-4-32k": 32_768,
    "gpt-3.5-turbo-instruct": 4_096,
    "o1-preview": 32_768,
    "o1-preview-2024-09-12": 32_768,
    "o1-mini": 65_536,
    "o1-mini-2024-09-12": 65_536,
    # Anthropic
    "claude-opus-4-20250514": 32_000,
    "claude-opus-4-0": 32_000,
    "claude-opus-4-1": 32_000,
    "claude-opus-4-1-20250805": 32_000,
    # DeepSeek
    "deepseek-chat": 8_192,
    "deepseek-reasoner": 65_536,
}

# (prefix, limit), the first match wins, so longer prefixes come before shorter ones.
OUTPUT_LIMITS_BY_PREFIX: tuple[tuple[str, int], ...] = (
    # OpenAI
    ("gpt-5", 128_000),
    ("gpt-4.1", 32_768),
    ("gpt-4.5", 16_384),
    ("gpt-4o-mini", 16_384),
    ("gpt-4o", 16_384),
    ("chatgpt-4o", 16_384),
    ("gpt-4-turbo", 4_096),
    ("gpt-4-1106", 4_096),
    ("gpt-4-0125", 4_096),
    ("gpt-4-vision", 4_096),
    ("gpt-4-32k", 32_768),
    ("gpt-3.5-turbo", 4_096),
    ("o1", 100_000),
    ("o3", 100_000),
    ("o4-mini", 100_000),
    # Anthropic
    ("claude-opus-4-5", 64_000),
    ("claude-sonnet-4", 64_000),
    ("claude-haiku-4", 64_000),
    ("claude-3-7-sonnet", 64_000),
    ("claude-3-5-sonnet", 8_192),
    ("claude-3-5-haiku", 8_192),
    ("claude-3", 4_096),
    ("claude-2", 4_096),
    ("claude-instant", 4_096),
    # Google
    ("gemini-2.5", 65_536),
    ("gemini-2.0", 8_192),
    ("gemini-1.5", 8_192),
    ("gemini-1.0", 2_048),
    ("gemini-pro", 2_048),
)

# A model in neither table: the gateway sends this as max_tokens when the client names none, so that
# the reservation bounds the reply even though the model's own limit is unknown.
DEFAULT_OUTPUT_LIMIT: int = 8_192
