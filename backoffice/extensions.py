"""Extensions found through the `backoffice.extensions` entry points, as the CLI finds its plugins.

Each entry point names an `init_app(app)`: it subscribes to `backoffice.signals` and adds its
own admin pages. The back-office imports none of them by name.
"""
from __future__ import annotations

from importlib.metadata import entry_points


def init_app(app) -> list[str]:
    """Give the app to every installed extension; returns their names."""
    names = []
    for point in sorted(entry_points(group="backoffice.extensions"), key=lambda p: p.name):
        point.load()(app)
        names.append(point.name)
    app.extensions["backoffice_extensions"] = names
    return names
