"""The shared table of calls that block the event loop, and what to use instead.

Two kinds of entries: functions known by their qualified name (``time.sleep``), and client
objects whose methods block (``requests.Session()`` and what it returns), tracked through the
names they are bound to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

HTTPX = "`httpx.AsyncClient` (`async with httpx.AsyncClient() as client: await client.get(...)`)"
THREAD = "`await asyncio.to_thread(...)`"
SUBPROCESS = "`await asyncio.create_subprocess_exec(...)`"
FILES = "`anyio.open_file` / `anyio.Path`, or `await asyncio.to_thread(...)`"


def _table() -> dict[str, str]:
    table: dict[str, str] = {"time.sleep": "`await asyncio.sleep(...)`"}
    for verb in _HTTP_VERBS:
        table[f"requests.{verb}"] = HTTPX
        table[f"requests.api.{verb}"] = HTTPX
        table[f"httpx.{verb}"] = HTTPX
    table["httpx.stream"] = HTTPX
    table["urllib.request.urlopen"] = HTTPX
    table["urllib.request.urlretrieve"] = HTTPX
    for name in ("run", "call", "check_call", "check_output", "getoutput", "getstatusoutput"):
        table[f"subprocess.{name}"] = SUBPROCESS
    table["subprocess.Popen"] = SUBPROCESS
    table["os.system"] = "`await asyncio.create_subprocess_shell(...)`"
    table["os.popen"] = "`await asyncio.create_subprocess_shell(...)`"
    for name in ("wait", "wait3", "wait4", "waitpid", "waitid"):
        table[f"os.{name}"] = "an asyncio subprocess and `await process.wait()`"
    table["builtins.open"] = FILES
    table["io.open"] = FILES
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyaddr"):
        table[f"socket.{name}"] = "`await asyncio.open_connection(...)` / `loop.getaddrinfo(...)`"
    table["sqlite3.connect"] = "`aiosqlite`"
    table["psycopg2.connect"] = "`asyncpg` or psycopg 3's `AsyncConnection`"
    table["pymysql.connect"] = "`aiomysql`"
    table["mysql.connector.connect"] = "`aiomysql`"
    table["builtins.input"] = "`await asyncio.to_thread(input, ...)`, or read input before serving"
    return table


BLOCKING_CALLS: dict[str, str] = _table()


@dataclass(frozen=True)
class ClientKind:
    """Objects whose methods block: how they are made and which methods block."""

    label: str
    constructors: frozenset[str]
    instead: str
    methods: frozenset[str] | None = None  # None: every method except ``exempt``
    exempt: frozenset[str] = frozenset()
    derived: dict[str, str] = field(default_factory=dict)  # method -> label of what it returns
    attributes: dict[str, str] = field(default_factory=dict)  # attribute -> label of its value
    divides: bool = False  # ``obj / "name"`` is another object of this kind

    def blocks(self, method: str) -> bool:
        if self.methods is None:
            return method not in self.exempt and not method.startswith("_")
        return method in self.methods


_CURSOR_METHODS = frozenset(
    {"execute", "executemany", "executescript", "fetchone", "fetchall", "fetchmany", "callproc"}
)

# Methods of a path that return another path (no I/O of their own, except ``resolve``'s).
_PATH_DERIVED = (
    "joinpath",
    "with_suffix",
    "with_name",
    "with_stem",
    "resolve",
    "absolute",
    "expanduser",
    "relative_to",
)

CLIENT_KINDS: tuple[ClientKind, ...] = (
    ClientKind(
        "requests.Session",
        frozenset({"requests.Session", "requests.session", "requests.sessions.Session"}),
        HTTPX,
        frozenset({*_HTTP_VERBS, "send"}),
    ),
    ClientKind(
        "httpx.Client",
        frozenset({"httpx.Client"}),
        HTTPX,
        frozenset({*_HTTP_VERBS, "send", "stream"}),
    ),
    ClientKind(
        "sqlite3.Connection",
        frozenset({"sqlite3.connect", "sqlite3.Connection"}),
        "`aiosqlite`",
        frozenset({"execute", "executemany", "executescript", "commit", "rollback", "backup"}),
        derived={"cursor": "sqlite3.Cursor"},
    ),
    ClientKind("sqlite3.Cursor", frozenset({"sqlite3.Cursor"}), "`aiosqlite`", _CURSOR_METHODS),
    ClientKind(
        "psycopg2 connection",
        frozenset({"psycopg2.connect"}),
        "`asyncpg` or psycopg 3's `AsyncConnection`",
        frozenset({"commit", "rollback"}),
        derived={"cursor": "psycopg2 cursor"},
    ),
    ClientKind(
        "psycopg2 cursor",
        frozenset(),
        "`asyncpg` or psycopg 3's `AsyncConnection`",
        _CURSOR_METHODS,
    ),
    ClientKind(
        "pymysql connection",
        frozenset({"pymysql.connect", "mysql.connector.connect"}),
        "`aiomysql`",
        frozenset({"commit", "rollback", "ping"}),
        derived={"cursor": "pymysql cursor"},
    ),
    ClientKind("pymysql cursor", frozenset(), "`aiomysql`", _CURSOR_METHODS),
    ClientKind(
        "redis.Redis",
        frozenset({"redis.Redis", "redis.StrictRedis", "redis.from_url", "redis.Redis.from_url"}),
        "`redis.asyncio.Redis` and `await`",
        None,
        frozenset({"pipeline", "pubsub", "lock", "register_script"}),
        derived={"pipeline": "redis pipeline"},
    ),
    ClientKind("redis pipeline", frozenset(), "`redis.asyncio` pipelines", frozenset({"execute"})),
    ClientKind(
        "socket.socket",
        frozenset({"socket.socket", "socket.create_connection"}),
        "`await asyncio.open_connection(...)`",
        frozenset(
            {"connect", "connect_ex", "recv", "recv_into", "recvfrom", "recvfrom_into", "accept"}
            | {"send", "sendall", "sendto", "sendfile"}
        ),
    ),
    ClientKind(
        "pathlib.Path",
        frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"}),
        FILES,
        frozenset({"read_text", "read_bytes", "write_text", "write_bytes", "open"}),
        derived={method: "pathlib.Path" for method in _PATH_DERIVED},
        attributes={"parent": "pathlib.Path"},
        divides=True,
    ),
    ClientKind(
        "subprocess.Popen",
        frozenset({"subprocess.Popen"}),
        SUBPROCESS,
        frozenset({"wait", "communicate"}),
    ),
)

CLIENTS_BY_LABEL: dict[str, ClientKind] = {kind.label: kind for kind in CLIENT_KINDS}
CLIENTS_BY_CONSTRUCTOR: dict[str, ClientKind] = {
    constructor: kind for kind in CLIENT_KINDS for constructor in kind.constructors
}
