"""The customer archive and its editable dictionaries."""
from __future__ import annotations

from decimal import Decimal

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .. import rules
from .base import BaseModel, TrackedModel, new_ref, utcnow
from .users import User


def _choices(options):
    return [(o, o) for o in options]


class Industry(BaseModel):
    name = CharField(unique=True, max_length=100)
    active = BooleanField(default=True)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(i.name for i in cls.select(cls.name).where(cls.active).order_by(cls.name))


class Tag(BaseModel):
    name = CharField(unique=True, max_length=100)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(t.name for t in cls.select(cls.name).order_by(cls.name))


class Customer(TrackedModel):
    history_table = "customer"

    ref = CharField(unique=True, max_length=20, default=lambda: new_ref("CU"))
    name = CharField(max_length=200, index=True)
    kind = CharField(choices=_choices(rules.KINDS), default="company")
    credit_code = CharField(max_length=18, null=True, index=True)
    industry = ForeignKeyField(Industry, null=True, backref="customers", on_delete="SET NULL")
    region = CharField(max_length=100, null=True, index=True)
    source = CharField(choices=_choices(rules.SOURCES), null=True)
    contact_name = CharField(max_length=100, null=True, index=True)
    contact_title = CharField(max_length=100, null=True)
    phone = CharField(max_length=20, null=True, index=True)
    email = CharField(max_length=254, null=True, index=True)
    address = CharField(max_length=500, null=True)
    employees = IntegerField(null=True)
    annual_revenue = DecimalField(max_digits=14, decimal_places=2, null=True, auto_round=True)
    annual_purchase = DecimalField(max_digits=14, decimal_places=2, default=0, auto_round=True)
    stage = CharField(choices=_choices(rules.STAGES), default="potential", index=True)
    tier = CharField(choices=_choices(rules.TIERS), default="ordinary", index=True)
    tier_override = CharField(choices=_choices(rules.TIERS), null=True)
    tier_override_reason = CharField(max_length=500, null=True)
    closeness = CharField(choices=_choices(rules.CLOSENESS), default="loose", index=True)
    churn_risk = CharField(choices=_choices(rules.CHURN_RISKS), default="low", index=True)
    tags = CharField(max_length=1000, null=True)  # canonical "a, b" list of Tag names
    owner = ForeignKeyField(User, null=True, backref="customers", on_delete="SET NULL")
    first_contact = DateField(null=True)
    cooperation_since = DateField(null=True)
    needs = TextField(null=True)
    birthday = DateField(null=True)
    anniversary = DateField(null=True)
    verified_at = DateField(null=True, index=True)
    archived = BooleanField(default=False, index=True)
    archived_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        # (archived, verified_at) and (owner, archived, verified_at): the Today page's count of
        # records due for re-verification, read from the index alone, for everyone and for a rep.
        # (created_at, stage) and (stage, created_at): the monthly review counts customers made
        # per month and those lost among them from the indexes alone; (owner | tier | industry |
        # region, created_at, stage) do the same for a slice of them.
        indexes = ((("owner", "archived"), False), (("archived", "name"), False),
                   (("archived", "verified_at"), False), (("owner", "archived", "verified_at"), False),
                   (("created_at", "stage"), False), (("stage", "created_at"), False),
                   (("owner", "created_at", "stage"), False), (("tier", "created_at", "stage"), False),
                   (("industry", "created_at", "stage"), False), (("region", "created_at", "stage"), False))

    def __str__(self) -> str:
        return self.name

    @classmethod
    def in_book_of(cls, user, query=None):
        """The one book scope: every customer for admins and managers, a rep's own book otherwise.
        Narrows `query` (one reading Customer, or joined to it) when given; the records that hang
        off a customer have their own `in_book_of` built on this one."""
        query = cls.select() if query is None else query
        return query if user.sees_all_customers else query.where(cls.owner == user.id)

    def is_in_book_of(self, user) -> bool:
        """The same scope for a record already read: may `user` see this customer?"""
        return bool(user.sees_all_customers or self.owner_id == user.id)

    @classmethod
    def working(cls):
        return cls.select().where(~cls.archived)

    def save(self, *args, **kwargs):
        if self.annual_purchase is None:
            self.annual_purchase = Decimal("0")  # an empty cell or field means no purchases
        return super().save(*args, **kwargs)

    def archive(self) -> bool:
        if self.archived:
            return False
        self.archived, self.archived_at = True, utcnow()
        self.save()
        return True

    def restore(self) -> bool:
        if not self.archived:
            return False
        self.archived, self.archived_at = False, None
        self.save()
        return True

    def effective_tier(self, strategic_from: float, key_from: float) -> str:
        if self.tier_override:
            return self.tier_override
        return rules.tier_for(self.annual_purchase, strategic_from, key_from)
