"""One book scope: `Customer.in_book_of(user)` and its joined variants, and no scope written by hand."""
from __future__ import annotations

import re
from pathlib import Path

from backoffice.models import CarePlan, Customer, Interaction, Ticket
from tests.conftest import make_user
from tests.factories import make_customer, make_interaction, make_plan
from tests.tickets.helpers import make_ticket

BACKOFFICE = Path(__file__).parents[1] / "backoffice"
# `owner == user.id`, `owner_id != current_user.id`, `Customer.owner == current_user.id` ...
HAND_WRITTEN = re.compile(r"owner(_id)?\s*[!=]=\s*(current_)?user\b")


def test_no_scope_is_written_by_hand_outside_the_models():
    found = [f"{path.relative_to(BACKOFFICE.parent)}:{number}: {line.strip()}"
             for path in sorted(BACKOFFICE.rglob("*.py")) if "models" not in path.parts
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if HAND_WRITTEN.search(line)]
    assert found == []


def test_the_old_scope_classmethods_are_gone():
    for model in (Customer, CarePlan, Interaction, Ticket):
        assert not hasattr(model, "visible_to"), model
    assert not hasattr(Ticket, "visible_condition")


def test_a_rep_sees_their_book_and_a_manager_every_customer(app):
    rep, other = make_user("rep@example.com", role="rep"), make_user("other@example.com", role="rep")
    boss = make_user("boss@example.com", role="manager")
    mine, theirs = make_customer(name="Mine", owner=rep), make_customer(name="Theirs", owner=other)
    for customer in (mine, theirs):
        make_plan(customer)
        make_interaction(customer)
    assert [c.name for c in Customer.in_book_of(rep)] == ["Mine"]
    assert sorted(c.name for c in Customer.in_book_of(boss)) == ["Mine", "Theirs"]
    assert [p.customer_id for p in CarePlan.in_book_of(rep)] == [mine.id]
    assert [i.customer_id for i in Interaction.in_book_of(rep)] == [mine.id]
    assert CarePlan.in_book_of(boss).count() == Interaction.in_book_of(boss).count() == 2
    assert mine.is_in_book_of(rep) and not theirs.is_in_book_of(rep) and theirs.is_in_book_of(boss)


def test_a_rep_sees_their_customers_tickets_and_those_assigned_to_them(app):
    rep, other = make_user("rep@example.com", role="rep"), make_user("other@example.com", role="rep")
    mine, theirs = make_customer(name="Mine", owner=rep), make_customer(name="Theirs", owner=other)
    own = make_ticket(mine, assignee=other)
    handed = make_ticket(theirs, title="Assigned to me", assignee=rep)
    make_ticket(theirs, title="Not mine")
    assert {t.id for t in Ticket.in_book_of(rep)} == {own.id, handed.id}
    # On a rep's desk: assigned to them, or their customers' that nobody holds.
    assert {t.id for t in Ticket.on_desk_of(rep)} == {handed.id}
