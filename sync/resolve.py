"""Resolving a logged conflict from the panel: the chosen value is saved as the user's edit, then synced."""
from __future__ import annotations

from backoffice import actors
from backoffice.db import db
from backoffice.models import Conflict, Customer, Industry, User, utcnow

from .records import MODELS


def resolve(conflict: Conflict, take: str, user: User) -> bool:
    """Keep the sheet's or the database's value; True when the record changed (the sync carries it)."""
    if take not in ("sheet", "database"):
        raise ValueError("take the sheet's or the database's value")
    text = conflict.sheet_value if take == "sheet" else conflict.database_value
    model_class = MODELS[conflict.table]
    record = model_class.get_or_none(model_class.ref == conflict.ref)
    changed = False
    with db.atomic(), actors.acting_as(actors.user_actor(user)):
        if record is not None:
            name, value = _value(model_class, conflict.field, text or "")
            if getattr(record, name if name not in ("owner", "industry", "customer", "assignee")
                       else f"{name}_id") != value:
                setattr(record, name, value)
                record.save()
                changed = True
        conflict.resolved, conflict.resolution = True, take
        conflict.resolved_by, conflict.resolved_at = user.id, utcnow()
        conflict.save()
    return changed


def _value(model_class, name: str, text: str):
    """A conflict's text as the model stores it (ids for owners, industries and customers)."""
    if name in ("owner", "assignee"):
        user = User.get_or_none(User.email == text) if text else None
        return name, user.id if user else None
    if name == "industry":
        industry = Industry.get_or_none(Industry.name == text) if text else None
        return "industry", industry.id if industry else None
    if name == "customer_ref":
        customer = Customer.get_or_none(Customer.ref == text)
        return "customer", customer.id if customer else None
    field = model_class._meta.fields[name]
    return name, field.python_value(text) if text else None
