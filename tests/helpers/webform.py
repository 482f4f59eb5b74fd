"""A browser's reading of the editor's HTML form, for Starlette's TestClient.

`read_form` collects what a browser would post from the page as it stands (text
inputs, checked boxes and radios, selected options, textareas); the tests then change
the fields a person would and post it back with the button a person would press.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

__all__ = ["Form", "read_form"]


class Form(HTMLParser):
    """The fields of the page's one form, in order, and every name and button on it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.names: set[str] = set()
        self.buttons: set[str] = set()
        self.action = ""
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []
        self._option: str | None = None
        self._templates = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a: dict[str, Any] = {k: ("" if v is None else v) for k, v in attrs}
        name = a.get("name")
        if tag == "template":
            self._templates += 1  # a browser neither shows nor posts what is inside a template
        if self._templates:
            return
        if tag == "form":
            self.action = a.get("action", "")
        elif tag == "input" and name:
            self.names.add(name)
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            else:
                self.fields.append((name, a.get("value", "")))
        elif tag == "button" and name == "_action":
            self.buttons.add(a.get("value", ""))
        elif tag == "select" and name:
            self.names.add(name)
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self.names.add(name)
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and not self._templates:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._templates -= 1
            return
        if self._templates:
            return
        if tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def data(self, changes: dict[str, str | list[str]] | None = None, action: str = "save") -> dict[str, Any]:
        """What pressing the ``action`` button posts, after typing ``changes`` (a name must be on the page)."""
        posted: dict[str, Any] = {}
        for name, value in self.fields:
            if name in posted:
                previous = posted[name]
                posted[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                posted[name] = value
        for name, value in (changes or {}).items():
            assert name in self.names, f"no field {name} on the form"
            posted[name] = value
        if action != "save":
            assert action in self.buttons, f"no button {action} on the form"
        posted["_action"] = action
        return posted


def read_form(page: str) -> Form:
    form = Form()
    form.feed(page)
    form.close()
    return form
