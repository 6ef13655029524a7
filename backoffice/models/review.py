"""The monthly review's kept figures: one row per month and slice, so a past month stays put."""
from __future__ import annotations

from peewee import BooleanField, CharField, DateField, DateTimeField, DecimalField, IntegerField

from .base import BaseModel, utcnow


class ReviewMonth(BaseModel):
    """How far a month's figures are recorded: days before `recorded_through` are frozen."""
    month = CharField(max_length=7, primary_key=True)  # the office's 'YYYY-MM'
    recorded_through = DateField()
    taken_at = DateTimeField(default=utcnow)
    final = BooleanField(default=False)  # the month is over and its figures are kept as they are


class ReviewSlice(BaseModel):
    """A month's figures for the customers of one owner, team, region, tier and industry.

    Plain ids, not foreign keys: a kept figure must not move when a user or an industry goes.
    `planned_past` counts touches due on days already frozen (each day as the plans stood when
    it passed); `planned_ahead` those the current plans still call for in the rest of the month.
    """
    month = CharField(max_length=7)
    owner_id = IntegerField(null=True)
    team = CharField(max_length=100, null=True)
    region = CharField(max_length=100, null=True)
    tier = CharField(max_length=20)
    industry_id = IntegerField(null=True)
    customers = IntegerField(default=0)
    # Customers per stage as columns, not a sixth key: a slice's row count stays that of its owners,
    # regions, tiers and industries, which is what keeps a year of months quick to add up.
    potential = IntegerField(default=0)
    intent = IntegerField(default=0)
    deal = IntegerField(default=0)
    lost = IntegerField(default=0)
    purchase = DecimalField(max_digits=16, decimal_places=2, default=0)
    planned_past = IntegerField(default=0)
    planned_ahead = IntegerField(default=0)
    done = IntegerField(default=0)
    overdue = IntegerField(default=0)

    class Meta:
        indexes = ((("month", "owner_id"), False), (("month", "region"), False))


SLICE_KEY = ("owner_id", "team", "region", "tier", "industry_id")
