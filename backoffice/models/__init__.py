"""The domain models."""
from .base import BaseModel, TrackedModel, new_ref, utcnow
from .care import CarePlan, Interaction, PlaybookStep
from .customers import Customer, Industry, Tag
from .history import Change
from .imports import ImportJob
from .notify import GroupRobot, Notification, NotifyPreference
from .review import ReviewMonth, ReviewSlice
from .sheet_connections import SheetBase, SheetConnection
from .sign_ins import SignIn
from .sync_state import Conflict, Lease, SheetCompletion, SheetWrite, SyncBase, SyncRun
from .tickets import Ticket, TicketCounter, TicketOption
from .users import LoginAttempt, User


def rules_context(region: str = "CN"):
    """The dictionaries and logins the rules check against, each read from the database when a
    rule first needs it (build one per request or cycle and share it)."""
    from ..rules import Context, OnFirstUse
    return Context(region=region, industries=OnFirstUse(Industry.names), tags=OnFirstUse(Tag.names),
                   owners=OnFirstUse(User.logins), tickets=OnFirstUse(TicketOption.words))


ALL_MODELS = [User, SignIn, LoginAttempt, Industry, Tag, Customer, PlaybookStep, CarePlan, Interaction,
              Change, SyncRun, SyncBase, Conflict, Lease, ImportJob, TicketOption, TicketCounter, Ticket,
              GroupRobot, NotifyPreference, Notification, ReviewMonth, ReviewSlice, SheetCompletion,
              SheetConnection, SheetBase, SheetWrite]

__all__ = ["ALL_MODELS", "BaseModel", "CarePlan", "Change", "Conflict", "Customer", "GroupRobot", "ImportJob",
           "Industry", "Interaction", "Lease", "LoginAttempt", "Notification", "NotifyPreference", "PlaybookStep", "ReviewMonth", "ReviewSlice", "SheetBase", "SheetCompletion", "SheetConnection", "SheetWrite", "SyncBase", "SyncRun", "Tag",
           "Ticket", "TicketCounter", "TicketOption", "TrackedModel", "User", "rules_context", "new_ref", "utcnow"]
