"""FST102's chain as structured data: on the diagnostic (``related``), through the results cache,
and in SARIF (``relatedLocations`` and a ``codeFlows`` thread flow). The language server shows the
same places as ``relatedInformation`` (tests/test_lsp_server.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sarif_pydantic import Sarif

from fastlint.config.settings import load_settings
from fastlint.engine.diagnostic import Diagnostic, Related
from fastlint.frontends.formats import FORMATS, OutputContext
from fastlint.run.cache import Cache
from fastlint.run.session import LintRun

FILES = {
    "clients/http.py": "import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=5)\n",
    "services/profile.py": "from clients.http import fetch\n\n\ndef load_profile(uid):\n    return fetch(f'u/{uid}')\n",
    "main.py": "from services.profile import load_profile\n\n\nasync def route(uid):\n    return load_profile(uid)\n",
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint_main() -> Diagnostic:
    settings = load_settings(isolated=True)
    found = LintRun(settings, [Path("main.py")]).lint(Path("main.py"), "main.py")[1]
    (diagnostic,) = [d for d in found if d.code == "FST102"]
    return diagnostic


def test_the_chain_is_on_the_diagnostic(project: Path) -> None:
    d = lint_main()
    assert d.related == (
        Related(str(project / "services/profile.py"), 5, "`load_profile` calls `fetch`"),
        Related(str(project / "clients/http.py"), 5, "`fetch` calls `requests.get`, which blocks"),
    )


def test_related_places_do_not_change_what_a_finding_is() -> None:
    plain = Diagnostic("a.py", 1, 1, "FST102", "m", 1, 2)
    chained = Diagnostic("a.py", 1, 1, "FST102", "m", 1, 2, (Related("/b.py", 3, "x"),))
    assert plain == chained and hash(plain) == hash(chained) and not plain < chained


def test_the_cache_keeps_the_chain(project: Path) -> None:
    settings = load_settings(isolated=True)
    d = lint_main()
    cache = Cache(project / ".cache", settings)
    cache.put(Path("main.py"), "digest", [d, Diagnostic("main.py", 1, 1, "FST101", "m", 1, 2)])
    cache.save()
    again = Cache(project / ".cache", settings).get(Path("main.py"), "digest", "main.py")
    assert again is not None
    assert again[0].related == d.related and again[1].related == ()


def test_sarif_carries_related_locations_and_a_code_flow(project: Path) -> None:
    text = FORMATS["sarif"]([lint_main()], OutputContext())
    Sarif.model_validate_json(text)
    (result,) = json.loads(text)["runs"][0]["results"]
    related = result["relatedLocations"]
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in related] == [
        "services/profile.py",
        "clients/http.py",
    ]
    assert [r["id"] for r in related] == [1, 2]
    assert related[1]["message"]["text"] == "`fetch` calls `requests.get`, which blocks"
    (flow,) = result["codeFlows"][0]["threadFlows"]
    steps = [step["location"]["physicalLocation"] for step in flow["locations"]]
    assert [s["artifactLocation"]["uri"] for s in steps] == [
        "main.py",
        "services/profile.py",
        "clients/http.py",
    ]
    assert [s["region"]["startLine"] for s in steps] == [5, 5, 5]


def test_sarif_without_a_chain_has_no_related_locations() -> None:
    d = Diagnostic(os.path.join("app", "x.py"), 1, 1, "FST101", "m", 1, 2)
    (result,) = json.loads(FORMATS["sarif"]([d], OutputContext()))["runs"][0]["results"]
    assert "relatedLocations" not in result and "codeFlows" not in result
