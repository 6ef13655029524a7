"""Migrations bring an existing database forward without dropping its data."""
from peewee import CharField
from playhouse.migrate import migrate as run_ops

from backoffice import migrations
from backoffice.db import db
from backoffice.models import Customer
from tests.factories import make_customer


def test_a_second_run_changes_nothing(app):
    assert migrations.migrate() == []
    assert migrations.current_version() == migrations.LATEST


def test_pending_steps_run_once_and_keep_the_data(app, monkeypatch):
    make_customer(name="Kept Co")
    step = (migrations.LATEST + 1, "add a nickname",
            lambda m: run_ops(m.add_column("customer", "nickname", CharField(null=True))))
    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, step])
    done = migrations.migrate()
    assert done == [f"migrated to version {migrations.LATEST + 1}: add a nickname"]
    assert migrations.migrate() == []
    columns = {c.name for c in db.get_columns("customer")}
    assert "nickname" in columns
    assert Customer.get(Customer.name == "Kept Co")


def test_seed_does_not_overwrite_edited_dictionaries(app):
    from backoffice.models import Industry
    Industry.update(active=False).where(Industry.name == "retail").execute()
    migrations.seed()
    assert Industry.get(Industry.name == "retail").active is False
