"""``rarepassport edit FILE|FOLDER``: the form editor in the browser, served on 127.0.0.1."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``edit`` command to the CLI's sub-parsers."""
    edit = commands.add_parser(
        "edit", help="fill in a passport in a form in your web browser (a local editor; Ctrl-C stops it)",
        description="Open a form for FILE in the web browser, served only to this computer (127.0.0.1) at a "
                    "secret address. FILE is created by the first save when it does not exist; every save "
                    "is validated first and written atomically. Given a FOLDER, the editor lists the "
                    "passports in it, opens them and starts new ones there (only files directly in that "
                    "folder). Needs rarepassport[web].",
    )
    edit.add_argument("file", metavar="FILE|FOLDER",
                      help="the passport file (.json, or .yaml/.yml), or a folder of passports")
    edit.add_argument("--no-browser", action="store_true", help="print the address without opening a browser")
    edit.add_argument("--port", type=int, default=0, help="the port to listen on (default: a free one)")
    # No default here: a --language before the command counts too (see cli._main).
    edit.add_argument("--language", help="the language of the form's labels, e.g. fr (default en)")
    edit.set_defaults(handler=_cmd_edit)


def _cmd_edit(args: argparse.Namespace) -> int:
    import socket
    import sys
    import webbrowser
    from pathlib import Path

    from rarepassport.cli._common import CommandError, need_yaml, os_reason, plugins_for, say, text
    from rarepassport.languages import normalise

    try:
        import uvicorn

        from rarepassport.web import FileStore, FolderStore, Store, create_app
    except ImportError:
        raise CommandError(text("cli.edit.needs-web")) from None
    path = Path(args.file)
    if args.file == "-":
        raise CommandError(text("cli.edit.not-stdin"))
    if not path.is_dir() and not path.parent.is_dir():
        raise CommandError(text("cli.edit.no-folder", file=args.file))
    if not path.is_dir() and path.suffix.lower() in (".yaml", ".yml"):
        need_yaml(args.file, "writing")
    language = normalise(args.language or "en")
    if language is None:
        raise CommandError(text("cli.option.unknown-language", option="--language"))
    if not 0 <= args.port <= 65535:
        raise CommandError(text("cli.edit.port-range", option="--port"))
    store: Store | FolderStore
    if path.is_dir():
        store = FolderStore(path)
    else:
        store = FileStore(path)
        store.read()  # a file that cannot be read is said now, not in the browser
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", args.port))
    except OSError as exc:
        sock.close()
        raise CommandError(text("cli.edit.cannot-listen", option="--port", port=args.port,
                                reason=os_reason(exc))) from None
    port = sock.getsockname()[1]
    app = create_app(store, plugins=plugins_for(args), language=language,
                     allowed_hosts=[f"127.0.0.1:{port}", f"localhost:{port}"])
    url = f"http://127.0.0.1:{port}{app.state.path}"
    if not path.exists():
        say(text("cli.edit.new-file", file=args.file))
    elif path.is_dir():
        say(text("cli.edit.folder", file=args.file))
    say(text("cli.edit.editing", file=args.file, url=url))
    say(text("cli.edit.keep-secret"))
    sys.stdout.flush()
    if not args.no_browser:
        webbrowser.open(url)
    # No access log: the address holds the secret token. Field values are never logged.
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn finishes the request in hand, then passes Ctrl-C on
        pass
    finally:
        sock.close()
    say(text("cli.edit.stopped"))
    return 0
