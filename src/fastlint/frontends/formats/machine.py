"""Formats for programs: ``json``, ``json-lines``, ``github``, ``gitlab`` and ``junit``."""

from __future__ import annotations

import hashlib
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.edits import TextFix
from fastlint.frontends.formats.common import (
    OutputContext,
    category_of,
    fingerprints,
    posix,
    url_of,
)


def fix_record(fix: TextFix) -> dict[str, object]:
    """ruff's ``fix`` object: applicability, message, and edits with 1-based positions."""
    return {
        "applicability": fix.applicability,
        "message": fix.message,
        "edits": [
            {
                "content": edit.content,
                "location": {"row": edit.row, "column": edit.column},
                "end_location": {"row": edit.end_row, "column": edit.end_column},
            }
            for edit in fix.edits
        ],
    }


def json_record(d: Diagnostic) -> dict[str, object]:
    """One diagnostic with ruff's JSON field names, so tools that read ruff read this."""
    return {
        "code": d.code,
        "message": d.message,
        "filename": os.path.abspath(d.path),
        "location": {"row": d.row, "column": d.column},
        "end_location": {"row": d.end_row, "column": d.end_column},
        "fix": fix_record(d.fix) if d.fix is not None else None,
        "noqa_row": d.row,
        "url": url_of(d.code),
    }


def format_json(diagnostics: Sequence[Diagnostic], context: OutputContext | None = None) -> str:
    """A JSON array of ruff-shaped records (see ``json_record``), indented."""
    return json.dumps([json_record(d) for d in diagnostics], indent=2) + "\n"


def format_json_lines(
    diagnostics: Sequence[Diagnostic], context: OutputContext | None = None
) -> str:
    """One JSON object per line, the same objects as ``json``."""
    return "".join(json.dumps(json_record(d)) + "\n" for d in diagnostics)


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Sequence[Diagnostic], context: OutputContext | None = None) -> str:
    """GitHub Actions workflow commands: one ``::error`` annotation per diagnostic."""
    lines = []
    for d in diagnostics:
        properties = ",".join(
            (
                f"title={_escape_property(f'fastlint ({d.code})')}",
                f"file={_escape_property(d.path)}",
                f"line={d.row}",
                f"col={d.column}",
                f"endLine={d.end_row}",
                f"endColumn={d.end_column}",
            )
        )
        text = _escape_data(f"{d.path}:{d.row}:{d.column}: {d.code} {d.message}")
        lines.append(f"::error {properties}::{text}")
    return "".join(line + "\n" for line in lines)


# Code Climate severity by rule category: a file the engine could not check (it does not parse,
# or a rule crashed on it) blocks; security findings are critical; everything else, and a code
# fastlint does not know, is major.
_SEVERITY = {"engine": "blocker", "security": "critical"}
# Code Climate categories (https://github.com/codeclimate/platform/blob/master/spec/analyzers/SPEC.md).
_CODE_CLIMATE_CATEGORY = {"security": "Security"}


def severity(code: str) -> str:
    """The Code Climate severity of a code's findings."""
    return _SEVERITY.get(category_of(code) or "", "major")


def code_climate_category(code: str) -> str:
    """The Code Climate category of a code's findings."""
    return _CODE_CLIMATE_CATEGORY.get(category_of(code) or "", "Bug Risk")


def format_gitlab(diagnostics: Sequence[Diagnostic], context: OutputContext | None = None) -> str:
    """A GitLab Code Quality report (Code Climate issues). The fingerprint hashes the path, the
    code and the offending line's content, so it stays the same when the line moves."""
    context = context or OutputContext()
    issues = []
    for d, (digest, occurrence) in zip(
        diagnostics, fingerprints(diagnostics, context.sources), strict=True
    ):
        path = posix(d.path)
        fingerprint = hashlib.sha256(f"{path}\0{digest}\0{occurrence}".encode()).hexdigest()
        issues.append(
            {
                "type": "issue",
                "check_name": d.code,
                "description": f"{d.code}: {d.message}",
                "categories": [code_climate_category(d.code)],
                "severity": severity(d.code),
                "fingerprint": fingerprint,
                "location": {
                    "path": path,
                    "lines": {"begin": d.row, "end": max(d.end_row, d.row)},
                },
            }
        )
    return json.dumps(issues, indent=2) + "\n"


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _XML_INVALID.sub("\ufffd", value)


def _testcase(suite: ET.Element, path: str, found: Sequence[Diagnostic]) -> None:
    case = ET.SubElement(suite, "testcase", name=_xml_text(path), classname="fastlint")
    case.set("file", _xml_text(path))
    if found:
        failure = ET.SubElement(
            case,
            "failure",
            message=_xml_text(f"{len(found)} diagnostic{'s' if len(found) != 1 else ''}"),
            type="fastlint",
        )
        failure.text = _xml_text(
            "".join(f"{d.row}:{d.column}: {d.code} {d.message}\n" for d in found)
        )


def format_junit(diagnostics: Sequence[Diagnostic], context: OutputContext | None = None) -> str:
    """A JUnit XML report with one test case per file: it fails when the file has diagnostics.
    Every linted file appears when the front end passes the file list; else the reported ones."""
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.path, []).append(d)
    linted = context.files if context is not None and context.files is not None else ()
    files = list(dict.fromkeys([*linted, *by_file]))
    failures = sum(1 for path in files if by_file.get(path))
    root = ET.Element("testsuites", name="fastlint", tests=str(len(files)))
    root.set("failures", str(failures))
    root.set("errors", "0")
    suite = ET.SubElement(root, "testsuite", name="fastlint", tests=str(len(files)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    for path in files:
        _testcase(suite, path, by_file.get(path, []))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
