"""The Flask-Admin panel: every view checks login and role."""
from __future__ import annotations

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from ..i18n import _l
from ..models import (
    CarePlan,
    Change,
    Customer,
    Industry,
    Interaction,
    PlaybookStep,
    Tag,
    Ticket,
    TicketOption,
    User,
)
from ..security import csp_nonce
from .care import CarePlanView, InteractionView, PlaybookStepView
from .customer_import import CustomerImportView
from .customers import CustomerView
from .dashboard import DashboardView
from .password import PasswordView
from .people import ChangeView, IndustryView, TagView, UserView
from .tickets import DepartmentView, TicketCategoryView, TicketPriorityView, TicketView
from .today import TodayView


def init_app(app) -> Admin:
    admin = Admin(
        app, name=_l("Customer care"),
        index_view=TodayView(name=_l("Today"), url="/admin", template="admin/index.html"),
        theme=Bootstrap4Theme(base_template="admin/backoffice_base.html"),
        csp_nonce_generator=csp_nonce,
    )
    admin.add_view(DashboardView(name=_l("Dashboard"), endpoint="dashboard", url="/admin/dashboard"))
    admin.add_view(CustomerView(Customer, name=_l("Customers"), endpoint="customers"))
    admin.add_view(CustomerImportView(name=_l("Import customers"), endpoint="customer_import",
                                      url="/admin/customers/import"))
    admin.add_view(CarePlanView(CarePlan, name=_l("Care plans"), endpoint="care_plans"))
    admin.add_view(InteractionView(Interaction, name=_l("Interactions"), endpoint="interactions"))
    admin.add_view(TicketView(Ticket, name=_l("Tickets"), endpoint="tickets"))
    admin.add_view(ChangeView(Change, name=_l("Change history"), endpoint="history"))
    working = len(admin.menu())  # extensions' pages go here, after the working pages
    admin.add_view(UserView(User, name=_l("Users"), endpoint="users", category=_l("Settings")))
    admin.add_view(IndustryView(Industry, name=_l("Industries"), endpoint="industries", category=_l("Settings")))
    admin.add_view(TagView(Tag, name=_l("Tags"), endpoint="tags", category=_l("Settings")))
    admin.add_view(PlaybookStepView(PlaybookStep, name=_l("Playbook"), endpoint="playbook", category=_l("Settings")))
    for view, name, endpoint in ((TicketCategoryView, _l("Ticket categories"), "ticket_categories"),
                                 (TicketPriorityView, _l("Ticket priorities"), "ticket_priorities"),
                                 (DepartmentView, _l("Departments"), "departments")):
        admin.add_view(view(TicketOption, name=name, endpoint=endpoint, category=_l("Settings")))
    _notification_views(admin)
    admin.add_view(PasswordView(name=_l("Your password"), endpoint="password", url="/admin/password"))
    app.extensions["backoffice_admin"] = admin
    app.extensions["backoffice_admin_slot"] = working
    from ..tickets import labels as ticket_labels
    app.jinja_env.globals["ticket_labels"] = ticket_labels
    from .labels import kept_word, plan_title
    app.jinja_env.globals.update(kept_word=kept_word, plan_title=plan_title)
    return admin


def add_extension_views(app, *views) -> None:
    """An extension's pages, placed in the menu after the working pages and before Settings."""
    admin = app.extensions["backoffice_admin"]
    before = list(admin.menu())
    for view in views:
        admin.add_view(view)
    added = [item for item in admin.menu() if item not in before]
    slot = app.extensions["backoffice_admin_slot"]
    admin.menu()[:] = [*before[:slot], *added, *before[slot:]]
    app.extensions["backoffice_admin_slot"] = slot + len(added)


def _notification_views(admin: Admin) -> None:
    """Notifications and group robots (admins), My notifications (everyone), the local Outbox."""
    from ..models import GroupRobot, Notification
    from .notifications import GroupRobotView, MyNotificationsView, NotificationView, OutboxView
    admin.add_view(NotificationView(Notification, name=_l("Notifications"), endpoint="notifications",
                                    category=_l("Settings")))
    admin.add_view(GroupRobotView(GroupRobot, name=_l("Group robots"), endpoint="group_robots",
                                  category=_l("Settings")))
    admin.add_view(MyNotificationsView(name=_l("My notifications"), endpoint="my_notifications",
                                       url="/admin/my-notifications"))
    admin.add_view(OutboxView(name=_l("Outbox"), endpoint="outbox", url="/admin/outbox"))
