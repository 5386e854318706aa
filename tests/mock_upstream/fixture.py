"""Pytest fixtures: one mock upstream per session, reset before each test that asks for it."""

from typing import Callable, Iterator

import pytest

from .server import MockUpstream


@pytest.fixture(scope="session")
def mock_upstream_server() -> Iterator[MockUpstream]:
    """The shared, started server; prefer `mock_upstream`, which also resets it."""
    with MockUpstream() as server:
        yield server


@pytest.fixture
def mock_upstream(mock_upstream_server: MockUpstream) -> Iterator[MockUpstream]:
    """A started mock with default knobs and no recorded requests."""
    mock_upstream_server.reset()
    yield mock_upstream_server
    mock_upstream_server.reset()


@pytest.fixture
def mock_upstream_factory() -> Iterator[Callable[[], MockUpstream]]:
    """Starts extra independent mocks (e.g. one per channel); all stop when the test ends."""
    started: list[MockUpstream] = []

    def start_mock() -> MockUpstream:
        started.append(MockUpstream().start())
        return started[-1]

    yield start_mock
    for mock in started:
        mock.stop()
