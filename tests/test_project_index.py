"""The project index: names through imports and aliases, self.method, cycles, references."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastlint.project import ProjectIndex
from fastlint.project.index import blocking_location
from fastlint.semantic.blocking import BlockingPolicy
from fastlint.semantic.resolver import absolute


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def chain(root: Path, qualified: str, **options: list[str]) -> list[str] | None:
    index = ProjectIndex(sorted(root.rglob("*.py")))
    policy = BlockingPolicy(options.get("extend", ()), options.get("allowed", ()))
    links = index.analysis(policy).chain(qualified)
    if links is None:
        return None
    return [link.function.facts.name for link in links] + [links[-1].callee]


HTTP = "import requests\ndef fetch(u):\n    return requests.get(u, timeout=5)\n"


@pytest.fixture
def app(tmp_path: Path) -> Path:
    write(
        tmp_path,
        {
            "pkg/__init__.py": "from .profile import load as load_profile\n",
            "pkg/http.py": HTTP,
            "pkg/profile.py": "from pkg.http import fetch as get\ndef load(u):\n    return get(u)\n",
            "pkg/other.py": "import pkg.http as h\ndef via_module(u):\n    return h.fetch(u)\n",
            "pkg/rel.py": "from . import http\nfrom .http import fetch\n"
            "def a(u):\n    return http.fetch(u)\ndef b(u):\n    return fetch(u)\n",
        },
    )
    return tmp_path


def test_from_import_alias(app: Path) -> None:
    assert chain(app, "pkg.profile.load") == ["load", "fetch", "requests.get"]


def test_reexport_from_package_init(app: Path) -> None:
    assert chain(app, "pkg.load_profile") == ["load", "fetch", "requests.get"]


def test_module_alias_and_relative_imports(app: Path) -> None:
    assert chain(app, "pkg.other.via_module") == ["via_module", "fetch", "requests.get"]
    assert chain(app, "pkg.rel.a") == ["a", "fetch", "requests.get"]
    assert chain(app, "pkg.rel.b") == ["b", "fetch", "requests.get"]


def test_self_method_within_a_class_and_constructor(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "svc.py": "import time\nclass Svc:\n    def __init__(self):\n        self.warm()\n"
            "    def warm(self):\n        self._nap()\n    def _nap(self):\n        time.sleep(1)\n"
            "def make():\n    return Svc()\n"
        },
    )
    assert chain(tmp_path, "svc.Svc.warm") == ["Svc.warm", "Svc._nap", "time.sleep"]
    assert chain(tmp_path, "svc.make") == [
        "make",
        "Svc.__init__",
        "Svc.warm",
        "Svc._nap",
        "time.sleep",
    ]


def test_cycles_terminate(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "cyc.py": "import time\ndef a(n):\n    return b(n)\ndef b(n):\n    return a(n)\n"
            "def c(n):\n    return d(n)\ndef d(n):\n    c(n)\n    time.sleep(1)\n"
            "def e(n):\n    return e(n)\n"
        },
    )
    assert chain(tmp_path, "cyc.a") is None
    assert chain(tmp_path, "cyc.e") is None
    assert chain(tmp_path, "cyc.c") == ["c", "d", "time.sleep"]
    assert chain(tmp_path, "cyc.d") == ["d", "time.sleep"]


def test_a_caller_in_a_cycle_explored_first_still_blocks(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m.py": "import time\ndef a():\n    b()\n    c()\ndef b():\n    a()\ndef c():\n    time.sleep(1)\n"
        },
    )
    index = ProjectIndex([tmp_path / "m.py"])
    analysis = index.analysis()
    assert analysis.chain("m.a") is not None
    links = analysis.chain("m.b")
    assert links is not None and [link.function.facts.name for link in links] == ["b", "a", "c"]


def test_references_are_not_calls(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "ref.py": HTTP + "import asyncio\nfrom fastapi.concurrency import run_in_threadpool\n"
            "def schedule(tasks, loop):\n    tasks.add_task(fetch, 'u')\n"
            "    run_in_threadpool(fetch, 'u')\n    asyncio.to_thread(fetch, 'u')\n"
            "    loop.run_in_executor(None, fetch, 'u')\n    return lambda: fetch('u')\n"
        },
    )
    assert chain(tmp_path, "ref.schedule") is None


def test_local_shadowing_nested_defs_and_decorators(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m.py": HTTP + "import functools\ndef shadow(fetch):\n    return fetch('u')\n"
            "def nested():\n    def inner():\n        return fetch('u')\n    return inner\n"
            "@functools.lru_cache\ndef cached():\n    return fetch('u')\n"
            "@staticmethod\ndef plain():\n    return fetch('u')\n"
            "async def coro():\n    return fetch('u')\ndef calls_coro():\n    return coro()\n"
        },
    )
    assert chain(tmp_path, "m.shadow") is None
    assert chain(tmp_path, "m.nested") is None
    assert chain(tmp_path, "m.cached") is None
    assert chain(tmp_path, "m.plain") == ["plain", "fetch", "requests.get"]
    assert chain(tmp_path, "m.calls_coro") is None


def test_generators_run_nothing_when_called_but_context_managers_do(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m.py": HTTP + "from contextlib import contextmanager\n"
            "def rows():\n    yield fetch('u')\n"
            "@contextmanager\ndef opened():\n    fetch('u')\n    yield\n"
        },
    )
    assert chain(tmp_path, "m.rows") is None
    assert chain(tmp_path, "m.opened") == ["opened", "fetch", "requests.get"]


def test_first_use_initialization_is_not_followed(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m.py": "import time\n_registry = None\n"
            "def registry():\n    global _registry\n    if _registry is None:\n"
            "        time.sleep(1)\n        _registry = 1\n    return _registry\n"
            "class C:\n    def load(self):\n        if not self._loaded:\n            time.sleep(1)\n"
            "def every_time(x):\n    if x is None:\n        time.sleep(1)\n"
        },
    )
    assert chain(tmp_path, "m.registry") is None
    assert chain(tmp_path, "m.C.load") is None
    assert chain(tmp_path, "m.every_time") == ["every_time", "time.sleep"]


def test_blocking_clients_and_table_options(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m.py": "import requests, mylib\nhttp = requests.Session()\n"
            "def get():\n    return http.get('u')\n"
            "def slow():\n    return mylib.slow()\n"
        },
    )
    assert chain(tmp_path, "m.get") == ["get", "requests.Session.get"]
    assert chain(tmp_path, "m.get", allowed=["requests.Session"]) is None
    assert chain(tmp_path, "m.slow") is None
    assert chain(tmp_path, "m.slow", extend=["mylib.slow"]) == ["slow", "mylib.slow"]


def test_location_of_the_blocking_call(app: Path) -> None:
    index = ProjectIndex([app / "pkg" / "profile.py"])
    links = index.analysis().chain("pkg.profile.load")
    assert links is not None
    path, line = blocking_location(links[-1])
    assert (Path(path).name, line) == ("http.py", 3)


def test_first_party_modules_are_read_on_demand(app: Path) -> None:
    index = ProjectIndex([app / "pkg" / "profile.py"])  # only one file is linted
    assert index.analysis().chain("pkg.profile.load") is not None
    assert index.module("pkg.http") is not None
    assert index.module("requests") is None  # not below a package root: third-party


def test_digest_is_stable_and_follows_edits(app: Path) -> None:
    index = ProjectIndex([app / "pkg" / "profile.py"])
    first = index.digest()
    assert first == ProjectIndex([app / "pkg" / "http.py"]).digest()
    (app / "pkg" / "http.py").write_text(HTTP + "# edited\n", encoding="utf-8")
    assert index.digest() != first


def test_a_run_reuses_its_index_across_files(app: Path) -> None:
    from fastlint.config.settings import build_settings
    from fastlint.run.session import LintRun

    run = LintRun(build_settings({}, origin="test", root=app))
    assert run.project is not None
    for name in ("profile.py", "http.py"):
        run.prepare(app / "pkg" / name)
    assert run.project.contains(app / "pkg" / "http.py")
    assert run.linter.linter_for(app / "pkg" / "http.py").project is run.project


def test_absolute_names_of_relative_imports() -> None:
    assert absolute(".http.fetch", "pkg.profile", package=False) == "pkg.http.fetch"
    assert absolute("..core.x", "pkg.sub.mod", package=False) == "pkg.core.x"
    assert absolute(".http", "pkg", package=True) == "pkg.http"
    assert absolute("requests.get", "pkg.mod", package=False) == "requests.get"


def test_refresh_rereads_modules_edited_on_disk(app: Path) -> None:
    index = ProjectIndex([app / "pkg" / "profile.py"])
    assert index.analysis().chain("pkg.profile.load") is not None
    (app / "pkg" / "http.py").write_text("def fetch(u):\n    return u\n", encoding="utf-8")
    assert index.refresh()
    assert index.analysis().chain("pkg.profile.load") is None


def test_project_digest_only_when_a_rule_needs_the_project(app: Path) -> None:
    from fastlint.project import project_digest
    from fastlint.rules import RULES_BY_CODE

    files = [app / "pkg" / "profile.py"]
    assert project_digest(files, [RULES_BY_CODE["FST502"]]) == ""
    assert project_digest(files, [RULES_BY_CODE["FST102"]]) == ProjectIndex(files).digest()


def test_only_linted_top_level_packages_are_first_party_in_site_packages(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    write(
        site,
        {
            "mine/__init__.py": "from other.http import fetch\ndef load(u):\n    return fetch(u)\n",
            "other/__init__.py": "",
            "other/http.py": HTTP,
        },
    )
    index = ProjectIndex([site / "mine" / "__init__.py"])
    assert index.module("other.http") is None  # another installed package: third-party
    assert index.analysis().chain("mine.load") is None
    assert [path.name for path in index.files()] == ["__init__.py"]
    index.add_files([site / "other" / "http.py"])  # linted too: now first-party
    assert index.analysis().chain("mine.load") is not None


def test_virtualenv_directories_are_not_part_of_the_digest(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": "x = 1\n", "venv/lib/big.py": "y = 2\n", "pkg/m.py": "z = 3\n"})
    files = ProjectIndex([tmp_path / "app.py"]).files()
    assert sorted(path.name for path in files) == ["app.py", "m.py"]


def test_location_is_the_blocking_call_itself(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m.py": "import requests\n_x = None\ndef f(u):\n    if _x is None:\n"
            "        requests.get(u)  # first use: not followed\n"
            "    # requests.get(u) in a comment\n    return (\n        requests.get(u)\n    )\n"
        },
    )
    index = ProjectIndex([tmp_path / "m.py"])
    links = index.analysis().chain("m.f")
    assert links is not None
    assert blocking_location(links[-1]) == (str(tmp_path / "m.py"), 8)


def test_provided_text_is_read_not_the_file_on_disk(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": "def f(u):\n    return u\n"})
    index = ProjectIndex([tmp_path / "m.py"])
    index.provide(tmp_path / "m.py", HTTP)  # the linter's text, newer than the disk's
    assert index.analysis().chain("m.fetch") is not None
    index.provide(tmp_path / "m.py", "def fetch(u):\n    return u\n")
    assert index.analysis().chain("m.fetch") is None


def test_each_module_text_is_parsed_once_per_index(
    app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastlint.project import index as index_module
    from fastlint.project.facts import ModuleFacts

    parsed: list[str] = []
    read = index_module.read_module

    def counting(text: str, name: str, path: str) -> ModuleFacts | None:
        parsed.append(name)
        return read(text, name, path)

    monkeypatch.setattr(index_module, "read_module", counting)
    index = ProjectIndex(sorted(app.rglob("*.py")))  # one run's index, asked again and again
    for _ in range(2):
        index.provide(app / "pkg" / "profile.py", (app / "pkg" / "profile.py").read_text())
        assert index.analysis().chain("pkg.profile.load") is not None
        assert index.module("pkg.http") is not None
    assert sorted(parsed) == ["pkg.http", "pkg.profile"]


def test_modules_ast_cannot_parse_have_no_facts(tmp_path: Path) -> None:
    write(tmp_path, {"new.py": "def f(:\n    pass\n", "use.py": "from new import f\n"})
    index = ProjectIndex([tmp_path / "use.py"])
    assert index.module("new") is None
    assert index.module("use") is not None


def test_a_module_name_with_empty_parts_is_not_found(tmp_path: Path) -> None:
    from fastlint.project.modules import ModuleFinder

    finder = ModuleFinder()
    finder.add_root(tmp_path, "pkg")
    assert finder.find("..config") is None
    assert finder.find(".") is None
