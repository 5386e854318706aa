"""The channels table (upstream accounts), its abilities routing index, and the channel type ids."""

from __future__ import annotations

from enum import IntEnum

from sqlalchemy import BigInteger, Boolean, Column, Index, String, Text, text

from app.extensions import db
from app.models.types import Float64, Id, IndexedText, LongText

CHANNEL_UNKNOWN, CHANNEL_ENABLED, CHANNEL_MANUALLY_DISABLED, CHANNEL_AUTO_DISABLED = 0, 1, 2, 3


class ChannelType(IntEnum):
    """Provider type ids, persisted in ``channels.type``: One API's numbers, append-only."""

    UNKNOWN = 0
    OPENAI = 1
    API2D = 2
    AZURE = 3
    CLOSEAI = 4
    OPENAI_SB = 5
    OPENAI_MAX = 6
    OHMYGPT = 7
    CUSTOM = 8
    AILS = 9
    AIPROXY = 10
    PALM = 11
    API2GPT = 12
    AIGC2D = 13
    ANTHROPIC = 14
    BAIDU = 15
    ZHIPU = 16
    ALI = 17
    XUNFEI = 18
    AI360 = 19
    OPENROUTER = 20
    AIPROXY_LIBRARY = 21
    FASTGPT = 22
    TENCENT = 23
    GEMINI = 24
    MOONSHOT = 25
    BAICHUAN = 26
    MINIMAX = 27
    MISTRAL = 28
    GROQ = 29
    OLLAMA = 30
    LINGYIWANWU = 31
    STEPFUN = 32
    AWS_CLAUDE = 33
    COZE = 34
    COHERE = 35
    DEEPSEEK = 36
    CLOUDFLARE = 37
    DEEPL = 38
    TOGETHER_AI = 39
    DOUBAO = 40
    NOVITA = 41
    VERTEX_AI = 42
    PROXY = 43
    SILICONFLOW = 44
    XAI = 45
    REPLICATE = 46
    BAIDU_V2 = 47
    XUNFEI_V2 = 48
    ALI_BAILIAN = 49
    OPENAI_COMPATIBLE = 50
    GEMINI_OPENAI_COMPATIBLE = 51


class Channel(db.Model):
    __tablename__ = "channels"
    __table_args__ = (Index("idx_channels_name", "name"),)

    id = Column(Id, primary_key=True, autoincrement=True)
    type = Column(BigInteger, default=ChannelType.UNKNOWN, server_default=text("0"))
    key = Column(Text)
    status = Column(BigInteger, default=CHANNEL_ENABLED, server_default=text("1"))
    name = Column(IndexedText)
    weight = Column(BigInteger, default=0, server_default=text("0"))
    created_time = Column(BigInteger)
    test_time = Column(BigInteger)
    response_time = Column(BigInteger)  # milliseconds taken by the last test
    base_url = Column(IndexedText, default="", server_default=text("''"))
    other = Column(LongText)  # deprecated per-type value (API version, plugin…); config supersedes it
    balance = Column(Float64)
    balance_updated_time = Column(BigInteger)
    models = Column(LongText)  # comma-separated model names
    group = Column(String(32), default="default", server_default=text("'default'"))  # comma-separated
    used_quota = Column(BigInteger, default=0, server_default=text("0"))
    model_mapping = Column(String(1024), default="", server_default=text("''"))  # JSON {"asked":"sent"}
    priority = Column(BigInteger, default=0, server_default=text("0"))
    config = Column(LongText)  # JSON ChannelConfig: region, sk, ak, user_id, api_version, …
    system_prompt = Column(Text, nullable=True)


class Ability(db.Model):
    """One row per (group, model, channel): the index routing reads to find candidate channels."""

    __tablename__ = "abilities"
    __table_args__ = (
        Index("idx_abilities_channel_id", "channel_id"),
        Index("idx_abilities_priority", "priority"),
    )

    group = Column(String(32), primary_key=True, autoincrement=False)
    model = Column(IndexedText, primary_key=True, autoincrement=False)
    channel_id = Column(BigInteger, primary_key=True, autoincrement=False)
    enabled = Column(Boolean)
    priority = Column(BigInteger, default=0, server_default=text("0"))
