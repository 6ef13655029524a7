"""The Flask-Admin panel: every view checks login and role."""
from __future__ import annotations

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from ..models import (
    CarePlan,
    Change,
    Conflict,
    Customer,
    Industry,
    Interaction,
    PlaybookStep,
    SyncRun,
    Tag,
    User,
)
from ..security import csp_nonce
from .care import CarePlanView, InteractionView, PlaybookStepView
from .customer_import import CustomerImportView
from .customers import CustomerView
from .dashboard import DashboardView
from .people import ChangeView, IndustryView, TagView, UserView
from .sync_views import ConflictView, SyncRunView
from .today import TodayView


def init_app(app) -> Admin:
    admin = Admin(
        app, name="Customer care",
        index_view=TodayView(name="Today", url="/admin", template="admin/index.html"),
        theme=Bootstrap4Theme(base_template="admin/backoffice_base.html"),
        csp_nonce_generator=csp_nonce,
    )
    admin.add_view(DashboardView(name="Dashboard", endpoint="dashboard", url="/admin/dashboard"))
    admin.add_view(CustomerView(Customer, name="Customers", endpoint="customers"))
    admin.add_view(CustomerImportView(name="Import customers", endpoint="customer_import",
                                      url="/admin/customers/import"))
    admin.add_view(CarePlanView(CarePlan, name="Care plans", endpoint="care_plans"))
    admin.add_view(InteractionView(Interaction, name="Interactions", endpoint="interactions"))
    admin.add_view(ChangeView(Change, name="Change history", endpoint="history"))
    admin.add_view(SyncRunView(SyncRun, name="Sync runs", endpoint="sync_runs", category="Sheet sync"))
    admin.add_view(ConflictView(Conflict, name="Conflicts", endpoint="conflicts", category="Sheet sync"))
    admin.add_view(UserView(User, name="Users", endpoint="users", category="Settings"))
    admin.add_view(IndustryView(Industry, name="Industries", endpoint="industries", category="Settings"))
    admin.add_view(TagView(Tag, name="Tags", endpoint="tags", category="Settings"))
    admin.add_view(PlaybookStepView(PlaybookStep, name="Playbook", endpoint="playbook", category="Settings"))
    app.extensions["backoffice_admin"] = admin
    return admin
