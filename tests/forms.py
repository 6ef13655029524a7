"""What a browser sends back from a page's form: for tests that save through the panel's own forms."""
from __future__ import annotations

from html.parser import HTMLParser


class _Form(HTMLParser):
    """The values a browser would send back from the page's edit form (inputs, selects, text areas)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._area: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox", "button"):
            self.values[name] = a.get("value") or ""
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.values[name] = a.get("value") or "y"
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._area = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._area = None

    def handle_data(self, data):
        if self._area:
            self.values[self._area] += data


def form_values(page: str) -> dict[str, str]:
    """The values of the page's inputs, selects and text areas, as a browser would post them."""
    parser = _Form()
    parser.feed(page)
    return parser.values
