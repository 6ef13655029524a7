"""Versioned schema migrations, so an upgrade never needs the data dropped.

A new database gets today's tables and is stamped with the latest version; an existing
one runs, in order and each in its own transaction, the steps it has not seen yet.
To change the schema: edit the model, then append a step using playhouse.migrate.
A step may return a line to show (a warning); anything else it returns is ignored.
"""
from __future__ import annotations

from peewee import DateTimeField, IntegerField, PostgresqlDatabase
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator
from playhouse.migrate import migrate as migrate_schema

from . import rules
from .db import db
from .greeting_indexes import create_greeting_indexes
from .models import (
    ALL_MODELS,
    BaseModel,
    CarePlan,
    Change,
    Customer,
    GroupRobot,
    ImportJob,
    Industry,
    Interaction,
    Notification,
    NotifyPreference,
    PlaybookStep,
    ReviewMonth,
    ReviewSlice,
    SheetBase,
    SheetCompletion,
    SheetConnection,
    SheetWrite,
    SignIn,
    SyncRun,
    Tag,
    Ticket,
    TicketCounter,
    TicketOption,
    User,
    utcnow,
)
from .search_indexes import create_search_indexes


class SchemaVersion(BaseModel):
    version = IntegerField(primary_key=True)
    applied_at = DateTimeField(default=utcnow)


# (version, description, function(migrator)). Append only; never edit a released step.
STEPS: list[tuple[int, str, object]] = [
    (1, "initial schema", lambda migrator: None),
    (2, "customer import jobs", lambda migrator: db.create_tables([ImportJob], safe=True)),
    (3, "trigram indexes for the search (PostgreSQL)", lambda migrator: create_search_indexes()),
    (4, "indexes for the Today page", lambda migrator: _today_indexes()),
    (5, "index for the Today page's plans lists",
     lambda migrator: CarePlan._schema.create_indexes(safe=True)),
    (6, "sign-ins that can be ended, and a password change at first sign-in",
     lambda migrator: _sign_ins(migrator)),
    (7, "each user's own language", lambda migrator: _add_column(migrator, User, "locale")),
    (8, "service tickets", lambda migrator: db.create_tables([TicketOption, TicketCounter, Ticket], safe=True)),
    (9, "notifications: preferences, group robots and the record of what was sent",
     lambda migrator: db.create_tables([GroupRobot, NotifyPreference, Notification], safe=True)),
    (11, "the monthly review: a team per user, kept monthly figures, stage changes by month",
     lambda migrator: _review_schema(migrator)),
    (14, "care plans marked done from the sheet", lambda migrator: db.create_tables([SheetCompletion], safe=True)),
    (16, "sheets per person: registered sheets with their own base and runs, users' Google accounts",
     lambda migrator: _sheets_per_person(migrator)),
    (17, "indexes for the monthly review's customer and ticket figures",
     lambda migrator: [model._schema.create_indexes(safe=True) for model in (Customer, Ticket)]),
    (18, "the cells each sheet's last cycle wrote, for the edit journal",
     lambda migrator: db.create_tables([SheetWrite], safe=True)),
    (19, "each sync run says how it found the sheet's edit journal",
     lambda migrator: _add_column(migrator, SyncRun, "journal")),
]

LATEST = STEPS[-1][0]
SEARCH_INDEX_STEP = 3


def _today_indexes() -> None:
    """The models' new composite indexes (re-verification, unanswered feedback) and the
    month-day indexes of the greetings; each only if missing."""
    for model in (Customer, Interaction):
        model._schema.create_indexes(safe=True)
    create_greeting_indexes()


def _sign_ins(migrator) -> None:
    _add_column(migrator, User, "must_change_password")
    db.create_tables([SignIn], safe=True)


def _add_column(migrator, model, name: str) -> None:
    """Add a model's new column, unless an earlier run of this step already did."""
    table = model._meta.table_name
    if name not in {c.name for c in db.get_columns(table)}:
        migrate_schema(migrator.add_column(table, name, model._meta.fields[name]))


def _review_schema(migrator) -> None:
    _add_column(migrator, User, "team")
    db.create_tables([ReviewMonth, ReviewSlice], safe=True)
    for model in (User, Change, Customer):
        model._schema.create_indexes(safe=True)


def _sheets_per_person(migrator) -> None:
    db.create_tables([SheetConnection, SheetBase], safe=True)
    _add_column(migrator, User, "google_account")
    if "sheet_id" not in {c.name for c in db.get_columns(SyncRun._meta.table_name)}:  # a foreign key's column
        migrate_schema(migrator.add_column(SyncRun._meta.table_name, "sheet_id", SyncRun.sheet))


def _migrator():
    database = db.obj
    return PostgresqlMigrator(database) if isinstance(database, PostgresqlDatabase) else SqliteMigrator(database)


def current_version() -> int | None:
    if not SchemaVersion.table_exists():
        return None
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else 0


def migrate() -> list[str]:
    """Bring the schema up to date; returns what was done."""
    done = []
    version = current_version()
    if version is None:
        with db.atomic():
            db.create_tables([SchemaVersion, *ALL_MODELS])
            create_greeting_indexes()
            warning = create_search_indexes()
            SchemaVersion.create(version=LATEST)
        done.append(f"created the schema at version {LATEST}")
        if warning:
            done.append(warning)
    else:
        for number, description, step in STEPS:
            if number <= version:
                continue
            with db.atomic():
                warning = step(_migrator())
                SchemaVersion.create(version=number)
            done.append(f"migrated to version {number}: {description}")
            if isinstance(warning, str):
                done.append(warning)
        if version >= SEARCH_INDEX_STEP:
            # Indexes the extension was refused for before: created once it is there.
            warning = create_search_indexes()
            if warning:
                done.append(warning)
    seed()
    return done


DEFAULT_PLAYBOOK = [
    ("tier", "strategic", "Monthly deep review", "deep-review", "video", 30, False, False),
    ("tier", "strategic", "Quarterly industry report", "report", "email", 91, False, False),
    ("stage", "deal", "Fortnightly call", "call", "phone", 14, False, False),
    ("stage", "deal", "Monthly product news", "product-news", "email", 30, False, False),
    ("stage", "intent", "Weekly follow-up", "call", "phone", 7, False, False),
    ("stage", "potential", "Monthly industry news", "product-news", "email", 30, False, False),
    ("stage", "lost", "Win-back call", "call", "phone", 30, True, True),
]

# Ticket categories, priorities and departments (glossary-zh.md); urgent tickets are answered
# within 4 hours and solved within a day, the rest by the routine 24 h and 48 h.
DEFAULT_TICKET_OPTIONS = [
    {"kind": kind, "name": name, "label_zh": zh, "position": n, "response_hours": hours[0],
     "resolution_hours": hours[1]}
    for kind, options in (
        ("category", [("product quality", "产品质量"), ("logistics delay", "物流延迟"),
                      ("after-sales support", "售后支持"), ("billing dispute", "账务争议"), ("other", "其他")]),
        ("priority", [("urgent", "紧急"), ("normal", "一般"), ("low", "低")]),
        ("department", [("technical", "技术部"), ("supply chain", "供应链部"), ("finance", "财务部"),
                        ("customer service", "客服部")]))
    for n, (name, zh) in enumerate(options)
    for hours in [(4, 24) if name == "urgent" else (None, None)]
]


def seed() -> None:
    """Fill the editable dictionaries and the default playbook once; later edits are kept."""
    with db.atomic():
        if not Industry.select().exists():
            Industry.insert_many([{"name": n} for n in rules.DEFAULT_INDUSTRIES]).execute()
        if not Tag.select().exists():
            Tag.insert_many([{"name": n} for n in rules.DEFAULT_TAGS]).execute()
        if not PlaybookStep.select().exists():
            keys = ("applies_to", "value", "title", "action", "channel", "interval_days",
                    "owned_by_sales_lead", "once")
            PlaybookStep.insert_many([dict(zip(keys, row, strict=True))
                                      for row in DEFAULT_PLAYBOOK]).execute()
        if not TicketOption.select().exists():
            TicketOption.insert_many(DEFAULT_TICKET_OPTIONS).execute()
