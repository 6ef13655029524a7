"""The secured base view: login and role checks, row scoping for reps, no hard deletes."""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView
from flask_admin.contrib.peewee import ModelView
from flask_admin.contrib.peewee.tools import parse_like_term
from flask_admin.model import typefmt
from flask_login import current_user
from peewee import PostgresqlDatabase, fn

from .. import clock, signals
from ..db import db
from ..i18n import _
from ..redirects import guard_flask_admin
from .filters import ArchivedFilter
from .labels import LabelledViewMixin

# A search is a few words typed by a person; more would build a query too deep to run.
MAX_SEARCH_WORDS = 20
MAX_SEARCH_WORD_LENGTH = 100


def _local_time(view, value, name) -> str:
    return clock.show(value)


guard_flask_admin()  # every `url=` Flask-Admin follows goes through the panel's one check

# Stored times are UTC; people read them in the office's zone, without a zone label.
LIST_FORMATTERS = {**typefmt.BASE_FORMATTERS, dt.datetime: _local_time}
DETAIL_FORMATTERS = {**typefmt.DETAIL_FORMATTERS, dt.datetime: _local_time}


def in_subquery(field, query):
    """`field IN (query)`, written so that PostgreSQL can still use indexes beside it in an OR.

    A search ORs column matches with such a lookup (a care plan's customer by name).
    PostgreSQL runs `IN (subquery)` under an OR as a filter on every row, which rules out the
    trigram indexes of the other branches; `= ANY(ARRAY(subquery))` is computed once and is
    itself an index condition, so the whole OR becomes a BitmapOr of index scans. Meant for a
    column with many distinct values: the planner guesses the array holds about ten.
    """
    if isinstance(db.obj, PostgresqlDatabase):
        return field == fn.ANY(fn.ARRAY(query))
    return field.in_(query)


def record_id(value) -> int | None:
    """A record id from a URL or a form: plain digits of a size the database holds, else None."""
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def search_words(search: str | None) -> list[str]:
    """The words of a list search; a search too long to run answers 400 with why."""
    words = (search or "").split()
    if len(words) > MAX_SEARCH_WORDS or any(len(word) > MAX_SEARCH_WORD_LENGTH for word in words):
        abort(400, description=_("Search with at most %(words)d words of at most %(chars)d characters each.",
                                 words=MAX_SEARCH_WORDS, chars=MAX_SEARCH_WORD_LENGTH))
    return words


def request_sync() -> None:
    """Tell the extensions that the panel changed records (the sheet sync queues a cycle soon)."""
    signals.records_changed.send(current_app._get_current_object(), source="panel")


class AccessMixin:
    """Who may open the view: signed-in users of the listed roles."""
    roles: tuple[str, ...] = ("admin", "manager", "rep")

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.role in self.roles

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            flash("Please sign in to see this page.")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)


class SecureIndexView(AccessMixin, AdminIndexView):
    pass


class SecureView(AccessMixin, BaseView):
    pass


class SecureModelView(AccessMixin, LabelledViewMixin, ModelView):
    """A model list/edit view; subclasses say which rows a user may see in `scoped`."""
    can_delete = False  # records are archived, never deleted from the panel
    can_view_details = True
    page_size = 20
    can_set_page_size = True
    named_filter_urls = True  # readable, bookmarkable filter links
    list_template = "admin/model/list.html"
    related_search: dict = {}  # label -> function(term) giving a condition on the model
    column_type_formatters = LIST_FORMATTERS
    column_type_formatters_detail = DETAIL_FORMATTERS

    # Bulk actions in the order people reach for them (the stock order is alphabetical);
    # actions not named here follow in their declared order.
    action_order: tuple[str, ...] = ()

    def scoped(self, query):
        return query

    def init_actions(self) -> None:
        super().init_actions()
        rank = {name: index for index, name in enumerate(self.action_order)}
        self._actions.sort(key=lambda pair: rank.get(pair[0], len(rank)))

    def archive_shown(self) -> str | None:
        """What the list's Archived filter asks for ("only", "all"), or None on a working list."""
        for index, _name, value in self._get_list_filter_args() or ():
            if isinstance(self._filters[index], ArchivedFilter):
                return value
        return None

    def get_actions_list(self):
        # Restore is offered where archived records are listed, Archive where working ones are;
        # both stay allowed when posted, so a list opened before a change still works.
        actions, confirmations = super().get_actions_list()
        shown = self.archive_shown()
        hidden = {"restore"} if shown is None else {"archive"} if shown == "only" else set()
        return ([pair for pair in actions if pair[0] not in hidden],
                {name: text for name, text in confirmations.items() if name not in hidden})

    def search_placeholder(self) -> str | None:
        """Which columns the search box looks in, in the reader's words (the stock one says "None")."""
        names = [field.name for field in self._search_fields or ()] + list(self.related_search)
        if not names:
            return None
        labels = [str(self.get_column_name(name)) for name in names]
        return _("Search: %(columns)s", columns=", ".join(dict.fromkeys(labels)))

    def base_query(self):
        return self.model.select()

    def get_form(self):
        # Fields a subclass replaces after scaffolding (the rule fields) would otherwise come
        # last, whatever `form_columns` says: put every field back in the declared order.
        form_class = super().get_form()
        for position, name in enumerate(self.form_columns or ()):
            field = getattr(form_class, name, None)
            if field is not None and hasattr(field, "creation_counter"):
                field.creation_counter = position - len(self.form_columns)
        form_class._unbound_fields = None  # WTForms sorts the fields again on next use
        return form_class

    def get_query(self):
        return self.scoped(self.base_query())

    def get_one(self, id):
        if record_id(id) is None:
            abort(404)
        record = self.get_query().where(self.model._meta.primary_key == record_id(id)).first()
        if record is None:
            abort(404)  # another rep's record looks exactly like a missing one
        return record

    def visible_ids(self, ids) -> list[int]:
        wanted = [n for n in map(record_id, ids) if n is not None]
        query = self.get_query().where(self.model._meta.primary_key.in_(wanted))
        return [row._pk for row in query]

    def search_condition(self, term: str):
        like = parse_like_term(term)
        condition = None
        for field in self._search_fields:
            part = field ** like
            condition = part if condition is None else condition | part
        for lookup in self.related_search.values():
            part = lookup(like)
            condition = part if condition is None else condition | part
        return condition

    def apply_filters(self, query, filters):
        for index, _name, value in filters or ():
            flt = self._filters[index]
            query = flt.apply(query, flt.clean(value))
        return query

    def lean_query(self):
        """The scoped rows with only the joins that scoping needs: cheap to count and page."""
        return self.scoped(self.model.select(self.model._meta.primary_key))

    def filtered_query(self, search: str | None, filters, lean: bool = False):
        """The list's rows before sorting and paging: used by the list and the CSV download."""
        query = self.lean_query() if lean else self.get_query()
        for term in search_words(search):
            query = query.where(self.search_condition(term))
        return self.apply_filters(query, filters)

    def list_order(self, sort_column, sort_desc):
        if sort_column is not None:
            if sort_column not in self._sortable_columns:
                abort(400, description=_("This list cannot be sorted by that column."))
            field, desc = self._sortable_columns[sort_column], sort_desc
        elif self.column_default_sort:
            field, desc = self.column_default_sort
        else:
            field, desc = self.model._meta.primary_key, False
        field = getattr(self.model, field) if isinstance(field, str) else field
        return field, bool(desc)

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        # Our own search and filters: they reach related tables by subquery instead of a
        # second join, which the stock backend cannot combine with the scoped query.
        pk = self.model._meta.primary_key
        field, desc = self.list_order(sort_column, sort_desc)
        order = (field.desc() if desc else field.asc(), pk.desc() if desc else pk.asc())
        lean = self.filtered_query(search, filters, lean=True)
        count = lean.count() if not self.simple_list_pager else None
        page_size = self.page_size if page_size is None else page_size
        if field.model is self.model:
            # Page over the ids alone, then fetch just that page with its joins: deep pages
            # stay fast because the offset walks an index, not joined rows.
            ids = lean.order_by(*order)
            if page_size:
                ids = ids.limit(page_size).offset((page or 0) * page_size)
            query = self.get_query().where(pk.in_(ids)).order_by(*order)
        else:
            query = self.filtered_query(search, filters).order_by(*order)
            if page_size:
                query = query.limit(page_size).offset((page or 0) * page_size)
        return count, (list(query) if execute else query)

    def _get_filter_groups(self):
        self._refresh_filters_cache()  # options such as owners and industries change at run time
        return super()._get_filter_groups()

    def after_model_change(self, form, model, is_created):
        request_sync()
