"""Type-ahead pickers for customers and care plans, scoped like the lists.

A plain select would list every customer (100,000 options) and, worse, show a rep
the names of other reps' customers; these search on demand within the user's book.
"""
from __future__ import annotations

from flask_admin.contrib.peewee.ajax import QueryAjaxModelLoader
from flask_admin.model.ajax import DEFAULT_PAGE_SIZE
from flask_login import current_user

from ..i18n import _l
from ..models import CarePlan, Customer


class ScopedLoader(QueryAjaxModelLoader):
    def visible(self):
        raise NotImplementedError

    def get_one(self, pk):
        if not str(pk).isdigit():
            return None
        return self.visible().where(self.model._meta.primary_key == int(pk)).first()

    def get_list(self, term: str, offset: int = 0, limit: int = DEFAULT_PAGE_SIZE):
        query = self.visible()
        if term:
            condition = None
            for field in self._cached_fields:
                part = field ** f"%{term}%"
                condition = part if condition is None else condition | part
            query = query.where(condition)
        return list(query.order_by(*self.order).offset(offset).limit(limit))


class CustomerLoader(ScopedLoader):
    order = (Customer.name, Customer.id)

    def __init__(self, name: str):
        super().__init__(name, Customer, fields=[Customer.name, Customer.ref],
                         placeholder=_l("Type part of a name or an ID"))

    def visible(self):
        return Customer.in_book_of(current_user).where(~Customer.archived)

    def format(self, model):
        return (model.id, f"{model.name} ({model.ref})") if model else None


class CarePlanLoader(ScopedLoader):
    order = (CarePlan.next_due, CarePlan.id)

    def __init__(self, name: str):
        super().__init__(name, CarePlan, fields=[CarePlan.title, CarePlan.ref],
                         placeholder=_l("Type part of a plan's title or ID"))

    def visible(self):
        return CarePlan.in_book_of(current_user, CarePlan.select(CarePlan, Customer).join(Customer)).where(
            ~CarePlan.archived)

    def format(self, model):
        return (model.id, f"{model.title} · {model.customer.name} ({model.ref})") if model else None
