"""``fastlint lsp``: a language server for editors (``server.py``); setup in docs/editors.md."""

from __future__ import annotations

import gc
import logging


def serve(tcp: str | None = None) -> None:
    """Serve over stdio, or on ``HOST:PORT`` (for debugging: connect an editor to it)."""
    from fastlint.frontends.lsp.server import make_server  # pygls: only for this command

    # A long-lived process: the batch front ends' rare collections would let memory grow.
    gc.set_threshold(700, 10, 10)
    logging.basicConfig(level=logging.WARNING, format="fastlint-lsp: %(message)s")
    server = make_server()
    if tcp is None:
        server.start_io()
        return
    host, _, port = tcp.rpartition(":")
    server.start_tcp(host or "127.0.0.1", int(port))
