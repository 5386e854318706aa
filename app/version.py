"""The release version reported by ``--version`` and ``/api/status``."""

VERSION = "0.1.0"
