"""Channel tests: one small chat completion through a channel's adaptor, timed and logged, never billed."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace

import orjson
from flask import Flask, current_app
from sqlalchemy import select, update

from app.cache.channels import ChannelSnapshot, channel_pool
from app.cache.tokens import TokenSnapshot
from app.cache.users import UserSnapshot
from app.channels.health import disable_channel, enable_channel
from app.errors import AppError, NotFound
from app.extensions import db
from app.models import Channel, Log
from app.models.channel import CHANNEL_AUTO_DISABLED, CHANNEL_MANUALLY_DISABLED
from app.models.log import LOG_TEST
from app.options import current as current_options
from app.redaction import redact
from app.relay import upstream
from app.relay.adaptors import get_adaptor
from app.relay.adaptors.base import Adaptor, UpstreamError
from app.relay.adaptors.openai import UpstreamFailure
from app.relay.context import RelayContext
from app.relay.modes import RelayMode
from app.relay.pipeline import attempt
from app.relay.schemas import parse_request
from app.request_ids import new_request_id

log = logging.getLogger(__name__)

DEFAULT_TEST_MODEL = "gpt-3.5-turbo"  # One API's, used when the channel serves it
SCOPES = ("all", "disabled")
# A test is no client's request: these stand in for the token and user a RelayContext carries.
_NO_TOKEN = TokenSnapshot(id=0, user_id=0, name="", status=1, expired_time=-1, unlimited_quota=True,
                          models=frozenset(), subnets=(), subnet_text="")
_NO_USER = UserSnapshot(id=0, username="", group="default", status=1, role=0)
_run_lock = threading.Lock()  # one test-all run per process, as in One API


@dataclass(frozen=True, slots=True)
class TestResult:
    __test__ = False  # not a pytest test class

    success: bool
    message: str  # the model's reply, or what went wrong
    seconds: float = 0.0  # how long the upstream took, failed or not
    model: str = ""
    disables_channel: bool = False  # the failure says the channel is dead (revoked key, no credit)


def test_channel(channel_id: int, model: str | None = None) -> TestResult:
    """Ask the channel for a completion of TEST_PROMPT; record the timing and a test log row.

    The model is ``model`` when the channel serves it, else gpt-3.5-turbo when served, else the channel's
    first model. The channel's status never changes here; test_channels decides that.
    """
    channel = channel_pool().by_id.get(channel_id)
    if channel is None:
        raise NotFound("Channel not found.")
    adaptor = get_adaptor(channel.type)
    if adaptor is None:
        raise AppError("This channel's type has no adaptor, so it cannot be tested.")
    ctx = _test_context(channel, choose_model(channel, model))
    started = time.monotonic()
    result = _run(ctx, adaptor)
    seconds = time.monotonic() - started
    # Admins never see channel keys, and an upstream's reply or error may quote the key it was sent.
    result = replace(result, message=redact(result.message, channel.key), seconds=seconds, model=ctx.request.model)
    _record(channel, result)
    return result


def choose_model(channel: ChannelSnapshot, model: str | None) -> str:
    # One API accepts any substring of the comma list ("gpt-4" passes for "gpt-4o-mini"); we want a member.
    wanted = model or DEFAULT_TEST_MODEL
    if wanted in channel.models or not channel.models:
        return wanted
    return DEFAULT_TEST_MODEL if DEFAULT_TEST_MODEL in channel.models else channel.models[0]


def _test_context(channel: ChannelSnapshot, model: str) -> RelayContext:
    prompt = current_app.config["TOLLGATE"].test_prompt
    body = orjson.dumps({"model": model, "messages": [{"role": "user", "content": prompt}]})
    request = parse_request(RelayMode.CHAT, body, "application/json", None)
    ctx = RelayContext(request_id=new_request_id(), path="/chat/completions", request=request,
                       token=_NO_TOKEN, user=_NO_USER)
    ctx.use_channel(channel)
    return ctx


def _run(ctx: RelayContext, adaptor: Adaptor) -> TestResult:
    error, response = attempt(ctx, adaptor)
    if error is not None:
        return _failure(error)
    try:
        body, usage = adaptor.parse_response(ctx, upstream.read_body(response))
    except UpstreamFailure as failure:
        return _failure(failure.error)
    except upstream.UpstreamUnavailable as exc:
        return TestResult(False, str(exc))
    if usage is None:
        return TestResult(False, "The upstream reply reports no usage.")
    content = _reply_content(body)
    if content is None:
        return TestResult(False, "The upstream reply has no message content.")
    return TestResult(True, content)


def _failure(error: UpstreamError) -> TestResult:
    return TestResult(False, f"status {error.status}: {error.message}", disables_channel=error.disables_channel)


def _reply_content(body: bytes) -> str | None:
    """choices[0].message.content when it is a string."""
    try:
        content = orjson.loads(body)["choices"][0]["message"]["content"]
    except (orjson.JSONDecodeError, LookupError, TypeError):
        return None
    return content if isinstance(content, str) else None


def _record(channel: ChannelSnapshot, result: TestResult) -> None:
    elapsed_ms = int(result.seconds * 1000)
    outcome = f"succeeded; reply: {result.message}" if result.success else f"failed: {result.message}"
    db.session.execute(update(Channel).where(Channel.id == channel.id).values(
        test_time=int(time.time()), response_time=elapsed_ms if result.success else 0))
    db.session.add(Log(user_id=0, created_at=int(time.time()), type=LOG_TEST, model_name=result.model,
                       channel_id=channel.id, elapsed_time=elapsed_ms,
                       content=f"Channel {channel.name} (#{channel.id}) test {outcome}"))
    db.session.commit()


def channel_ids_in_scope(scope: str) -> list[int]:
    if scope not in SCOPES:
        raise AppError(f"Invalid parameter: 'scope' must be one of {', '.join(SCOPES)}.")
    statement = select(Channel.id).order_by(Channel.id)
    if scope == "disabled":
        statement = statement.where(Channel.status.in_((CHANNEL_MANUALLY_DISABLED, CHANNEL_AUTO_DISABLED)))
    ids = list(db.session.execute(statement).scalars())
    db.session.commit()
    return ids


def start_test_run(scope: str) -> bool:
    """Test every channel in ``scope`` in a background thread. False when a run is already going."""
    channel_ids = channel_ids_in_scope(scope)
    if not _run_lock.acquire(blocking=False):
        return False
    app = current_app._get_current_object()
    try:
        threading.Thread(target=_run_in_background, args=(app, channel_ids), name="channel-test-run",
                         daemon=True).start()
    except BaseException:
        _run_lock.release()
        raise
    return True


def is_test_run_going() -> bool:
    return _run_lock.locked()


def _run_in_background(app: Flask, channel_ids: list[int]) -> None:
    try:
        with app.app_context():
            test_channels(channel_ids)
    except Exception:
        log.exception("The channel test run stopped early")
    finally:
        _run_lock.release()


def test_channels(channel_ids: list[int]) -> None:
    """Test each channel in turn, disabling dead or slow ones and re-enabling recovered ones as options allow."""
    interval = current_app.config["TOLLGATE"].polling_interval
    for position, channel_id in enumerate(channel_ids):
        if position and interval:
            time.sleep(interval)
        try:
            result = test_channel(channel_id)
        except AppError as skipped:  # deleted meanwhile, or a type without an adaptor
            log.info("Channel #%s was not tested: %s", channel_id, skipped.message)
            continue
        apply_result(channel_id, result)
    log.info("Tested %d channels", len(channel_ids))


def apply_result(channel_id: int, result: TestResult) -> None:
    options = current_options()
    threshold = options.get_float("ChannelDisableThreshold")
    too_slow = threshold > 0 and result.seconds > threshold
    if options.get_bool("AutomaticDisableChannelEnabled") and (result.disables_channel or too_slow):
        reason = f"the test took {result.seconds:.2f}s" if too_slow else f"the test failed: {result.message}"
        disable_channel(channel_id, reason)  # only touches enabled channels
    elif result.success and options.get_bool("AutomaticEnableChannelEnabled"):
        enable_channel(channel_id)


# Named test_* for what they do; pytest must not collect them when a test module imports them.
test_channel.__test__ = test_channels.__test__ = False
