"""A form editor for passports, in the browser: ``rarepassport edit FILE``, or mounted in an ASGI app.

Needs the ``web`` extra (``pip install 'rarepassport[web]'``: Starlette, uvicorn and
python-multipart); ``import rarepassport`` never imports it.

The form is generated from the model's field metadata and every registered plugin
section, in the chosen language; it works as plain HTML forms (no script), validates
with [`rarepassport.validate`][] on saving and shows every issue beside its field.

Example:
    ```python
    from rarepassport.web import create_app

    app = create_app("ada.json")          # an ASGI app: run it with uvicorn
    print(app.state.path)                 # "/<random token>/"
    ```
"""

from __future__ import annotations

from rarepassport.web._app import CSP, PREVIEW_CSP, create_app
from rarepassport.web._store import PASSPORT_NAME, FileStore, FolderStore, Store

__all__ = ["CSP", "PASSPORT_NAME", "PREVIEW_CSP", "FileStore", "FolderStore", "Store", "create_app"]
