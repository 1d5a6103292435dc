"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from fastlint import __version__
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.rule import Rule
from fastlint.frontends.formats.common import OutputContext, category_of, fingerprints, posix

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/fastlint/fastlint"
SRCROOT = "%SRCROOT%"
# A SARIF object as ``json.dumps`` writes it.
Json = dict[str, object]


# Rule categories whose findings are errors: the engine's (the file was not fully checked) and
# security findings. Everything else, and a code fastlint does not know, is a warning.
_ERROR_CATEGORIES = frozenset({"engine", "security"})


def level(code: str) -> str:
    """The SARIF level of a code's findings: ``error`` or ``warning``."""
    return "error" if category_of(code) in _ERROR_CATEGORIES else "warning"


def _rule_descriptor(rule: type[Rule]) -> Json:
    security = rule.category == "security"
    # GitHub code scanning shows the tags; "security" (with a security-severity) files the
    # alert under security, anything else under maintainability.
    tags = ["fastapi", rule.category] if security else ["fastapi", rule.category, "maintainability"]
    properties: Json = {"tags": tags, "precision": "high"}
    if security:
        properties["security-severity"] = "7.0"
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.message},
        "helpUri": rule.url(),
        "help": {"text": f"{rule.summary}. See {rule.url()}", "markdown": rule.docs.strip()},
        "defaultConfiguration": {
            "enabled": rule.default_enabled,
            "level": level(rule.code),
        },
        "properties": properties,
    }


def _uri(path: str) -> tuple[str, str | None]:
    """A relative URI against %SRCROOT% (the current directory) when the path is below it,
    else an absolute ``file:`` URI."""
    if os.path.isabs(path) or path.startswith(".."):
        return Path(os.path.abspath(path)).as_uri(), None
    return quote(posix(path)), SRCROOT


def _result(d: Diagnostic, index: int | None, fingerprint: tuple[str, int]) -> Json:
    uri, base = _uri(d.path)
    artifact: Json = {"uri": uri}
    if base is not None:
        artifact["uriBaseId"] = base
    end_row = max(d.end_row, d.row)
    end_column = d.end_column if end_row > d.row else max(d.end_column, d.column)
    location: Json = {
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {
                "startLine": d.row,
                "startColumn": d.column,
                "endLine": end_row,
                "endColumn": end_column,
            },
        }
    }
    result: Json = {
        "ruleId": d.code,
        "level": level(d.code),
        "message": {"text": d.message},
        "locations": [location],
        "partialFingerprints": {"primaryLocationLineHash": f"{fingerprint[0]}:{fingerprint[1]}"},
    }
    if index is not None:
        result["ruleIndex"] = index
    if d.related:
        _add_chain(result, d, location)
    return result


def _place(path: str, row: int, text: str) -> Json:
    uri, base = _uri(_shown(path))
    artifact: Json = {"uri": uri}
    if base is not None:
        artifact["uriBaseId"] = base
    return {
        "physicalLocation": {"artifactLocation": artifact, "region": {"startLine": row}},
        "message": {"text": text},
    }


def _shown(path: str) -> str:
    """A related place's path (absolute, as the project index read it), relative when it is
    below the current directory, as the diagnostics' own paths are."""
    if os.path.isabs(path):
        relative = os.path.relpath(path)
        return path if relative.startswith("..") else relative
    return path


def _add_chain(result: Json, d: Diagnostic, location: Json) -> None:
    """FST102's chain: each hop as a related location, and the whole chain, from the call in
    the ``async def`` to the blocking call, as one thread flow."""
    related = []
    for number, place in enumerate(d.related, start=1):
        hop = _place(place.path, place.row, place.message)
        hop["id"] = number
        related.append(hop)
    result["relatedLocations"] = related
    start = dict(location)
    start["message"] = {"text": "the call in the `async def`"}
    steps = [start, *(_place(p.path, p.row, p.message) for p in d.related)]
    flow = {"locations": [{"location": step, "nestingLevel": 0} for step in steps]}
    result["codeFlows"] = [{"threadFlows": [flow]}]


def format_sarif(diagnostics: Sequence[Diagnostic], context: OutputContext | None = None) -> str:
    """One run with the full rule table (each with ``helpUri``), character columns
    (``unicodeCodePoints``) and ``partialFingerprints`` that survive lines moving."""
    from fastlint.rules import ALL_RULES  # libcst: only when SARIF is written

    context = context or OutputContext()
    index = {rule.code: position for position, rule in enumerate(ALL_RULES)}
    marks = fingerprints(diagnostics, context.sources)
    run = {
        "tool": {
            "driver": {
                "name": "fastlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(rule) for rule in ALL_RULES],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": Path(os.getcwd()).as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(d, index.get(d.code), mark) for d, mark in zip(diagnostics, marks, strict=True)
        ],
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2) + "\n"
