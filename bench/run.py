"""fastlint's benchmark: the real-world corpus, timed side by side in one run.

    python bench/run.py                   # everything; about 5 minutes on 2 idle cores
    python bench/run.py --fraction 8      # every 8th file only, to try the script quickly

Then the scenarios of issue 11: many package roots (the corpus's seven packages each in a
folder of its own, and a folder of a dozen small services each with its own ``app`` package),
and incremental runs on one package (``--incremental``, default ``prefect``): warm with nothing
changed (libcst must not be imported), one comment appended to a leaf module, and a helper that
starts to block (how many files are linted again).

Rows: a bare ``libcst.parse_module`` of every file (the floor), ``fastlint check`` cold in one
process, with ``--jobs 2``, warm (cache filled, nothing changed), flake8 with flake8-async and
flake8-bugbear (the overlapping checks only), and ``fixit lint`` (on a fraction of the corpus: it
is slow; its rate is what is compared). Then a scaling table (1/8 .. all of the corpus) and the
issue's targets. CPU seconds include worker processes; peak RSS is the largest single process of
a run (the main process or one worker). This is a script, never a test: nothing asserts times.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FETCH = REPO.parent / "shared" / "corpus" / "fetch.sh"
# flake8 without fastlint's own plugin (installed with fastlint), so it times flake8's checks.
FLAKE8 = (
    "import sys\n"
    "from flake8.plugins import finder\n"
    "found = finder.find_plugins\n"
    "finder.find_plugins = lambda *a: [p for p in found(*a) if p.package != 'fastlint']\n"
    "from flake8.main.cli import main\n"
    "sys.exit(main())\n"
)
FLAKE8_SELECT = "ASYNC2,B006"  # blocking calls in async (FST101), mutable defaults (FST501)
FIXIT_OVERLAP = "fixit.rules:UseAsyncSleepInAsyncDef"  # its one check that overlaps FST101
# The floor: parse every file, timing the parses alone (CPU seconds), one number per file.
FLOOR = (
    "import json, sys, time, libcst\n"
    "times = []\n"
    "for path in open(sys.argv[1]).read().splitlines():\n"
    "    data = open(path, 'rb').read()\n"
    "    start = time.process_time()\n"
    "    try:\n"
    "        libcst.parse_module(data)\n"
    "    except Exception:\n"
    "        pass\n"
    "    times.append(time.process_time() - start)\n"
    "print(json.dumps(times))\n"
)

# Paired, in one process: each file parsed bare (as the floor does), then linted as ``fastlint
# check --isolated --jobs 1 --no-cache`` lints it, file after file, so that both see the machine
# at the same speed. Prints the CPU seconds of the bare parses and how many findings the lint
# made; the process's CPU time less the bare parses is fastlint's own, start-up included.
PAIRED = (
    "import json, sys, time\n"
    "from fastlint.run.session import tune_gc_for_batch\n"
    "tune_gc_for_batch()  # as the CLI does first (the bare parses run with it, too)\n"
    "from pathlib import Path\n"
    "import libcst\n"
    "from fastlint.config.settings import load_settings\n"
    "from fastlint.run.discovery import discover\n"
    "from fastlint.run.session import LintRun\n"
    "settings = load_settings(isolated=True, cwd=Path.cwd())\n"
    "files = discover([Path(t) for t in sys.argv[1:]], settings)\n"
    "run = LintRun(settings, files)\n"
    "parse, found = 0.0, 0\n"
    "for path in files:\n"
    "    data = path.read_bytes()\n"
    "    start = time.process_time()\n"
    "    try:\n"
    "        libcst.parse_module(data)\n"
    "    except Exception:\n"
    "        pass\n"
    "    parse += time.process_time() - start\n"
    "    found += len(run.lint(path, str(path))[1])\n"
    "print(json.dumps({'parse': parse, 'found': found}))\n"
)


@dataclass
class Run:
    name: str
    lines: int
    wall: float
    cpu: float
    peak_mb: float
    output: bytes = b""
    errors: bytes = b""

    @property
    def rate(self) -> float:
        """Lines per CPU second."""
        return self.lines / self.cpu if self.cpu else 0.0

    @property
    def wall_rate(self) -> float:
        return self.lines / self.wall if self.wall else 0.0


def measure(name: str, command: list[str], lines: int, cwd: Path) -> Run:
    """Wall time, CPU time and peak RSS of a command and every process it waited for."""
    print(f"  running: {name or 'scaling'} ...", file=sys.stderr, flush=True)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
        err.seek(0)
        errors = err.read()
    # ru_maxrss of a reaped child is the largest of it and its descendants, in KiB on Linux.
    cpu = usage.ru_utime + usage.ru_stime
    return Run(name, lines, wall, cpu, usage.ru_maxrss / 1024, output, errors)


def ensure_tools() -> None:
    missing = [
        package
        for module, package in (
            ("fixit", "fixit"),
            ("flake8_async", "flake8-async"),
            ("bugbear", "flake8-bugbear"),
        )
        if importlib.util.find_spec(module) is None
    ]
    if missing:
        print(f"installing {' '.join(missing)} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing], check=True)


def compile_bytecode() -> None:
    """Bytecode for fastlint and libcst, as ``pip install`` writes it: an editable install run
    with ``PYTHONDONTWRITEBYTECODE`` set would otherwise compile ~120 modules at every start
    (about 0.25 CPU s a run, which no installed fastlint pays)."""
    import compileall

    for name in ("fastlint", "libcst"):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin is not None:
            compileall.compile_dir(Path(spec.origin).parent, quiet=2)


def fetch_corpus() -> Path:
    result = subprocess.run(
        ["bash", str(FETCH)], cwd=REPO, check=True, capture_output=True, text=True
    )
    return Path(result.stdout.strip().splitlines()[-1])


def count_lines(files: list[Path]) -> dict[Path, int]:
    return {path: path.read_bytes().count(b"\n") for path in files}


def floor(files: list[Path], work: Path) -> list[float]:
    listing = work / "floor-files.txt"
    listing.write_text("\n".join(map(str, files)))
    run = measure("floor", [sys.executable, "-c", FLOOR, str(listing)], 0, work)
    return json.loads(run.output)


def fastlint(name: str, targets: list[str], lines: int, cwd: Path, *options: str) -> Run:
    command = [sys.executable, "-m", "fastlint", "check", "--isolated", "--exit-zero", "-q"]
    return measure(name, [*command, *options, *targets], lines, cwd)


def paired(name: str, targets: list[str], lines: int, cwd: Path) -> tuple[float, Run, int]:
    """The paired measurement (``PAIRED``): fastlint's CPU s over the bare parse's, the run,
    and how many findings it made."""
    run = measure(name, [sys.executable, "-c", PAIRED, *targets], lines, cwd)
    result = json.loads(run.output.decode().strip().splitlines()[-1])
    own = run.cpu - result["parse"]
    return (result["parse"] / own if own > 0 else 0.0), run, result["found"]


def competitors(files: list[Path], lines: dict[Path, int], cwd: Path, every: int) -> list[Run]:
    runs = []
    flake8 = [sys.executable, "-c", FLAKE8, "--isolated", "--jobs", "1"]
    subset = files[::every]
    subset_lines = sum(lines[path] for path in subset)
    share = f"1/{every} of corpus" if every > 1 else "all"
    # flake8-async's own --enable also turns its other visitors off (--select only hides them).
    flake8 += ["--select", FLAKE8_SELECT, "--enable", FLAKE8_SELECT, "--exit-zero"]
    runs.append(
        measure(
            f"flake8 {FLAKE8_SELECT} ({share})", [*flake8, *map(str, subset)], subset_lines, cwd
        )
    )
    fixit = [sys.executable, "-m", "fixit"]
    for label, rules in (
        ("default rules", []),
        ("UseAsyncSleepInAsyncDef", ["--rules", FIXIT_OVERLAP]),
    ):
        command = [*fixit, *rules, "lint", *map(str, subset)]
        runs.append(measure(f"fixit lint, {label} ({share})", command, subset_lines, cwd))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fraction", type=int, default=1, help="lint every Nth file only")
    parser.add_argument(
        "--slow-fraction", type=int, default=8, help="flake8 and fixit: every Nth of those files"
    )
    parser.add_argument(
        "--skip",
        default="",
        help="comma list of: flake8-fixit, scaling, many-roots, incremental",
    )
    parser.add_argument(
        "--incremental", default="prefect", help="the corpus package of the incremental runs"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="cold one-process runs (the median is reported)"
    )
    args = parser.parse_args()
    ensure_tools()
    compile_bytecode()
    corpus = fetch_corpus()
    files = sorted((corpus / "src").rglob("*.py"))[:: args.fraction]
    lines = count_lines(files)
    total = sum(lines.values())
    print(f"corpus: {corpus}  files: {len(files)}  lines: {total}  cpus: {os.cpu_count()}")
    print(f"load average before: {os.getloadavg()[0]:.2f}\n")
    with tempfile.TemporaryDirectory(prefix="fastlint-bench-") as temporary:
        report(files, lines, corpus, Path(temporary), args)


def report(files: list[Path], lines: dict[Path, int], corpus: Path, work: Path, args) -> None:
    total = sum(lines.values())
    targets = [str(path) for path in files] if args.fraction > 1 else ["src"]
    per_file = dict(zip(files, floor(files, work), strict=True))
    # The machine's speed drifts during a run: each cold one-process row is set against the
    # mean of the floors measured just before and just after it.
    floors = [sum(per_file.values())]
    colds = []
    for _ in range(args.repeat):
        colds.append(
            fastlint(
                "fastlint --jobs 1 --no-cache", targets, total, corpus, "--jobs", "1", "--no-cache"
            )
        )
        floors.append(sum(floor(files, work)))
    ratios = [
        run.cpu / ((floors[index] + floors[index + 1]) / 2) for index, run in enumerate(colds)
    ]
    middle = sorted(range(len(colds)), key=ratios.__getitem__)[len(colds) // 2]
    cold = colds[middle]
    parse = (floors[middle] + floors[middle + 1]) / 2
    base = Run("libcst.parse_module (floor)", total, 0.0, parse, 0.0)
    jobs2 = fastlint(
        "fastlint --jobs 2 --no-cache", targets, total, corpus, "--jobs", "2", "--no-cache"
    )
    cache = ["--cache-dir", str(work / "cache")]
    fill = fastlint(
        "fastlint --jobs 2, filling the cache", targets, total, corpus, "--jobs", "2", *cache
    )
    warm = fastlint(
        "fastlint --jobs 2, warm (no change)", targets, total, corpus, "--jobs", "2", *cache
    )
    runs = [base, cold, jobs2, fill, warm]
    if "flake8-fixit" not in args.skip:
        runs += competitors(files, lines, corpus, args.slow_fraction)
    print("floors measured around the cold runs (CPU s): " + ", ".join(f"{f:.2f}" for f in floors))
    if len(colds) > 1:
        shown = ", ".join(f"{1 / ratio:.3f}" for ratio in ratios)
        print(f"cold floor x of each repeat: {shown} (the median is shown below)")
    print()
    print_table(runs, base)
    same = all(run.output == cold.output for run in [*colds, jobs2, fill, warm])
    print(f"\nidentical output (jobs 1, jobs 2, cache fill, warm): {'yes' if same else 'NO'}")
    fixit = next((run for run in runs if run.name.startswith("fixit lint, default")), None)
    print_targets(base, cold, jobs2, warm, fixit)
    rate, _, found = paired("fastlint, paired with the floor", targets, total, corpus)
    shown = len(cold.output.splitlines())
    print(f"  {'cold, paired in one process (see PAIRED)':52} {rate:8.3f}   (goal >= 0.65)")
    print(f"    findings: {found} paired, {shown} lines of output from the cold run")
    if "scaling" not in args.skip:
        print_scaling(files, lines, per_file, corpus, cold)
    shutil.rmtree(work / "cache", ignore_errors=True)
    if "many-roots" not in args.skip:
        print_many_roots(files, lines, floors[-1], corpus, work)
    if "incremental" not in args.skip:
        print_incremental(corpus / "src" / args.incremental, work)


def print_table(runs: list[Run], base: Run) -> None:
    header = f"{'':44} {'wall s':>8} {'CPU s':>8} {'lines/CPU s':>12} {'lines/s':>9} {'floor x':>8} {'peak MB':>8}"
    print(header)
    for run in runs:
        wall = f"{run.wall:8.2f}" if run.wall else f"{'':>8}"
        wall_rate = f"{run.wall_rate:9.0f}" if run.wall else f"{'':>9}"
        peak = f"{run.peak_mb:8.0f}" if run.peak_mb else f"{'':>8}"
        print(
            f"{run.name:44} {wall} {run.cpu:8.2f} {run.rate:12.0f} {wall_rate} "
            f"{run.rate / base.rate:8.3f} {peak}"
        )
    print("(floor x: lines per CPU second relative to the bare parse; 1.0 = as fast as the parse)")


def print_targets(base: Run, cold: Run, jobs2: Run, warm: Run, fixit: Run | None) -> None:
    checks = [
        ("cold, one process: rate / floor rate (CPU)", cold.rate / base.rate, ">= 0.65"),
        ("  everything after the parse / the parse (CPU)", cold.cpu / base.cpu - 1, "<= 0.538"),
        ("--jobs 2 / --jobs 1 (wall)", cold.wall / jobs2.wall, ">= 1.7"),
        ("warm / cold (wall)", warm.wall / cold.wall, "<= 0.05"),
    ]
    if fixit is not None:
        checks.append(
            ("fastlint / fixit default rules (lines per CPU s)", cold.rate / fixit.rate, ">= 10")
        )
    print("\ntargets:")
    for label, value, goal in checks:
        print(f"  {label:52} {value:8.3f}   (goal {goal})")


def print_scaling(
    files: list[Path], lines: dict[Path, int], per_file: dict[Path, float], corpus: Path, full: Run
) -> None:
    print("\nscaling (fastlint --jobs 1 --no-cache; every Nth file of the corpus):")
    # Rules with a project index also read modules outside a share: small shares cost more.
    print(
        f"{'share':>6} {'files':>6} {'lines':>8} {'floor CPU s':>12} {'CPU s':>8} "
        f"{'CPU s / 100k lines':>19} {'x floor':>8} {'peak MB':>8}"
    )
    for every in (8, 4, 2, 1):
        subset = files[::every]
        count = sum(lines[path] for path in subset)
        if every == 1:
            run = full
        else:
            run = fastlint(
                "", [str(path) for path in subset], count, corpus, "--jobs", "1", "--no-cache"
            )
        parse = sum(per_file[path] for path in subset)
        print(
            f"{'1/' + str(every) if every > 1 else 'all':>6} {len(subset):6} {count:8} {parse:12.2f} "
            f"{run.cpu:8.2f} {run.cpu / count * 1e5:19.2f} {run.cpu / parse:8.2f} {run.peak_mb:8.0f}"
        )


# fastlint check, counting the files it lints (not taken from the cache) and whether libcst was
# imported; both printed as JSON on stderr at exit.
PROBE = (
    "import atexit, json, runpy, sys\n"
    "from fastlint.run import session\n"
    "linted = []\n"
    "original = session.FileLinter.lint_bytes\n"
    "def spy(self, data, path, shown):\n"
    "    linted.append(shown)\n"
    "    return original(self, data, path, shown)\n"
    "session.FileLinter.lint_bytes = spy\n"
    "atexit.register(lambda: print(json.dumps({'linted': len(linted),"
    " 'libcst': 'libcst' in sys.modules}), file=sys.stderr))\n"
    "sys.argv = ['fastlint', *sys.argv[1:]]\n"
    "runpy.run_module('fastlint', run_name='__main__')\n"
)


def probe(name: str, targets: list[str], lines: int, cwd: Path, *options: str) -> tuple[Run, dict]:
    command = [sys.executable, "-c", PROBE, "check", "--isolated", "--exit-zero", "-q"]
    run = measure(name, [*command, *options, *targets], lines, cwd)
    return run, json.loads(run.errors.decode().strip().splitlines()[-1])


def print_many_roots(
    files: list[Path], lines: dict[Path, int], floor_all: float, corpus: Path, work: Path
) -> None:
    """Many package roots: the seven packages, each in a folder of its own (seven roots); and a
    dozen services side by side, each with its own ``app`` package (a dozen roots, one name).
    Each row is set against the mean of a floor of its files measured before it and one after
    (``floor_all``: the last floor of every file)."""
    src = corpus / "src"
    packages = sorted(path for path in src.iterdir() if path.is_dir())
    seven = work / "seven"
    for package in packages:
        (seven / package.name).mkdir(parents=True)
        (seven / package.name / package.name).symlink_to(package)
    services = work / "services"
    copied: dict[Path, Path] = {}
    chosen = set(files)
    for number, package in enumerate(packages * 2):
        parts = sorted(path for path in package.iterdir() if path.is_dir())
        if len(parts) <= number // len(packages):
            continue
        part = parts[number // len(packages)]
        app = services / f"service{number:02}" / "app"
        for path in sorted(part.rglob("*.py"))[:60]:
            if path not in chosen:
                continue
            target = app / path.relative_to(part)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            copied[target] = path
        for directory in [app, *(p for p in app.rglob("*") if p.is_dir())]:
            (directory / "__init__.py").touch()
    print("\nmany package roots (fastlint --jobs 1 --no-cache, CPU s; floor = bare parse):")
    print(
        f"{'layout':44} {'files':>6} {'lines':>8} {'floor CPU s':>12} {'CPU s':>8} {'floor x':>8}"
        f" {'paired x':>9}"
    )
    layouts = [
        (
            "7 packages, one root each",
            seven,
            [str(seven / p.name / p.name) for p in packages],
            files,
        ),
        (
            f"{len({p.parts[len(services.parts)] for p in copied})} services, each its own app",
            services,
            ["."],
            list(copied.values()),
        ),
    ]
    for label, cwd, targets, sources in layouts:
        count = sum(lines[path] for path in sources)
        before = floor_all if sources is files else sum(floor(sources, work))
        run = fastlint(label, targets, count, cwd, "--jobs", "1", "--no-cache")
        parse = (before + sum(floor(sources, work))) / 2
        rate = (count / run.cpu) / (count / parse) if run.cpu else 0.0
        pair, _, _ = paired(f"{label}, paired", targets, count, cwd)
        print(
            f"{label:44} {len(sources):6} {count:8} {parse:12.2f} {run.cpu:8.2f} {rate:8.3f}"
            f" {pair:9.3f}"
        )
    print("(goal: floor x >= 0.65; paired x: each file parsed bare then linted, in one process)")


def _leaf_module(package: Path, texts: dict[Path, str]) -> Path:
    """A module that no other file of the package names (its name is not imported anywhere)."""
    for path in sorted(texts, key=lambda path: -len(texts[path])):
        if path.name == "__init__.py":
            continue
        name = path.stem
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        if not any(pattern.search(text) for other, text in texts.items() if other != path):
            return path
    return max(texts, key=lambda path: len(texts[path]))


def _helper(texts: dict[Path, str], cache: Path) -> tuple[Path, int, int, str] | None:
    """The module-level sync function that the most files' lints read (from the cache's
    dependencies: FST102 follows calls of ``async def``s into it, directly or through a chain),
    whose first statement is one simple line, to make it block without moving any line: path,
    line, column, name."""
    readers: dict[tuple[str, str], int] = {}
    for results in cache.glob("results-*.json"):
        for entry in json.loads(results.read_bytes())["files"].values():
            for _module, (path, _, items) in (entry[2] if len(entry) > 2 else {}).items():
                for table, key, _ in items:
                    if table == "functions" and path is not None:
                        readers[(path, key)] = readers.get((path, key), 0) + 1
    best = None
    for (path, name), _count in sorted(readers.items(), key=lambda item: -item[1]):
        text = texts.get(Path(path))
        if text is None or "." in name:
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in tree.body:
            if type(node) is not ast.FunctionDef or node.name != name:
                continue
            first = node.body[0]
            simple = (ast.Expr, ast.Assign, ast.Return, ast.Pass, ast.AnnAssign, ast.AugAssign)
            docstring = type(first) is ast.Expr and type(first.value) is ast.Constant
            if isinstance(first, simple) and first.lineno == first.end_lineno and not docstring:
                best = (Path(path), first.lineno, first.col_offset, name)
        if best is not None:
            return best
    return None


def print_incremental(package: Path, work: Path) -> None:
    """Warm runs on a copy of one package: nothing changed, a comment appended to a leaf module,
    a helper made to block. Each is timed and counts the files linted again."""
    tree = work / "incremental" / package.name
    shutil.copytree(package, tree)
    texts = {path: path.read_text(errors="replace") for path in sorted(tree.rglob("*.py"))}
    total = sum(text.count("\n") for text in texts.values())
    cwd, targets = tree.parent, [package.name]
    cache = ["--cache-dir", str(work / "incremental-cache"), "--jobs", "1"]
    print(f"\nincremental ({package.name}: {len(texts)} files, {total} lines; --jobs 1):")
    rows = []
    cold, found = probe("cold, filling the cache", targets, total, cwd, *cache)
    rows.append((cold, found))
    rows.append(probe("warm, nothing changed", targets, total, cwd, *cache))
    leaf = _leaf_module(tree, texts)
    with leaf.open("a") as stream:
        stream.write("\n# one comment\n")
    rows.append(probe(f"comment appended to {leaf.relative_to(cwd)}", targets, total, cwd, *cache))
    helper = _helper(texts, work / "incremental-cache")
    if helper is not None:
        path, line, column, name = helper
        lines = texts[path].split("\n")
        lines[line - 1] = (
            lines[line - 1][:column] + "_bench_time.sleep(0); " + lines[line - 1][column:]
        )
        path.write_text("\n".join(lines) + "\nimport time as _bench_time\n")
        label = f"{name}() blocks ({path.relative_to(cwd)})"
        rows.append(probe(label, targets, total, cwd, *cache))
    print(f"{'run':64} {'wall s':>8} {'CPU s':>8} {'/ cold':>7} {'linted':>7} {'libcst':>7}")
    for run, counts in rows:
        print(
            f"{run.name[:64]:64} {run.wall:8.2f} {run.cpu:8.2f} {run.cpu / cold.cpu:7.3f} "
            f"{counts['linted']:7} {'yes' if counts['libcst'] else 'no':>7}"
        )
    print("(goals: a comment re-runs in <= 0.05 of cold; nothing changed imports no libcst)")


if __name__ == "__main__":
    main()
