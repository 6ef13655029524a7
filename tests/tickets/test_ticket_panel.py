"""Tickets in the panel: list with SLA badges, the page's actions, bulk assign, and a rep's scope
on every path (their customers' tickets and those assigned to them, never another's)."""
import re

import pytest

from backoffice.models import Change, Ticket
from tests.conftest import make_user
from tests.factories import make_customer, make_interaction
from tests.tickets.helpers import make_ticket


@pytest.fixture
def desk(app, clock):
    """Alice's customer's ticket, Bob's customer's ticket assigned to Alice, and Bob's own."""
    make_user()
    alice = make_user("alice@example.com", role="rep")
    bob = make_user("bob@example.com", role="rep")
    alices, bobs = make_customer(name="Alice Co", owner=alice), make_customer(name="Bob Co", owner=bob)
    return {"alice": alice, "bob": bob, "alices": alices, "bobs": bobs,
            "mine": make_ticket(alices, title="Mine leaks"),
            "lent": make_ticket(bobs, title="Lent to Alice", assignee=alice, status="assigned"),
            "theirs": make_ticket(bobs, title="Bob only")}


def _post(client, auth, path, **data):
    return client.post(path, data={"csrf_token": auth.csrf_token("/admin/tickets/"), **data})


def test_rep_list_search_and_filters_show_own_and_assigned_tickets_only(client, auth, desk):
    auth.login("alice@example.com")
    for path in ("/admin/tickets/", "/admin/tickets/?search=o", "/admin/tickets/?search=Bob",
                 "/admin/tickets/?flt0_sla_is=on+time"):
        page = client.get(path).get_data(as_text=True)
        assert "Bob only" not in page, path
    page = client.get("/admin/tickets/").get_data(as_text=True)
    assert "Mine leaks" in page and "Lent to Alice" in page


def test_rep_cannot_open_or_act_on_another_reps_ticket(client, auth, desk):
    theirs = desk["theirs"]
    auth.login("alice@example.com")
    for path in (f"/admin/tickets/details/?id={theirs.id}", f"/admin/tickets/edit/?id={theirs.id}"):
        assert client.get(path).status_code == 404
    for step, data in (("assign", {"assignee": desk["alice"].id}), ("respond", {"note": "hi"}),
                       ("resolve", {"resolution": "done"}), ("close", {}), ("reopen", {})):
        assert _post(client, auth, f"/admin/tickets/{theirs.id}/{step}", **data).status_code == 404
    assert _post(client, auth, f"/admin/tickets/edit/?id={theirs.id}", title="Hijacked").status_code == 404
    assert Ticket.get_by_id(theirs.id).title == "Bob only"
    assert Ticket.get_by_id(theirs.id).status == "new"


def test_rep_bulk_assign_and_archive_skip_tickets_they_cannot_see(client, auth, desk):
    auth.login("alice@example.com")
    ids = [desk["mine"].id, desk["theirs"].id]
    response = _post(client, auth, "/admin/tickets/action/", action="assign", rowid=ids)
    ids_shown = re.search(r"ids=([\d%C,]+)", response.headers["Location"]).group(1)
    assert str(desk["theirs"].id) not in ids_shown.replace("%2C", ",").split(",")
    _post(client, auth, "/admin/tickets/assign/", ids=",".join(map(str, ids)), assignee=desk["alice"].id)
    assert Ticket.get_by_id(desk["mine"].id).assignee_id == desk["alice"].id
    assert Ticket.get_by_id(desk["theirs"].id).assignee_id is None
    _post(client, auth, "/admin/tickets/action/", action="archive", rowid=ids)
    assert Ticket.get_by_id(desk["theirs"].id).archived is False


def test_rep_csv_download_holds_only_their_tickets(client, auth, desk):
    auth.login("alice@example.com")
    text = client.get("/admin/tickets/export.csv").get_data(as_text=True)
    assert "Mine leaks" in text and "Lent to Alice" in text and "Bob only" not in text
    assert text.splitlines()[0].startswith("number,customer,customer_ref,title")


def test_rep_cannot_open_a_ticket_for_another_reps_customer_or_feedback(client, auth, desk):
    auth.login("alice@example.com")
    complaint = make_interaction(desk["bobs"], sentiment="negative", feedback="Rude driver")
    assert _post(client, auth, f"/admin/tickets/from-interaction/{complaint.id}").status_code == 404
    assert not Ticket.select().where(Ticket.interaction == complaint.id).exists()


def test_manager_sees_every_ticket_with_its_sla_badge(client, auth, desk, clock):
    make_user("boss@example.com", role="manager")
    auth.login("boss@example.com")
    clock.advance(hours=30)  # past the 24-hour response deadline
    page = client.get("/admin/tickets/").get_data(as_text=True)
    assert all(t in page for t in ("Mine leaks", "Lent to Alice", "Bob only"))
    assert page.count('data-sla="late"') == 3
    late = client.get("/admin/tickets/?flt0_sla_is=late").get_data(as_text=True)
    assert "Bob only" in late


def test_page_actions_walk_a_ticket_to_closed_and_the_history_says_who(client, auth, desk, clock):
    mine = desk["mine"]
    auth.login("alice@example.com")
    _post(client, auth, f"/admin/tickets/{mine.id}/assign", assignee=desk["alice"].id, department="technical")
    clock.advance(hours=1)
    _post(client, auth, f"/admin/tickets/{mine.id}/respond", note="Sending an engineer")
    _post(client, auth, f"/admin/tickets/{mine.id}/resolve", resolution="Replaced the seal")
    _post(client, auth, f"/admin/tickets/{mine.id}/close", satisfaction="5")
    ticket = Ticket.get_by_id(mine.id)
    assert (ticket.status, ticket.satisfaction, ticket.department) == ("closed", 5, "technical")
    who = {c.actor_label for c in Change.of(ticket).where(Change.field == "status", Change.action == "update")}
    assert who == {"alice@example.com"}
    page = client.get(f"/admin/tickets/details/?id={mine.id}").get_data(as_text=True)
    assert "Replaced the seal" in page and "reopen-form" in page
    _post(client, auth, f"/admin/tickets/{mine.id}/reopen", reason="Leaks again")
    assert Ticket.get_by_id(mine.id).status == "in progress"


def test_resolving_without_words_is_refused_with_a_message(client, auth, desk):
    auth.login("alice@example.com")
    response = _post(client, auth, f"/admin/tickets/{desk['mine'].id}/resolve", resolution=" ")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "say how it was solved" in page
    assert Ticket.get_by_id(desk["mine"].id).status == "new"


def test_new_ticket_form_takes_a_rep_customer_and_refuses_a_closed_jump(client, auth, desk):
    auth.login("alice@example.com")
    token = auth.csrf_token("/admin/tickets/new/")
    client.post("/admin/tickets/new/", data={"customer": desk["alices"].id, "title": "Form ticket",
                                            "category": "logistics delay", "priority": "urgent",
                                            "csrf_token": token})
    ticket = Ticket.get(Ticket.title == "Form ticket")
    assert ticket.ref.startswith("TK-2026-") and ticket.status == "new"
    token = auth.csrf_token(f"/admin/tickets/edit/?id={ticket.id}")
    client.post(f"/admin/tickets/edit/?id={ticket.id}", data={
        "title": "Form ticket", "category": "logistics delay", "priority": "urgent", "status": "closed",
        "csrf_token": token})
    assert Ticket.get_by_id(ticket.id).status == "new"


def test_one_click_on_negative_feedback_opens_a_ticket(client, auth, desk):
    auth.login("alice@example.com")
    complaint = make_interaction(desk["alices"], sentiment="negative", feedback="Late again")
    response = _post(client, auth, f"/admin/tickets/from-interaction/{complaint.id}")
    ticket = Ticket.get(Ticket.interaction == complaint.id)
    assert response.headers["Location"].endswith(f"/admin/tickets/details/?id={ticket.id}")


def test_csv_upload_opens_tickets_or_nothing(client, auth, desk):
    auth.login("alice@example.com")
    good = ("customer_ref,title,category,priority,assignee\n"
            f"{desk['alices'].ref},Broken lid,产品质量,紧急,alice@example.com\n")
    bad = good + f"{desk['bobs'].ref},Not yours,other,normal,\n"
    token = auth.csrf_token("/admin/tickets/import/")
    import io
    page = client.post("/admin/tickets/import/", data={"csrf_token": token, "file": (io.BytesIO(bad.encode()), "t.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "line 3" in page and not Ticket.select().where(Ticket.title == "Broken lid").exists()
    client.post("/admin/tickets/import/", data={"csrf_token": token, "file": (io.BytesIO(good.encode()), "t.csv")},
                content_type="multipart/form-data")
    ticket = Ticket.get(Ticket.title == "Broken lid")
    assert (ticket.category, ticket.priority, ticket.status) == ("product quality", "urgent", "assigned")
    assert Change.of(ticket).first().actor_kind == "import"
