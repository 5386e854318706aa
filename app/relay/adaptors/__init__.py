"""The adaptor table: one adaptor per channel type, registered explicitly."""

from __future__ import annotations

from app.models.channel import ChannelType
from app.relay.adaptors.azure import AzureAdaptor
from app.relay.adaptors.base import Adaptor
from app.relay.adaptors.openai import OpenAIAdaptor
from app.relay.adaptors.vendors import OPENAI_COMPATIBLE_VENDORS


def _index(*adaptors: Adaptor) -> dict[ChannelType, Adaptor]:
    table: dict[ChannelType, Adaptor] = {}
    for adaptor in adaptors:
        if adaptor.channel_type in table:
            raise ValueError(f"Two adaptors claim channel type {adaptor.channel_type!r}")
        table[adaptor.channel_type] = adaptor
    return table


ADAPTORS: dict[ChannelType, Adaptor] = _index(
    AzureAdaptor(), OpenAIAdaptor(), *OPENAI_COMPATIBLE_VENDORS,
)


def get_adaptor(channel_type: int) -> Adaptor | None:
    try:
        return ADAPTORS.get(ChannelType(channel_type))
    except ValueError:
        return None


def all_adaptors() -> list[Adaptor]:
    return list(ADAPTORS.values())
