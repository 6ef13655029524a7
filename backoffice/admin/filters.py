"""List filters the stock Peewee backend lacks: related records, tags and dates relative to today."""
from __future__ import annotations

import datetime as dt

from flask import has_request_context
from flask_admin.contrib.peewee.filters import BasePeeweeFilter

from .. import clock
from ..i18n import _l

EQUALS, ARCHIVED, DUE = _l("equals"), _l("Archived"), _l("Due")


class ChoiceFilter(BasePeeweeFilter):
    """Equals one of a list of options; options may be a callable so new entries show up."""

    def __init__(self, column, name, options, label=EQUALS):
        super().__init__(column, name, options=options)
        self.label = label

    def get_options(self, view):
        if callable(self.options) and not has_request_context():
            return []  # read per request (see SecureModelView), when the database is open
        options = self.options() if callable(self.options) else self.options
        return [(str(value), str(text)) for value, text in options]

    def apply(self, query, value):
        return query.where(self.column == value)

    def operation(self):
        return self.label


class RelatedFilter(ChoiceFilter):
    """A foreign key, picked by its label (an owner's login, an industry's name)."""

    def clean(self, value):
        return int(value) if str(value).isdigit() else -1

    def apply(self, query, value):
        return query.where(self.column == value)


class EmptyFilter(BasePeeweeFilter):
    def __init__(self, column, name):
        super().__init__(column, name, options=(("1", _l("yes")), ("0", _l("no"))))

    def apply(self, query, value):
        return query.where(self.column.is_null(value == "1"))

    def operation(self):
        return _l("is empty")


class TagFilter(ChoiceFilter):
    """Has a tag: tags are kept as a canonical comma-separated list."""

    def apply(self, query, value):
        column = self.column
        return query.where(
            (column == value) | column.startswith(f"{value}, ") | column.endswith(f", {value}")
            | column.contains(f", {value}, "))

    def operation(self):
        return _l("includes")


class ArchivedFilter(ChoiceFilter):
    """Archived records are hidden from working lists unless this filter asks for them."""

    def __init__(self, column, name=ARCHIVED):
        super().__init__(column, name, options=(("only", _l("archived only")), ("all", _l("archived too"))),
                         label=_l("show"))

    def apply(self, query, value):
        return query.where(self.column) if value == "only" else query


class DueFilter(BasePeeweeFilter):
    """Plans due today, tomorrow or overdue, relative to the day the list is opened."""

    def __init__(self, column, name=DUE):
        super().__init__(column, name, options=(("overdue", _l("overdue")), ("today", _l("today")),
                                                ("tomorrow", _l("tomorrow")), ("week", _l("within 7 days"))))

    def apply(self, query, value):
        today = clock.today()
        if value == "overdue":
            return query.where(self.column < today)
        if value == "today":
            return query.where(self.column == today)
        if value == "tomorrow":
            return query.where(self.column == today + dt.timedelta(days=1))
        return query.where(self.column.between(today, today + dt.timedelta(days=7)))

    def operation(self):
        return _l("is")
