"""Parsing a file to lint it: libcst's native parser, without validating again each node it builds.

Every libcst node validates itself when constructed (``CSTNode.__post_init__`` calls
``_validate``): that a name is an identifier, that whitespace is whitespace, that brackets pair.
That guards trees built by hand; a tree the parser builds from source is valid by construction,
and re-checking its million nodes costs about a tenth of the parse (libcst's own comment on
``__post_init__`` says as much). So while the parser runs, construction skips it. Nodes that
fastlint builds itself (fixes) are validated as usual, and a fixed text is parsed again before
it is written.
"""

from __future__ import annotations

import libcst as cst
from libcst._nodes.base import CSTNode

_VALIDATING = CSTNode.__post_init__
# Only where ``__post_init__`` does nothing but validate (libcst 1.x); otherwise parse as is.
_SKIPPABLE = _VALIDATING.__code__.co_names == ("_validate",)


def _constructed(self: CSTNode) -> None:
    """``__post_init__`` while the parser builds the tree: nothing to check."""


def parse_source(text: str) -> cst.Module:
    """``libcst.parse_module(text)``, the same tree, without per-node validation."""
    if not _SKIPPABLE:
        return cst.parse_module(text)
    CSTNode.__post_init__ = _constructed  # type: ignore[method-assign]
    try:
        return cst.parse_module(text)
    finally:
        CSTNode.__post_init__ = _VALIDATING  # type: ignore[method-assign]
