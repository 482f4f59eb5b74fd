"""The editor's ASGI application (Starlette): the form page, saving, and downloads."""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import hmac
import html
import os
import secrets
from collections.abc import Awaitable, Callable, Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rarepassport import api, formats, labels, limits
from rarepassport._report import Issue, IssueSeverity
from rarepassport.errors import LoadError, PassportError
from rarepassport.formats import Format
from rarepassport.plugin_manager import PluginManager
from rarepassport.rendering._photo import PhotoProblem
from rarepassport.web import _form, _photos
from rarepassport.web._store import FileStore, FolderStore, Store

__all__ = ["CSP", "LOCAL_HOSTS", "PREVIEW_CSP", "create_app"]

#: The Content-Security-Policy of every response: nothing but this app's own stylesheet and
#: script file (no inline script, no ``eval``), no frame, no request to anywhere else; forms
#: and the script's requests go only back here.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

#: The policy of a preview page (the library's HTML rendering, which carries its own
#: ``<style>``): still no script and nothing from elsewhere.
PREVIEW_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
               "frame-ancestors 'none'; base-uri 'none'")

_PREVIEWS = ("emergency", "full")

#: Host names accepted when ``allowed_hosts`` is not given (any port).
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")

_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]

_DOWNLOADS: dict[str, tuple[api.BuiltinFormat, str, str, str]] = {
    "pdf": ("pdf", "application/pdf", "passport.pdf", "download_pdf"),
    "card": ("card", "application/pdf", "card.pdf", "download_card"),
    "html": ("html", "text/html; charset=utf-8", "passport.html", "download_html"),
}


#: The name of the form's file field for a photo.
_UPLOAD = "_photo_upload"

_PHOTO_PATH = "$.person.photo"

#: The largest form posted: a passport, a photo file beside it and the form's own fields.
_MAX_POST_BYTES = limits.MAX_FILE_BYTES + limits.MAX_PHOTO_BYTES + 1024 * 1024


#: The card preview's width on the page, in CSS pixels (the picture has twice as many).
_CARD_WIDTH_PX = 324


def _card_pictures(pdf: bytes) -> list[bytes]:
    """Each page of the card's PDF as a PNG, twice the width it is shown at (sharp on a fine screen)."""
    import io

    import pypdfium2 as pdfium  # type: ignore[import-untyped,unused-ignore]

    document = pdfium.PdfDocument(pdf)
    pictures = []
    try:
        for page in document:
            scale = 2 * _CARD_WIDTH_PX / page.get_width()
            image = page.render(scale=scale).to_pil()
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="PNG", optimize=True)
            pictures.append(buffer.getvalue())
    finally:
        document.close()
    return pictures


def _set_photo(document: dict[str, Any], photo: str | Issue | None) -> None:
    """Put a kept upload's path (or ``data:`` URI) in ``person.photo``."""
    if isinstance(photo, str):
        person = document.get("person")
        document["person"] = {**(person if isinstance(person, dict) else {}), "photo": photo}


def _refusal(key: str, status_code: int, language: str, plugins: PluginManager) -> Response:
    """A plain-text refusal, in the editor's language (``phrase.editor_<key>``)."""
    return PlainTextResponse(_form.ui(key, language, plugins), status_code=status_code)


def _error_message(error: PassportError, language: str, plugins: PluginManager) -> str:
    """The first line of what is wrong, in the editor's language: the error's catalogue message
    (a passport that cannot be read: its first problem's, after its path), else its English."""
    where, message_id, arguments = "", error.message_id, dict(error.arguments)
    english = str(error).splitlines()[0]
    if isinstance(error, LoadError) and error.problems:
        first = error.problems[0]
        where, message_id, arguments, english = f"{first.path}: ", first.message_id, dict(first.arguments), str(first)
    if message_id is None or message_id not in labels.ENGLISH:
        return english
    return where + labels.lookup(message_id, language, plugins.labels).format_map(arguments)


class _Guard:
    """Refuses a request whose ``Host`` is not one of the bound addresses, and adds the safety headers."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str] | None, language: str = "en",
                 plugins: PluginManager | None = None) -> None:
        self.app = app
        self.hosts = {host.lower() for host in hosts} if hosts is not None else None
        self.language, self.plugins = language, plugins

    def _host_ok(self, host: str) -> bool:
        host = host.lower()
        if self.hosts is not None:
            return host in self.hosts
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in LOCAL_HOSTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                own = message.get("headers", [])
                has_csp = any(name.lower() == b"content-security-policy" for name, _ in own)
                message["headers"] = [*own, *(h for h in _HEADERS if not (has_csp and h[0] == _HEADERS[0][0]))]
            await send(message)

        if not self._host_ok(host):
            # DNS rebinding: a page of another site whose name now points here.
            words = _form.ui("host_not_allowed", self.language, self.plugins) if self.plugins else "Host not allowed."
            await PlainTextResponse(words, status_code=400)(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


class _Editor:
    """The state of one editor: its store, plugins, language and secrets."""

    def __init__(self, store: Store, plugins: PluginManager, language: str, token: str,
                 today: _dt.date | None, *, base_path: str | None = None, home: str | None = None) -> None:
        self.store = store
        self.base_path = base_path if base_path is not None else (f"/{token}/" if token else "/")
        self.home = home
        self.format: Format = "yaml" if store.format == "yaml" else "json"
        self.plugins = plugins
        self.language = language
        self.token = token
        self.csrf = secrets.token_urlsafe(32)
        self.today = today
        self._card_cache: tuple[str, list[bytes] | None] | None = None

    # --- pages ---------------------------------------------------------------------------

    def base(self) -> str:
        return self.base_path

    def page(self, request: Request, document: Mapping[str, Any], *, issues: list[Issue] | None = None,
             notice: str = "", status_code: int = 200) -> Response:
        base = str(request.scope.get("root_path", "")) + self.base()
        downloads = ""
        stored = self._stored()
        if stored is not None:
            links = "".join(f'<li><a href="{base}download/{key}" download="{name}">'
                            f'{_form.ui(word, self.language, self.plugins)}</a></li>'
                            for key, (_, _, name, word) in _DOWNLOADS.items())
            links += "".join(f'<li><a href="{base}preview/{view}">'
                             f'{_form.ui(f"preview_{view}", self.language, self.plugins)}</a></li>'
                             for view in _PREVIEWS)
            downloads = (f'<nav class="downloads" aria-labelledby="downloads-h"><h2 id="downloads-h">'
                         f'{_form.ui("download", self.language, self.plugins)}</h2><ul>{links}</ul></nav>')
        pane = f'<aside class="pane" aria-label="{html.escape(self.ui("card_preview"))}">' \
               f'{self.card_figure(base, stored)}{downloads}</aside>'
        body = _form.render_form(document, self.plugins, self.language, issues=issues or [],
                                 hidden={"_csrf": self.csrf}, action=base, notice=notice, aside=pane,
                                 photo_upload=_UPLOAD)
        title = _form.ui("title", self.language, self.plugins)
        text = (f'<!DOCTYPE html><html lang="{self.language}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f'<title>{title}</title><link rel="stylesheet" href="{base}editor.css">'
                f'<script src="{base}editor.js" defer></script></head>'
                f'<body><header><h1>{title}</h1>{self.home_link(request)}</header><main>{body}</main></body></html>')
        return Response(text, status_code=status_code, media_type="text/html; charset=utf-8")

    def home_link(self, request: Request) -> str:
        """In a folder of passports, the way back to its list."""
        if self.home is None:
            return ""
        where = str(request.scope.get("root_path", "")) + self.home
        name = getattr(self.store, "path", None)
        current = f' <span class="current">({html.escape(name.name)})</span>' if isinstance(name, Path) else ""
        return f'<p class="home"><a href="{where}">{html.escape(self.ui("all_passports"))}</a>{current}</p>'

    def _stored(self) -> str | None:
        return self.store.read()

    def card_pages(self, text: str) -> list[bytes] | None:
        """The saved passport's wallet card as PNG pictures (front, back), or ``None`` when it cannot be drawn.

        Drawn by the library's card backend (the very PDF of "download card") and
        rasterised with PDFium, once for each saved text.
        """
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if self._card_cache is not None and self._card_cache[0] == key:
            return self._card_cache[1]
        try:
            passport = api.loads(text, format=self.format, plugins=self.plugins)
            pdf = api.render_rendered(passport, "card", language=self.language, plugins=self.plugins,
                                      today=self.today).data
        except PassportError:
            pages = None
        else:
            pages = _card_pictures(pdf)
        self._card_cache = (key, pages)
        return pages

    def ui(self, key: str, **values: object) -> str:
        return _form.ui(key, self.language, self.plugins, **values)

    def refuse(self, key: str, status_code: int) -> Response:
        """A refusal (a wrong address, a post too large, an expired form) in the editor's language."""
        return _refusal(key, status_code, self.language, self.plugins)

    def side_names(self, count: int, *, draft: bool = False) -> list[str]:
        """What each picture of the card is, for a screen reader: front, back (of the saved or typed card)."""
        keys = ("card_draft_front", "card_draft_back") if draft else ("card_front", "card_back")
        return [self.ui(keys[min(number, 1)]) for number in range(count)]

    def card_figure(self, base: str, text: str | None) -> str:
        """The card preview beside the form: each side as a picture, named for a screen reader.

        With the editor's script, a button draws it from the form as typed (``preview/draft``).
        """
        pages = self.card_pages(text) if text is not None else None
        images = ""
        if pages:
            version = hashlib.sha256((text or "").encode("utf-8")).hexdigest()[:12]
            images = "".join(
                f'<img src="{base}preview/card/{number}.png?v={version}" alt="{html.escape(alt)}" '
                f'width="{_CARD_WIDTH_PX}">'
                for number, alt in enumerate(self.side_names(len(pages)), start=1))
        note = self.ui("card_preview_note" if pages else "card_none")
        button = (f'<button type="button" class="secondary" id="card-refresh" hidden '
                  f'data-draft="{base}preview/draft" data-failed="{html.escape(self.ui("card_draft_failed"))}">'
                  f'{html.escape(self.ui("card_refresh"))}</button><p id="card-status" role="status"></p>')
        return (f'<figure class="card" id="card-preview" aria-labelledby="card-h"><h2 id="card-h">'
                f'{html.escape(self.ui("card_preview"))}</h2>{images}<figcaption id="card-note">'
                f'{html.escape(note)}</figcaption></figure>{button}')

    async def draft_card(self, request: Request) -> Response:
        """The wallet card of the form as typed, not saved (for the script's preview button), as JSON.

        The same checks as saving (CSRF, validation) and nothing is written: ``{"ok": true,
        "pages": [{"src": data URI, "alt": ...}], "width": px, "note": ...}``, or ``{"ok":
        false, "message": ...}`` when the form does not validate yet.
        """
        form = await self.checked_form(request)
        if isinstance(form, Response):
            return form
        original, _ = self.stored_document()
        document = _form.parse_form(form, self.plugins, original=original)
        if any(issue.severity is IssueSeverity.ERROR for issue in self.validate(document)):
            return JSONResponse({"ok": False, "message": self.ui("card_draft_problems")}, status_code=422)
        try:
            passport = api.from_dict(document, plugins=self.plugins)
            pdf = api.render_rendered(passport, "card", language=self.language, plugins=self.plugins,
                                      today=self.today).data
        except PassportError:
            return JSONResponse({"ok": False, "message": self.ui("card_draft_problems")}, status_code=422)
        pictures = _card_pictures(pdf)
        pages = [{"src": "data:image/png;base64," + base64.b64encode(picture).decode("ascii"), "alt": alt}
                 for picture, alt in zip(pictures, self.side_names(len(pictures), draft=True), strict=True)]
        return JSONResponse({"ok": True, "pages": pages, "width": _CARD_WIDTH_PX, "note": self.ui("card_draft")})

    def stored_document(self) -> tuple[dict[str, Any], list[Issue]]:
        """The stored document as plain data, and a problem reading it (as an issue)."""
        text = self._stored()
        if text is None:
            return {}, []
        try:
            data = formats.parse_text(text, self.format)
        except LoadError as exc:
            return {}, [Issue(path="$", code="syntax", severity=IssueSeverity.ERROR,
                              message=str(exc).splitlines()[0])]
        return (data if isinstance(data, dict) else {}), []

    def validate(self, document: Mapping[str, Any]) -> list[Issue]:
        report = api.validate(document, plugins=self.plugins, today=self.today)
        return [issue for issue in report if issue.severity is not IssueSeverity.INFO]

    # --- handlers --------------------------------------------------------------------------

    def check_token(self, request: Request) -> bool:
        given = request.path_params.get("token", "")
        return hmac.compare_digest(given.encode(), self.token.encode())

    async def checked_form(self, request: Request) -> FormData | Response:
        """The posted form, or the refusal: a wrong URL token (404), a post too large (413),
        no valid CSRF token (403). One file at most (the photo); a field may hold a
        ``data:`` photo, so a part may be that long."""
        if not self.check_token(request):
            return self.refuse("not_found", 404)
        if int(request.headers.get("content-length") or 0) > _MAX_POST_BYTES:
            return self.refuse("too_large", 413)
        form = await request.form(max_files=1, max_fields=limits.MAX_LIST_LENGTH * 10,
                                  max_part_size=limits.photo_uri_length() + 1024)
        given = form.get("_csrf")
        if not isinstance(given, str) or not hmac.compare_digest(given.encode(), self.csrf.encode()):
            return self.refuse("form_expired", 403)
        return form

    async def show(self, request: Request) -> Response:
        if not self.check_token(request):
            return self.refuse("not_found", 404)
        document, problems = self.stored_document()
        if request.query_params.get("saved") and not problems:
            issues = self.validate(document)
            return self.page(request, document, issues=issues,
                             notice=_form.ui("saved", self.language, self.plugins))
        return self.page(request, document, issues=problems)

    async def post(self, request: Request) -> Response:
        form = await self.checked_form(request)
        if isinstance(form, Response):
            return form
        original, _ = self.stored_document()
        action = form.get("_action")
        action = action if isinstance(action, str) else "save"
        uploaded = await self.take_photo(form.get(_UPLOAD))
        if action != "save" or isinstance(uploaded, Issue):
            document = _form.parse_form(form, self.plugins, original=original, keep_empty=True)
            _set_photo(document, uploaded)
            if action != "save":
                _form.apply_action(document, action)
            problems = [uploaded] if isinstance(uploaded, Issue) else []
            return self.page(request, document, issues=problems, status_code=422 if problems else 200)
        document = _form.parse_form(form, self.plugins, original=original)
        _set_photo(document, uploaded)
        issues = self.validate(document)
        if any(issue.severity is IssueSeverity.ERROR for issue in issues):
            return self.page(request, document, issues=issues, status_code=422)
        try:
            passport = api.from_dict(document, plugins=self.plugins)
            text = api.dumps(passport, format=self.format, plugins=self.plugins)
        except PassportError as exc:  # validation let it through: say so without a traceback
            issue = Issue(path="$", code="structure", severity=IssueSeverity.ERROR,
                          message=_error_message(exc, self.language, self.plugins))
            return self.page(request, document, issues=[issue], status_code=422)
        try:
            self.store.write(text)
        except OSError:
            # The store's own words (a file name, a system's reason) stay out of the page:
            # what happened and what to do, in the form's language; the form keeps what was typed.
            issue = Issue(path="$", code="not_saved", severity=IssueSeverity.ERROR, message=self.ui("not_saved"))
            return self.page(request, document, issues=[issue], status_code=500)
        return RedirectResponse(str(request.scope.get("root_path", "")) + self.base() + "?saved=1",
                                status_code=303)

    async def take_photo(self, upload: object) -> str | Issue | None:
        """An uploaded photo kept through the store: what ``person.photo`` becomes, or why not, or ``None``.

        The upload gets the checks of ``person.photo`` and is written anew
        (`rarepassport.web._photos.clean_photo`); its own file name is never used.
        """
        if not isinstance(upload, UploadFile) or not upload.filename:
            return None  # no file chosen (a browser still sends the empty part)
        data = await upload.read(limits.MAX_PHOTO_BYTES + 1)
        await upload.close()
        if not data:
            return None
        cleaned = _photos.clean_photo(data)
        if isinstance(cleaned, PhotoProblem):
            return self.photo_issue(cleaned)
        image, suffix = cleaned
        save_photo = getattr(self.store, "save_photo", None)
        if save_photo is None:
            mime = "png" if suffix == "png" else "jpeg"
            return f"data:image/{mime};base64," + base64.b64encode(image).decode("ascii")
        try:
            name = save_photo(image, suffix)
        except (OSError, ValueError):
            return self.photo_issue(PhotoProblem("photo_unreadable_file"), code="photo_not_saved")
        return str(name)

    def photo_issue(self, problem: PhotoProblem, *, code: str = "photo") -> Issue:
        values: dict[str, object] = {"path": _PHOTO_PATH}
        if problem.limit is not None:
            values["limit"] = problem.limit
        if code == "photo_not_saved":
            message = _form.ui("photo_not_saved", self.language, self.plugins)
        else:
            message = labels.lookup(f"phrase.notice.{problem.code}", self.language,
                                    self.plugins.labels).format(**values)
        return Issue(path=_PHOTO_PATH, code=code, severity=IssueSeverity.ERROR, message=message)

    async def download(self, request: Request) -> Response:
        if not self.check_token(request):
            return self.refuse("not_found", 404)
        what = _DOWNLOADS.get(request.path_params.get("what", ""))
        text = self._stored()
        if what is None or text is None:
            return self.refuse("not_found", 404)
        backend, media_type, name, _ = what
        try:
            passport = api.loads(text, format=self.format, plugins=self.plugins)
            # A relative photo path is relative to the passport's folder, read there only (the PDF only,
            # as `rarepassport render` does); a store with no folder shows only data: photos.
            base_dir = getattr(self.store, "base_dir", None)
            options: dict[str, Any] = {"base_dir": base_dir} if backend == "pdf" and isinstance(base_dir, str) else {}
            rendered = api.render_rendered(passport, backend, language=self.language, plugins=self.plugins,
                                           today=self.today, **options)
        except PassportError:
            return self.refuse("cannot_draw", 409)
        return Response(rendered.data, media_type=media_type,
                        headers={"content-disposition": f'attachment; filename="{name}"'})

    async def preview(self, request: Request) -> Response:
        """The saved passport as it prints, in a view, drawn by the library's HTML backend."""
        if not self.check_token(request):
            return self.refuse("not_found", 404)
        view = request.path_params.get("view", "")
        text = self._stored()
        if view not in _PREVIEWS or text is None:
            return self.refuse("not_found", 404)
        try:
            passport = api.loads(text, format=self.format, plugins=self.plugins)
            rendered = api.render_rendered(passport, "html", view=view, language=self.language,
                                           plugins=self.plugins, today=self.today)
        except PassportError:
            return self.refuse("cannot_draw", 409)
        return Response(rendered.data, media_type="text/html; charset=utf-8",
                        headers={"content-security-policy": PREVIEW_CSP})

    async def card_picture(self, request: Request) -> Response:
        """One side of the saved passport's wallet card as a PNG picture (1 front, 2 back)."""
        if not self.check_token(request):
            return self.refuse("not_found", 404)
        text = self._stored()
        pages = self.card_pages(text) if text is not None else None
        number = request.path_params.get("page", 0)
        if not pages or not 1 <= number <= len(pages):
            return self.refuse("not_found", 404)
        return Response(pages[number - 1], media_type="image/png")

    async def stylesheet(self, request: Request) -> Response:
        if not self.check_token(request):
            return self.refuse("not_found", 404)
        css = resources.files("rarepassport.web").joinpath("editor.css").read_text(encoding="utf-8")
        return Response(css, media_type="text/css; charset=utf-8")

    async def script(self, request: Request) -> Response:
        if not self.check_token(request):
            return self.refuse("not_found", 404)
        js = resources.files("rarepassport.web").joinpath("editor.js").read_text(encoding="utf-8")
        return Response(js, media_type="text/javascript; charset=utf-8")


#: The editor's pages for one passport: (path under the passport's prefix, handler, method).
_EDITOR_ROUTES = (
    ("/", "show", "GET"),
    ("/", "post", "POST"),
    ("/editor.css", "stylesheet", "GET"),
    ("/editor.js", "script", "GET"),
    ("/preview/draft", "draft_card", "POST"),
    ("/download/{what}", "download", "GET"),
    ("/preview/card/{page:int}.png", "card_picture", "GET"),
    ("/preview/{view}", "preview", "GET"),
)


def _editor_routes(prefix: str, resolve: Callable[[Request], _Editor | None],
                   not_found: Callable[[], Response]) -> list[Route]:
    """The routes of one passport's editor under ``prefix``, each handled by the editor ``resolve`` finds
    (``not_found()`` when it finds none)."""
    def endpoint(handler: str) -> Callable[[Request], Awaitable[Response]]:
        async def call(request: Request) -> Response:
            editor = resolve(request)
            if editor is None:
                return not_found()
            method: Callable[[Request], Awaitable[Response]] = getattr(editor, handler)
            return await method(request)
        return call

    return [Route(prefix + path, endpoint(handler), methods=[verb]) for path, handler, verb in _EDITOR_ROUTES]


class _Folder:
    """A folder of passports: the list, a new passport's name, and one editor for each passport opened."""

    def __init__(self, folder: FolderStore, plugins: PluginManager, language: str, token: str,
                 today: _dt.date | None) -> None:
        self.folder = folder
        self.plugins = plugins
        self.language = language
        self.token = token
        self.today = today
        self.csrf = secrets.token_urlsafe(32)
        self.editors: dict[str, _Editor] = {}

    def base(self) -> str:
        return f"/{self.token}/" if self.token else "/"

    def check_token(self, request: Request) -> bool:
        given = request.path_params.get("token", "")
        return hmac.compare_digest(given.encode(), self.token.encode())

    def ui(self, key: str, **values: object) -> str:
        return _form.ui(key, self.language, self.plugins, **values)

    def refuse(self, key: str, status_code: int) -> Response:
        """A refusal (a wrong address, a post too large, an expired form) in the editor's language."""
        return _refusal(key, status_code, self.language, self.plugins)

    def editor(self, request: Request) -> _Editor | None:
        """The editor of the passport named in the address, or ``None`` for a name the folder refuses."""
        name = str(request.path_params.get("name", ""))
        if not self.check_token(request):
            return None
        if name in self.editors:
            return self.editors[name]
        store = self.folder.open(name)
        if store is None:
            return None
        try:
            store.read()
        except (OSError, PassportError):  # too large, unreadable: not a passport this editor opens
            return None
        editor = _Editor(store, self.plugins, self.language, self.token, self.today,
                         base_path=f"{self.base()}p/{name}/", home=self.base())
        self.editors[name] = editor
        return editor

    def listing(self, request: Request, *, typed: str = "", problem: str = "", status_code: int = 200) -> Response:
        base = str(request.scope.get("root_path", "")) + self.base()
        names = self.folder.names()
        items = "".join(f'<li><a href="{base}p/{name}/">{html.escape(name)}</a></li>' for name in names)
        listed = f"<ul>{items}</ul>" if names else f'<p>{html.escape(self.ui("folder_empty"))}</p>'
        error = (f'<p class="error" id="new-name-error"><strong>{html.escape(self.ui("error"))}:</strong> '
                 f'{html.escape(problem)}</p>') if problem else ""
        described = "new-name-help" + (" new-name-error" if problem else "")
        invalid = ' aria-invalid="true"' if problem else ""
        title = self.ui("title")
        body = (f'<section class="section" aria-labelledby="list-h"><h2 id="list-h">'
                f'{html.escape(self.ui("folder_title"))}</h2>{listed}</section>'
                f'<section class="section" aria-labelledby="new-h"><h2 id="new-h">{html.escape(self.ui("create"))}'
                f'</h2><form method="post" action="{base}" novalidate>'
                f'<input type="hidden" name="_csrf" value="{self.csrf}"><div class="field">'
                f'<label for="new-name">{html.escape(self.ui("new_name"))}</label>'
                f'<p class="help" id="new-name-help">{html.escape(self.ui("new_name_help"))}</p>{error}'
                f'<input type="text" id="new-name" name="name" value="{html.escape(typed)}" autocomplete="off" '
                f'aria-describedby="{described}"{invalid}></div>'
                f'<div class="buttons"><button type="submit">{html.escape(self.ui("create"))}</button></div>'
                f'</form></section>')
        text = (f'<!DOCTYPE html><html lang="{self.language}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f'<title>{html.escape(self.ui("folder_title"))} – {html.escape(title)}</title>'
                f'<link rel="stylesheet" href="{base}editor.css"></head>'
                f'<body><header><h1>{html.escape(title)}</h1></header><main>{body}</main></body></html>')
        return Response(text, status_code=status_code, media_type="text/html; charset=utf-8")

    async def index(self, request: Request) -> Response:
        if not self.check_token(request):
            return self.refuse("not_found", 404)
        return self.listing(request)

    async def create(self, request: Request) -> Response:
        """Start a new passport by its file name: the editor of a file created at its first save."""
        if not self.check_token(request):
            return self.refuse("not_found", 404)
        if int(request.headers.get("content-length") or 0) > 64 * 1024:
            return self.refuse("too_large", 413)
        form = await request.form(max_files=0, max_fields=10)
        given = form.get("_csrf")
        if not isinstance(given, str) or not hmac.compare_digest(given.encode(), self.csrf.encode()):
            return self.refuse("form_expired", 403)
        typed = form.get("name")
        typed = typed.strip() if isinstance(typed, str) else ""
        store = self.folder.create(typed)
        if store is None:
            taken = self.folder.open(typed) is not None or self.folder.open(f"{typed}.json") is not None
            problem = self.ui("name_taken" if taken and typed else "name_refused")
            return self.listing(request, typed=typed, problem=problem, status_code=422)
        return RedirectResponse(str(request.scope.get("root_path", "")) + f"{self.base()}p/{store.path.name}/",
                                status_code=303)

    async def stylesheet(self, request: Request) -> Response:
        if not self.check_token(request):
            return self.refuse("not_found", 404)
        css = resources.files("rarepassport.web").joinpath("editor.css").read_text(encoding="utf-8")
        return Response(css, media_type="text/css; charset=utf-8")


def create_app(
    store: Store | FolderStore | str | os.PathLike[str],
    *,
    plugins: PluginManager | None = None,
    language: str = "en",
    token: str | None = None,
    allowed_hosts: Iterable[str] | None = None,
    today: _dt.date | None = None,
) -> Starlette:
    """The passport editor as an ASGI application.

    Args:
        store: Where the passports are kept: a [`Store`][rarepassport.web.Store] (one
            passport), a [`FolderStore`][rarepassport.web.FolderStore] (a folder of them:
            a list page, then one editor for each), or a path: a folder for a
            ``FolderStore``, anything else a [`FileStore`][rarepassport.web.FileStore].
        plugins: The plugin manager whose sections are on the form and whose rules
            apply; default the default manager.
        language: The language of the form's labels.
        token: The secret first part of every URL; default a new random one (read it
            back from ``app.state.token``). ``""`` for none, when the host app has its
            own authentication.
        allowed_hosts: The ``Host`` header values accepted (``"127.0.0.1:8765"``);
            default ``127.0.0.1``, ``localhost`` and ``[::1]`` on any port.
        today: The date validation judges against; default today.

    Returns:
        A Starlette application; its pages are under ``/<token>/`` (for a folder, each
        passport's under ``/<token>/p/<file name>/``).
    """
    manager = api._manager(plugins)
    secret = secrets.token_urlsafe(24) if token is None else token
    prefix = "/{token}" if secret else ""
    if isinstance(store, (str, os.PathLike)):
        store = FolderStore(store) if Path(store).is_dir() else FileStore(store)
    if isinstance(store, FolderStore):
        folder = _Folder(store, manager, language, secret, today)
        routes = [
            Route(f"{prefix}/", folder.index, methods=["GET"]),
            Route(f"{prefix}/", folder.create, methods=["POST"]),
            Route(f"{prefix}/editor.css", folder.stylesheet, methods=["GET"]),
            *_editor_routes(f"{prefix}/p/{{name}}", folder.editor, lambda: folder.refuse("not_found", 404)),
        ]
        path = folder.base()
    else:
        editor = _Editor(store, manager, language, secret, today)
        routes = _editor_routes(prefix, lambda request: editor, lambda: editor.refuse("not_found", 404))
        path = editor.base()
    async def not_found(request: Request, exc: Exception) -> Response:
        # An address no route has: said as the editor's own refusals are, not in Starlette's English.
        return _refusal("not_found", 404, language, manager)

    app = Starlette(routes=routes, exception_handlers={404: not_found})
    app.add_middleware(_Guard, hosts=allowed_hosts, language=language, plugins=manager)
    app.state.token = secret
    app.state.path = path
    return app
