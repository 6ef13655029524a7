"""Every create, update, archive and restore lands in the change history with its author."""
from backoffice import actors
from backoffice.models import Change, Customer
from tests.conftest import make_user
from tests.factories import make_customer


def changes(customer):
    return [(c.action, c.field, c.old, c.new, c.actor_label) for c in Change.of(customer)]


def test_panel_create_and_edit_are_recorded_with_the_user(client, auth):
    make_user()
    auth.login()
    token = auth.csrf_token("/admin/customers/new/")
    client.post("/admin/customers/new/", data={"name": "Tianyu Foods", "kind": "company", "stage": "intent",
                                               "churn_risk": "low", "phone": "13800138000", "csrf_token": token})
    customer = Customer.get(Customer.name == "Tianyu Foods")
    assert ("create", "phone", None, "+8613800138000", "admin@example.com") in changes(customer)
    client.post(f"/admin/customers/edit/?id={customer.id}",
                data={"name": "Tianyu Foods", "kind": "company", "stage": "deal", "churn_risk": "low",
                      "phone": "13800138000", "csrf_token": token})
    assert ("update", "stage", "intent", "deal", "admin@example.com") in changes(customer)
    assert not [c for c in changes(customer) if c[0] == "update" and c[1] == "phone"]


def test_archive_and_restore_are_recorded(app):
    customer = make_customer()
    with actors.acting_as(actors.SHEET):
        customer.archive()
    customer.restore()
    history = changes(customer)
    assert ("archive", "archived", "no", "yes", "sheet sync") in history
    assert ("restore", "archived", "yes", "no", "system") in history


def test_history_shows_on_the_customer_page(client, auth):
    make_user()
    customer = make_customer(name="Shown Co")
    customer.stage = "deal"
    customer.save()
    auth.login()
    page = client.get(f"/admin/customers/details/?id={customer.id}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"'):]  # the page's one timeline, in readable words
    assert "stage: potential → deal" in timeline


def test_global_history_is_read_only(client, auth):
    make_user()
    make_customer()
    auth.login()
    assert client.get("/admin/history/").status_code == 200
    assert client.get("/admin/history/new/").status_code in (302, 403, 404)
    token = auth.csrf_token("/admin/customers/")
    before = Change.select().count()
    client.post("/admin/history/delete/", data={"id": 1, "csrf_token": token})
    assert Change.select().count() == before
