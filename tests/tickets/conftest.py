"""A pinned, movable clock for every ticket test (deadlines are hours, not days), inside the app."""
import pytest

from tests.tickets.helpers import Clock


@pytest.fixture
def clock(app):
    pinned = Clock()
    app.config["CLOCK"] = pinned
    with app.app_context():
        yield pinned
