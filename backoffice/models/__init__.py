"""The domain models."""
from .base import BaseModel, TrackedModel, new_ref, utcnow
from .care import CarePlan, Interaction, PlaybookStep
from .customers import Customer, Industry, Tag
from .history import Change
from .sync_state import Conflict, Lease, SyncBase, SyncRun
from .users import LoginAttempt, User

ALL_MODELS = [User, LoginAttempt, Industry, Tag, Customer, PlaybookStep, CarePlan, Interaction,
              Change, SyncRun, SyncBase, Conflict, Lease]

__all__ = ["ALL_MODELS", "BaseModel", "CarePlan", "Change", "Conflict", "Customer", "Industry",
           "Interaction", "Lease", "LoginAttempt", "PlaybookStep", "SyncBase", "SyncRun", "Tag",
           "TrackedModel", "User", "new_ref", "utcnow"]
