"""SQLAlchemy models with One API's table and column names; re-exports only."""

from app.models.channel import Ability, Channel, ChannelType
from app.models.email_code import EmailCode
from app.models.log import Log
from app.models.option import Option
from app.models.quota_hold import QuotaHold
from app.models.redemption import Redemption
from app.models.token import Token
from app.models.user import User

__all__ = ["Ability", "Channel", "ChannelType", "EmailCode", "Log", "Option", "QuotaHold", "Redemption", "Token", "User"]
