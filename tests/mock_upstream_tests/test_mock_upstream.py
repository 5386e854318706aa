"""The mock upstream speaks OpenAI's wire format (checked with the official SDK) and obeys its knobs."""

import base64
import http.client
import json
import struct
import time

import openai
import pytest
import requests

REPLY = "Hello from the mock upstream."
HELLO = [{"role": "user", "content": "Say hello"}]  # 2 words + 3 per message = 5 prompt tokens


@pytest.fixture
def client(mock_upstream):
    return openai.OpenAI(base_url=mock_upstream.url + "/v1", api_key="sk-test", max_retries=0)


def sse_data_lines(response: requests.Response) -> list[str]:
    return [line[len("data: "):] for line in response.iter_lines(decode_unicode=True) if line.startswith("data: ")]


# --- chat completions through the SDK ---------------------------------------------------------

def test_chat_completion_returns_reply_and_predictable_usage(client):
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=HELLO)

    assert completion.id.startswith("chatcmpl-")
    assert completion.object == "chat.completion"
    assert completion.model == "gpt-4o-mini"
    assert completion.choices[0].message.role == "assistant"
    assert completion.choices[0].message.content == REPLY
    assert completion.choices[0].finish_reason == "stop"
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (5, 5)
    assert completion.usage.total_tokens == 10


def test_chat_prompt_tokens_count_words_plus_three_per_message(client):
    messages = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": [{"type": "text", "text": "one two three"}]},
    ]
    completion = client.chat.completions.create(model="gpt-4o", messages=messages)
    assert completion.usage.prompt_tokens == (2 + 3) + (3 + 3)


def test_chat_n_returns_n_choices_and_counts_their_tokens(client, mock_upstream):
    mock_upstream.behaviour.chunk_count = 3
    completion = client.chat.completions.create(model="gpt-4o", messages=HELLO, n=2)
    assert [choice.index for choice in completion.choices] == [0, 1]
    assert completion.usage.completion_tokens == 6


def test_chat_stream_with_include_usage_ends_with_usage_chunk(client, mock_upstream):
    mock_upstream.behaviour.chunk_count = 4
    stream = client.chat.completions.create(
        model="gpt-4o-mini", messages=HELLO, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)

    assert all(chunk.object == "chat.completion.chunk" for chunk in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[0].choices[0].delta.content == ""
    content_chunks = chunks[1:-1]
    assert len(content_chunks) == 4
    assert "".join(chunk.choices[0].delta.content for chunk in content_chunks) == REPLY
    assert [chunk.choices[0].finish_reason for chunk in content_chunks] == [None, None, None, "stop"]
    assert chunks[-1].choices == []
    assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens) == (5, 4)


def test_chat_stream_without_include_usage_reports_no_usage(client):
    chunks = list(client.chat.completions.create(model="gpt-4o-mini", messages=HELLO, stream=True))
    assert all(chunk.usage is None for chunk in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks) == REPLY


def test_chat_tool_call_knob_replies_with_tool_call(client, mock_upstream):
    mock_upstream.behaviour.tool_call = True
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
    completion = client.chat.completions.create(model="gpt-4o", messages=HELLO, tools=tools)

    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    call = choice.message.tool_calls[0]
    assert call.id.startswith("call_")
    assert (call.function.name, json.loads(call.function.arguments)) == ("get_weather", {"location": "Paris"})


def test_chat_tool_call_streams_as_tool_call_deltas(client, mock_upstream):
    mock_upstream.behaviour.tool_call = True
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
    chunks = list(client.chat.completions.create(model="gpt-4o", messages=HELLO, tools=tools, stream=True))

    opening = chunks[0].choices[0].delta.tool_calls[0]
    assert (opening.function.name, opening.function.arguments) == ("get_weather", "")
    arguments = "".join(chunk.choices[0].delta.tool_calls[0].function.arguments for chunk in chunks[1:])
    assert json.loads(arguments) == {"location": "Paris"}
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


# --- other endpoints through the SDK ----------------------------------------------------------

def test_completion_returns_text_and_usage(client):
    completion = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hello please")
    assert completion.object == "text_completion"
    assert completion.choices[0].text == REPLY
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (3, 5)


def test_completion_stream_yields_text_pieces_then_usage(client):
    chunks = list(client.completions.create(
        model="gpt-3.5-turbo-instruct", prompt="Hi", stream=True, stream_options={"include_usage": True}
    ))
    assert "".join(chunk.choices[0].text for chunk in chunks[:-1]) == REPLY
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].usage.total_tokens == 1 + 5


def test_embeddings_return_float_vectors_per_input(client, mock_upstream):
    result = client.embeddings.create(model="text-embedding-3-small", input=["a b", "c"], encoding_format="float")
    assert [item.index for item in result.data] == [0, 1]
    assert len(result.data[0].embedding) == mock_upstream.behaviour.embedding_dimensions
    assert (result.usage.prompt_tokens, result.usage.total_tokens) == (3, 3)


def test_embeddings_base64_decodes_to_the_float_vector(client):
    floats = client.embeddings.create(model="m", input="same text", encoding_format="float", dimensions=16)
    encoded = client.embeddings.create(model="m", input="same text", encoding_format="base64", dimensions=16)
    raw = base64.b64decode(encoded.data[0].embedding)
    assert list(struct.unpack("<16f", raw)) == floats.data[0].embedding
    # Without encoding_format the SDK itself asks for base64 and decodes it.
    assert client.embeddings.create(model="m", input="same text", dimensions=16).data[0].embedding == \
        floats.data[0].embedding


def test_embeddings_accept_token_id_inputs(client):
    assert client.embeddings.create(model="m", input=[1, 2, 3], encoding_format="float").usage.prompt_tokens == 3
    nested = client.embeddings.create(model="m", input=[[1, 2], [3]], encoding_format="float")
    assert (len(nested.data), nested.usage.prompt_tokens) == (2, 3)


def test_models_list_and_retrieve(client, mock_upstream):
    mock_upstream.behaviour.models = ("gpt-4o", "mock-model")
    assert [model.id for model in client.models.list()] == ["gpt-4o", "mock-model"]
    assert client.models.retrieve("mock-model").id == "mock-model"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("missing-model")


def test_images_generate_url_or_b64_json(client):
    by_url = client.images.generate(model="dall-e-3", prompt="a cat", n=2)
    assert len(by_url.data) == 2 and by_url.data[0].url.startswith("https://")
    inline = client.images.generate(model="dall-e-3", prompt="a cat", response_format="b64_json")
    assert base64.b64decode(inline.data[0].b64_json).startswith(b"\x89PNG")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK deprecates variations
def test_images_edit_and_variation_read_multipart_forms(client, mock_upstream):
    png = ("cat.png", b"\x89PNG fake", "image/png")
    assert len(client.images.edit(model="dall-e-2", image=png, prompt="hat", n=3).data) == 3
    assert mock_upstream.last_request.form["prompt"] == "hat"
    assert mock_upstream.last_request.files["image"] == ("cat.png", b"\x89PNG fake")
    assert len(client.images.create_variation(image=png).data) == 1


def test_audio_speech_returns_mpeg_bytes(client, mock_upstream):
    response = client.audio.speech.with_raw_response.create(model="tts-1", voice="alloy", input="Hello")
    assert response.headers["content-type"] == "audio/mpeg"
    assert response.content.startswith(b"ID3")
    assert mock_upstream.last_request.json["voice"] == "alloy"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK deprecates translations
def test_audio_transcription_and_translation_return_reply_text(client, mock_upstream):
    audio = ("speech.mp3", b"ID3 fake", "audio/mpeg")
    assert client.audio.transcriptions.create(model="whisper-1", file=audio).text == REPLY
    assert client.audio.transcriptions.create(model="whisper-1", file=audio, response_format="text") == REPLY + "\n"
    assert client.audio.translations.create(model="whisper-1", file=audio).text == REPLY
    assert mock_upstream.last_request.form["model"] == "whisper-1"


def test_moderation_reports_unflagged_result_per_input(client):
    result = client.moderations.create(model="omni-moderation-latest", input=["fine", "also fine"])
    assert [item.flagged for item in result.results] == [False, False]


# --- knobs, checked on the raw wire -----------------------------------------------------------

def post_chat(mock, stream=False, headers=None, **body):
    payload = {"model": "gpt-4o-mini", "messages": HELLO, "stream": stream, **body}
    return requests.post(mock.url + "/v1/chat/completions", json=payload, headers=headers, stream=stream)


def test_status_knob_returns_openai_error_body(mock_upstream):
    mock_upstream.behaviour.status = 429
    response = post_chat(mock_upstream)
    assert response.status_code == 429
    assert response.json()["error"] == {
        "message": "Rate limit reached for requests.", "type": "requests", "param": None, "code": "rate_limit_exceeded",
    }


def test_error_knobs_set_message_type_and_code(mock_upstream, client):
    knobs = mock_upstream.behaviour
    knobs.status, knobs.error_message, knobs.error_type, knobs.error_code = 401, "bad key", "auth", "invalid_api_key"
    with pytest.raises(openai.AuthenticationError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=HELLO)
    assert caught.value.body == {"message": "bad key", "type": "auth", "param": None, "code": "invalid_api_key"}


def test_fail_times_fails_first_requests_then_succeeds(mock_upstream):
    mock_upstream.behaviour.fail_times = 2
    mock_upstream.behaviour.status = 503
    assert [post_chat(mock_upstream).status_code for _ in range(3)] == [503, 503, 200]
    mock_upstream.reset()
    mock_upstream.behaviour.fail_times = 1
    assert [post_chat(mock_upstream).status_code for _ in range(2)] == [500, 200]


def test_malformed_json_reply_is_cut_off_with_status_200(mock_upstream):
    mock_upstream.behaviour.malformed = True
    response = post_chat(mock_upstream)
    assert response.status_code == 200
    with pytest.raises(ValueError):
        json.loads(response.content)


def test_malformed_stream_sends_an_undecodable_event(mock_upstream):
    mock_upstream.behaviour.malformed = True
    lines = sse_data_lines(post_chat(mock_upstream, stream=True))
    assert lines[-1] == "[DONE]"
    with pytest.raises(ValueError):
        json.loads(lines[0])


def test_reset_after_chunks_cuts_stream_without_done(mock_upstream):
    mock_upstream.behaviour.reset_after_chunks = 2
    received = []
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for line in post_chat(mock_upstream, stream=True).iter_lines(decode_unicode=True):
            if line.startswith("data: "):
                received.append(line)
    assert len(received) == 2
    assert "data: [DONE]" not in received
    assert post_chat(mock_upstream).status_code == 200  # the server survives the cut


def test_latency_delays_response_headers(mock_upstream):
    mock_upstream.behaviour.latency = 0.2
    started = time.monotonic()
    assert post_chat(mock_upstream).status_code == 200
    assert time.monotonic() - started >= 0.2


def test_chunk_interval_spaces_stream_events(mock_upstream):
    mock_upstream.behaviour.chunk_count = 2
    mock_upstream.behaviour.chunk_interval = 0.05
    started = time.monotonic()
    lines = sse_data_lines(post_chat(mock_upstream, stream=True))
    assert len(lines) == 4  # role, two pieces, [DONE]
    assert time.monotonic() - started >= 3 * 0.05


def test_omit_usage_drops_usage_everywhere(mock_upstream):
    mock_upstream.behaviour.omit_usage = True
    assert "usage" not in post_chat(mock_upstream).json()
    lines = sse_data_lines(post_chat(mock_upstream, stream=True, stream_options={"include_usage": True}))
    assert not any('"usage"' in line for line in lines)


def test_x_mock_headers_override_knobs_for_one_request(mock_upstream):
    response = post_chat(mock_upstream, headers={"X-Mock-Status": "418", "X-Mock-Error-Message": "teapot"})
    assert (response.status_code, response.json()["error"]["message"]) == (418, "teapot")
    override = post_chat(mock_upstream, headers={"X-Mock-Reply-Text": "custom", "X-Mock-Omit-Usage": "true"}).json()
    assert override["choices"][0]["message"]["content"] == "custom" and "usage" not in override
    assert post_chat(mock_upstream).json()["choices"][0]["message"]["content"] == REPLY


# --- recording, routing and HTTP plumbing -----------------------------------------------------

def test_every_request_is_recorded_with_headers_and_body(mock_upstream):
    mock_upstream.behaviour.status = 500
    post_chat(mock_upstream, headers={"Authorization": "Bearer sk-upstream"})
    recorded = mock_upstream.requests
    assert len(recorded) == 1
    request = recorded[0]
    assert (request.method, request.path, request.route) == ("POST", "/v1/chat/completions", "/chat/completions")
    assert request.headers["Authorization"] == "Bearer sk-upstream"
    assert json.loads(request.body) == request.json and request.json["messages"] == HELLO
    mock_upstream.clear()
    assert mock_upstream.requests == []


def test_azure_deployment_path_uses_deployment_as_model(mock_upstream):
    url = mock_upstream.url + "/openai/deployments/gpt-35-turbo/chat/completions?api-version=2024-03-01-preview"
    response = requests.post(url, json={"messages": HELLO}, headers={"api-key": "azure-key"})
    assert response.json()["model"] == "gpt-35-turbo"
    request = mock_upstream.last_request
    assert request.params == {"api-version": "2024-03-01-preview"}
    assert (request.headers["api-key"], request.deployment) == ("azure-key", "gpt-35-turbo")
    assert "authorization" not in request.headers


def test_azure_sdk_client_works_against_the_mock(mock_upstream):
    azure = openai.AzureOpenAI(azure_endpoint=mock_upstream.url, api_key="azure-key",
                               api_version="2024-03-01-preview", max_retries=0)
    completion = azure.chat.completions.create(model="gpt-4o", messages=HELLO)
    assert completion.choices[0].message.content == REPLY
    assert mock_upstream.last_request.path == "/openai/deployments/gpt-4o/chat/completions"


def test_paths_without_v1_and_unknown_paths(mock_upstream):
    assert requests.get(mock_upstream.url + "/models").json()["object"] == "list"
    missing = requests.post(mock_upstream.url + "/v1/nope", json={})
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "unknown_url")
    assert mock_upstream.last_request.path == "/v1/nope"


def test_billing_endpoints_report_limit_and_usage_in_cents(mock_upstream):
    mock_upstream.behaviour.hard_limit_usd, mock_upstream.behaviour.total_usage_cents = 50.0, 1250
    subscription = requests.get(mock_upstream.url + "/v1/dashboard/billing/subscription").json()
    usage = requests.get(mock_upstream.url + "/v1/dashboard/billing/usage?start_date=2024-01-01&end_date=2024-02-01")
    assert (subscription["hard_limit_usd"], usage.json()["total_usage"]) == (50.0, 1250)


def test_keep_alive_and_chunked_request_bodies(mock_upstream):
    connection = http.client.HTTPConnection("127.0.0.1", mock_upstream.port)
    body = json.dumps({"model": "m", "messages": HELLO}).encode()
    for _ in range(2):  # both requests travel on the same connection
        connection.request("POST", "/v1/chat/completions", body=iter([body[:10], body[10:]]),
                           headers={"Content-Type": "application/json"}, encode_chunked=True)
        response = connection.getresponse()
        assert json.loads(response.read())["usage"]["prompt_tokens"] == 5
    connection.close()
    assert mock_upstream.last_request.headers["transfer-encoding"] == "chunked"


def test_invalid_json_body_is_rejected_like_openai(mock_upstream):
    response = requests.post(mock_upstream.url + "/v1/chat/completions", data=b"{not json",
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert mock_upstream.last_request.json is None


def test_stop_closes_open_keep_alive_connections(mock_upstream_factory):
    mock = mock_upstream_factory()
    session = requests.Session()
    assert session.get(mock.url + "/v1/models").status_code == 200
    mock.stop()
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(mock.url + "/v1/models", timeout=2)
