"""The Chinese catalogue: every message the product can show is translated, and compiled."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from backoffice.i18n import TRANSLATIONS

ROOT = Path(__file__).resolve().parent.parent
PO = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalogue():
    with PO.open("rb") as fh:
        return read_po(fh, locale="zh_Hans_CN")


def _ids(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _texts(string) -> tuple[str, ...]:
    return (string,) if isinstance(string, str) else tuple(string)


def _source_messages() -> set[str]:
    """Every message id the code and templates pass to gettext, as `make messages` extracts them."""
    method_map = [("backoffice/**.py", "python"), ("sync/**.py", "python"), ("backoffice/templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords={**KEYWORDS, "_": None}):
        found.add(message if isinstance(message, str) else message[0])
    return {m for m in found if m}


def test_every_message_in_the_code_is_in_the_catalogue():
    known = {_ids(m) for m in _catalogue() if m.id}
    missing = sorted(_source_messages() - known)
    assert not missing, f"run `make messages` and translate: {missing[:20]}"


def test_every_message_in_the_catalogue_has_a_chinese_translation():
    untranslated = [_ids(m) for m in _catalogue() if m.id and (
        "fuzzy" in m.flags or not (m.string if isinstance(m.string, str) else all(m.string)))]
    assert not untranslated, untranslated[:20]


def test_translations_keep_every_placeholder():
    wrong = []
    for m in _catalogue():
        if not m.id or not m.string:
            continue
        source = m.id if isinstance(m.id, str) else m.id[0]
        target = m.string if isinstance(m.string, str) else m.string[0]
        if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(target)):
            wrong.append(source)
    assert not wrong, wrong[:20]


def test_the_compiled_catalogue_is_installed_and_current():
    assert MO.exists(), "run `make install` to compile the catalogue"
    with MO.open("rb") as fh:
        compiled = {_ids(m): _texts(m.string) for m in read_mo(fh) if m.id}
    stale = [_ids(m) for m in _catalogue() if m.id and compiled.get(_ids(m)) != _texts(m.string)]
    assert not stale, f"run `make install` to recompile: {stale[:10]}"
