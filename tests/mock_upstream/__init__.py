"""An OpenAI-wire-format mock upstream on loopback, for gateway tests and benchmarks.

Knobs: behaviour.Behaviour. Token-count rule: wire.py. Fixtures: fixture.py.
"""

from .behaviour import Behaviour
from .exchange import RecordedRequest
from .server import MockUpstream

__all__ = ["Behaviour", "MockUpstream", "RecordedRequest"]
