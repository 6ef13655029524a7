"""The words of each message, built while speaking the recipient's language (see render)."""
from __future__ import annotations

from .. import clock
from ..i18n import _, ngettext
from .render import panel_url


def _line(text: str, link: str = "") -> dict:
    return {"text": text, "link": link}


def _section(title: str, lines: list[dict], total: int | None = None) -> dict:
    more = ""
    if total is not None and total > len(lines):
        more = _("… and %(count)d more on the Today page.", count=total - len(lines))
    return {"title": title, "lines": lines, "more": more}


def _common(settings: dict) -> dict:
    return {"link": panel_url(settings, "/admin/"), "link_label": _("Open Today in the panel"),
            "footer": _("Customer care back-office. Choose your channels, quiet hours and what you "
                        "receive under My notifications.")}


def digest(d, user, settings: dict):
    """The daily digest (d: digest.Digest) for one person."""
    def url(path: str) -> str:
        return panel_url(settings, path)

    def content() -> dict:
        sections = []
        if d.tomorrow:
            sections.append(_section(_("Due tomorrow (%(count)d)", count=len(d.tomorrow)), [
                _line(_("%(plan)s — %(customer)s", plan=p.title, customer=p.customer.name),
                      url(f"/admin/care_plans/details/?id={p.id}")) for p in d.tomorrow]))
        if d.overdue:
            sections.append(_section(_("Overdue (%(count)d)", count=d.overdue_count), [
                _line(_("%(plan)s — %(customer)s, due %(day)s", plan=p.title, customer=p.customer.name,
                        day=p.next_due.isoformat()), url(f"/admin/care_plans/details/?id={p.id}"))
                for p in d.overdue], d.overdue_count))
        if d.greetings:
            sections.append(_section(_("Greetings this week (%(count)d)", count=len(d.greetings)), [
                _line((_("%(customer)s: birthday on %(day)s") if g.occasion == "birthday" else
                       _("%(customer)s: anniversary on %(day)s (%(years)d years)")) % {
                    "customer": g.customer.name, "day": g.on.isoformat(), "years": g.years},
                      url(f"/admin/customers/details/?id={g.customer.id}")) for g in d.greetings]))
        if d.reverify:
            sections.append(_section(_("Due for re-verification (%(count)d)", count=d.reverify_count), [
                _line(c.name, url(f"/admin/customers/details/?id={c.id}")) for c in d.reverify],
                d.reverify_count))
        if d.complaints:
            sections.append(_section(_("Negative feedback to answer (%(count)d)", count=len(d.complaints)), [
                _line((_("%(customer)s: %(summary)s (since %(when)s, past 24 hours)") if late else
                       _("%(customer)s: %(summary)s (since %(when)s)")) % {
                    "customer": i.customer.name, "summary": i.feedback or i.summary,
                    "when": clock.show(i.at)}, url(f"/admin/interactions/details/?id={i.id}"))
                for i, late in d.complaints]))
        if d.tickets:
            sections.append(_section(_("Tickets due soon or late (%(count)d)", count=len(d.tickets)), [
                _line(_ticket_line(t), url(f"/admin/tickets/details/?id={t.ticket.id}")) for t in d.tickets]))
        count = sum(len(s["lines"]) for s in sections)
        return {"subject": _("Care digest for %(day)s", day=d.day.isoformat()),
                "intro": ngettext("Good morning, %(name)s. %(num)d item needs you today.",
                                  "Good morning, %(name)s. %(num)d items need you today.",
                                  count, name=user.name),
                "sections": sections, **_common(settings)}
    return content


def _ticket_line(t) -> str:
    values = {"ref": t.ticket.ref, "title": t.ticket.title, "when": clock.show(t.due)}
    if t.what == "response":
        text = _("%(ref)s %(title)s: response was due %(when)s") if t.late else \
            _("%(ref)s %(title)s: response due %(when)s")
    else:
        text = _("%(ref)s %(title)s: resolution was due %(when)s") if t.late else \
            _("%(ref)s %(title)s: resolution due %(when)s")
    return text % values


def negative_feedback(interaction, settings: dict):
    def content() -> dict:
        customer = interaction.customer
        lines = [_line(_("Customer: %(name)s", name=customer.name),
                       panel_url(settings, f"/admin/customers/details/?id={customer.id}")),
                 _line(_("Feedback: %(text)s", text=interaction.feedback or interaction.summary)),
                 _line(_("Logged %(when)s; answer within 24 hours.", when=clock.show(interaction.at)),
                       panel_url(settings, f"/admin/interactions/details/?id={interaction.id}"))]
        return {"subject": _("Negative feedback from %(name)s", name=customer.name),
                "sections": [_section(_("Negative feedback"), lines)], **_common(settings)}
    return content


def first_touch(customer, days: int, settings: dict):
    def content() -> dict:
        owner = customer.owner.name if customer.owner else _("nobody")
        lines = [_line(_("Customer: %(name)s", name=customer.name),
                       panel_url(settings, f"/admin/customers/details/?id={customer.id}")),
                 _line(_("Owner: %(owner)s", owner=owner)),
                 _line(_("Added %(when)s, no follow-up since.", when=clock.show(customer.created_at)))]
        return {"subject": _("%(name)s has had no follow-up for %(days)d days", name=customer.name, days=days),
                "sections": [_section(_("New customer without follow-up"), lines)], **_common(settings)}
    return content


def ticket_late(line, settings: dict):
    def content() -> dict:
        ticket = line.ticket
        assignee = ticket.assignee.name if ticket.assignee else _("nobody")
        lines = [_line(_ticket_line(line), panel_url(settings, f"/admin/tickets/details/?id={ticket.id}")),
                 _line(_("Customer: %(name)s", name=ticket.customer.name)),
                 _line(_("Assignee: %(name)s", name=assignee))]
        return {"subject": _("Ticket %(ref)s is past its deadline", ref=ticket.ref),
                "sections": [_section(_("Ticket past its SLA"), lines)], **_common(settings)}
    return content


def test_message(channel: str, settings: dict):
    def content() -> dict:
        return {"subject": _("Test message from the customer-care back-office"),
                "intro": _("If you can read this, the %(channel)s channel is set up right.",
                           channel=channel),
                "sections": [], **_common(settings)}
    return content
