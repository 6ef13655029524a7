"""The sheet sync is an extension: found by entry point, told of changes by signals, never imported."""
from __future__ import annotations

import ast
from pathlib import Path

from backoffice import signals

BACKOFFICE = Path(__file__).parents[1] / "backoffice"


def _imports_of_sync(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            names = [str(node.args[0].value)]
        found += [f"{path.relative_to(BACKOFFICE.parent)}:{node.lineno} {name}"
                  for name in names if name == "sync" or name.startswith("sync.")]
    return found


def test_no_module_of_backoffice_imports_sync_not_even_inside_a_function():
    found = [hit for path in sorted(BACKOFFICE.rglob("*.py")) for hit in _imports_of_sync(path)]
    assert found == []


def test_the_sync_is_found_through_its_entry_point_and_adds_its_pages_before_settings(app):
    assert "sync" in app.extensions["backoffice_extensions"]
    admin = app.extensions["backoffice_admin"]
    names = [str(item.name) for item in admin.menu()]
    assert names.index("Sheet sync") < names.index("Settings")
    assert names.index("Change history") < names.index("Sheet sync")
    endpoints = {view.endpoint for view in admin._views}
    assert {"sync_runs", "conflicts"} <= endpoints


def test_a_save_in_the_panel_signals_a_change_and_the_sync_queues_a_cycle(app, monkeypatch):
    from sync import tasks
    queued = []
    monkeypatch.setattr(tasks, "queue_sync_soon", lambda reason="save": queued.append(reason) or True)
    app.config["SYNC_ON_SAVE"] = True
    assert signals.handled(signals.records_changed.send(app, source="panel"))
    app.config["SYNC_ON_SAVE"] = False
    assert not signals.handled(signals.records_changed.send(app, source="panel"))
    assert queued == ["save"]


def test_a_request_for_a_cycle_is_handled_by_the_sync(app, monkeypatch):
    from sync import tasks
    asked = []
    monkeypatch.setattr(tasks, "sync_cycle", asked.append)
    assert signals.handled(signals.cycle_requested.send(app, trigger="manual"))
    assert asked == ["manual"]


def test_without_an_extension_a_request_for_a_cycle_is_not_handled(app, monkeypatch):
    monkeypatch.setattr(signals.cycle_requested, "receivers", {})
    assert not signals.handled(signals.cycle_requested.send(app, trigger="manual"))
