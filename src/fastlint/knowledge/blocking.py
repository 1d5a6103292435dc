"""The shared table of calls that block the event loop, and what to use instead.

Two kinds of entries: functions known by their qualified name (``time.sleep``), and client
objects whose methods block (``requests.Session()`` and what it returns), tracked through the
names they are bound to. A kind made by a module function called with an argument
(``boto3.client("s3")``) is just a constructor here.

Files and directories: what is in the table is work whose cost grows with the data or with the
tree (reading, writing and copying files, listing and walking directories, archives, recursive
deletes) and the calls that change a directory (create, remove, rename a file or a directory).
Single metadata reads of one inode (``os.stat``, ``os.path.exists``/``isfile``/``getsize``,
``os.access``, ``Path.exists``/``is_file``/``stat``) are not: on a local disk they are answered
from the kernel's cache in microseconds, they are everywhere in real code, and reporting them
would bury the calls that matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

HTTPX = "`httpx.AsyncClient` (`async with httpx.AsyncClient() as client: await client.get(...)`)"
THREAD = "`await asyncio.to_thread(...)`"
SUBPROCESS = "`await asyncio.create_subprocess_exec(...)`"
FILES = "`anyio.open_file` / `anyio.Path`, or `await asyncio.to_thread(...)`"
# What ``aiofiles.os`` has an awaitable of (the rest: a worker thread).
_AIOFILES_OS = frozenset(
    {"remove", "unlink", "rename", "renames", "replace", "makedirs", "mkdir", "rmdir"}
    | {"removedirs", "listdir", "scandir", "sendfile"}
)
DNS = "`await loop.getaddrinfo(...)` (`asyncio.get_running_loop()`) or `anyio.getaddrinfo`"
SOCKETS = "`await asyncio.open_connection(...)` (streams), or the event loop's `sock_*` methods"
BOTO3 = (
    '`aioboto3` (`async with session.client("s3") as s3: await s3.delete_object(...)`), '
    "or `await asyncio.to_thread(...)`"
)
SMTP = "`aiosmtplib` (`await aiosmtplib.send(message, hostname=...)`)"
PSYCOPG = "`asyncpg` or psycopg 3's `AsyncConnection`"

# ``os`` calls that change a directory or list one (see the module docstring for what is not).
_OS_FILES = (
    "remove",
    "unlink",
    "rename",
    "renames",
    "replace",
    "makedirs",
    "mkdir",
    "rmdir",
    "removedirs",
    "listdir",
    "scandir",
    "walk",
    "fwalk",
    "truncate",
    "fsync",
    "sendfile",
    "copy_file_range",
)
# ``shutil`` calls that copy, move, archive or delete trees (not ``copymode``/``copystat``/
# ``chown``/``disk_usage``/``which``: metadata).
_SHUTIL = (
    "rmtree",
    "copy",
    "copy2",
    "copyfile",
    "copyfileobj",
    "copytree",
    "move",
    "make_archive",
    "unpack_archive",
)


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
    table.update(_files_table())
    table.update(_network_table())
    table["builtins.input"] = "`await asyncio.to_thread(input, ...)`, or read input before serving"
    return table


def _files_table() -> dict[str, str]:
    table = {"builtins.open": FILES, "io.open": FILES}
    for name in _OS_FILES:
        thread = f"`await asyncio.to_thread(os.{name}, ...)`"
        if name in _AIOFILES_OS:
            thread = f"`await aiofiles.os.{name}(...)` (aiofiles), `anyio.Path`, or {thread}"
        table[f"os.{name}"] = thread
    for name in _SHUTIL:
        table[f"shutil.{name}"] = f"`await asyncio.to_thread(shutil.{name}, ...)`"
    for name in ("glob", "iglob"):
        table[f"glob.{name}"] = f"`await asyncio.to_thread(glob.{name}, ...)` or `anyio.Path.glob`"
    return table


def _network_table() -> dict[str, str]:
    table = {"socket.create_connection": SOCKETS}
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        table[f"socket.{name}"] = DNS
    for name in ("getnameinfo", "getfqdn"):
        table[f"socket.{name}"] = DNS
    table["sqlite3.connect"] = "`aiosqlite`"
    table["psycopg2.connect"] = PSYCOPG
    table["psycopg.connect"] = PSYCOPG
    for name in ("connect", "Connect", "Connection", "connections.Connection"):
        table[f"pymysql.{name}"] = "`aiomysql`"
    table["mysql.connector.connect"] = "`aiomysql`"
    table["MySQLdb.connect"] = "`aiomysql`"
    for name in ("SMTP", "SMTP_SSL", "LMTP"):  # they connect when given a host
        table[f"smtplib.{name}"] = SMTP
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
    can_divide: bool = False  # ``obj / "name"`` is another object of this kind
    # Methods named in CapWords make objects without I/O (boto3's sub-resources:
    # ``s3.Bucket("b")``, ``s3.Object("b", "k")``); the common ones are in ``derived``.
    has_subresources: bool = False

    def blocks(self, method: str) -> bool:
        if self.has_subresources and method[:1].isupper():
            return False
        if self.methods is None:
            return method not in self.exempt and not method.startswith("_")
        return method in self.methods


_CURSOR_METHODS = frozenset(
    {"execute", "executemany", "executescript", "fetchone", "fetchall", "fetchmany", "callproc"}
)
_CONNECTION_METHODS = frozenset({"commit", "rollback"})

# boto3/botocore client methods that do no I/O: URLs are signed locally, paginators and waiters
# are made locally (their ``paginate()`` iterates lazily; a waiter's ``wait()`` blocks).
_BOTO3_LOCAL = frozenset(
    {
        "generate_presigned_url",
        "generate_presigned_post",
        "get_paginator",
        "get_waiter",
        "can_paginate",
        "close",
        "get_available_subresources",
    }
)
# boto3 sub-resources (made locally, loaded lazily) of S3, DynamoDB, SQS, SNS and EC2.
_BOTO3_SUBRESOURCES = (
    *("Bucket", "Object", "ObjectSummary", "ObjectVersion", "MultipartUpload", "BucketPolicy"),
    *("Table", "Queue", "Message", "Topic", "Subscription", "Instance", "Volume", "Image"),
)
_SMTP_METHODS = frozenset(
    {
        "connect",
        "helo",
        "ehlo",
        "ehlo_or_helo_if_needed",
        "starttls",
        "login",
        "auth",
        "sendmail",
        "send_message",
        "mail",
        "rcpt",
        "data",
        "verify",
        "expn",
        "noop",
        "rset",
        "docmd",
        "quit",
    }
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
        frozenset({"psycopg2.connect", "psycopg2.extensions.connection"}),
        PSYCOPG,
        _CONNECTION_METHODS,
        derived={"cursor": "psycopg2 cursor"},
    ),
    ClientKind(
        "psycopg2 cursor", frozenset({"psycopg2.extensions.cursor"}), PSYCOPG, _CURSOR_METHODS
    ),
    ClientKind(
        "psycopg2 pool",
        frozenset({"psycopg2.pool.SimpleConnectionPool", "psycopg2.pool.ThreadedConnectionPool"}),
        PSYCOPG,
        frozenset({"getconn"}),  # may open a connection
        derived={"getconn": "psycopg2 connection"},
    ),
    ClientKind(
        "psycopg.Connection",
        frozenset({"psycopg.connect", "psycopg.Connection", "psycopg.Connection.connect"}),
        "psycopg's `AsyncConnection` (`await psycopg.AsyncConnection.connect(...)`)",
        frozenset({"execute", *_CONNECTION_METHODS}),
        derived={"cursor": "psycopg.Cursor"},
    ),
    ClientKind(
        "psycopg.Cursor",
        frozenset({"psycopg.Cursor"}),
        "psycopg's `AsyncCursor`",
        _CURSOR_METHODS,
    ),
    ClientKind(
        "pymysql connection",
        frozenset(
            {"pymysql.connect", "pymysql.Connect", "pymysql.Connection"}
            | {"pymysql.connections.Connection", "mysql.connector.connect", "MySQLdb.connect"}
        ),
        "`aiomysql`",
        frozenset({*_CONNECTION_METHODS, "ping"}),
        derived={"cursor": "pymysql cursor"},
    ),
    ClientKind("pymysql cursor", frozenset(), "`aiomysql`", _CURSOR_METHODS),
    # asyncpg's methods are coroutines: nothing blocks; the kinds serve the database rules.
    ClientKind(
        "asyncpg connection",
        frozenset({"asyncpg.Connection", "asyncpg.connection.Connection", "asyncpg.connect"}),
        "",
        frozenset(),
    ),
    ClientKind(
        "asyncpg pool",
        frozenset({"asyncpg.Pool", "asyncpg.pool.Pool", "asyncpg.create_pool"}),
        "",
        frozenset(),
        derived={"acquire": "asyncpg connection"},
    ),
    ClientKind(
        "redis.Redis",
        frozenset(
            {"redis.Redis", "redis.StrictRedis", "redis.from_url", "redis.Redis.from_url"}
            | {"redis.client.Redis", "redis.client.StrictRedis", "redis.StrictRedis.from_url"}
            | {"redis.RedisCluster", "redis.cluster.RedisCluster"}
        ),
        "`redis.asyncio.Redis` and `await`",
        None,
        frozenset({"pipeline", "pubsub", "lock", "register_script", "get_encoder"}),
        derived={"pipeline": "redis pipeline", "pubsub": "redis pubsub", "lock": "redis lock"},
    ),
    ClientKind("redis pipeline", frozenset(), "`redis.asyncio` pipelines", frozenset({"execute"})),
    ClientKind(
        "redis pubsub",
        frozenset(),
        "`redis.asyncio` pub/sub (`await pubsub.get_message(...)`)",
        frozenset({"subscribe", "psubscribe", "unsubscribe", "punsubscribe", "get_message"}),
    ),
    ClientKind(
        "redis lock",
        frozenset(),
        "`redis.asyncio` locks (`async with redis.lock(...)`)",
        frozenset({"acquire", "release", "extend", "reacquire", "locked", "owned"}),
    ),
    ClientKind(
        "socket.socket",
        frozenset({"socket.socket", "socket.create_connection"}),
        SOCKETS,
        frozenset(
            {"connect", "connect_ex", "recv", "recv_into", "recvfrom", "recvfrom_into", "accept"}
            | {"send", "sendall", "sendto", "sendfile", "recvmsg", "sendmsg"}
        ),
    ),
    ClientKind(
        "http.client.HTTPConnection",
        frozenset({"http.client.HTTPConnection", "http.client.HTTPSConnection"}),
        HTTPX,
        frozenset({"connect", "request", "getresponse", "send", "endheaders"}),
    ),
    ClientKind(
        "urllib.request.OpenerDirector",
        frozenset({"urllib.request.build_opener", "urllib.request.OpenerDirector"}),
        HTTPX,
        frozenset({"open"}),
    ),
    ClientKind(
        "smtplib.SMTP",
        frozenset({"smtplib.SMTP", "smtplib.SMTP_SSL", "smtplib.LMTP"}),
        SMTP,
        _SMTP_METHODS,
    ),
    ClientKind(
        "boto3 session",
        frozenset({"boto3.session.Session", "boto3.Session"}),
        BOTO3,
        frozenset(),  # making clients and resources does no network I/O
        derived={"client": "boto3 client", "resource": "boto3 resource"},
    ),
    ClientKind(
        "botocore session",
        frozenset({"botocore.session.get_session", "botocore.session.Session"}),
        BOTO3,
        frozenset(),
        derived={"create_client": "boto3 client"},
    ),
    ClientKind(
        "boto3 client",
        frozenset(
            {"boto3.client", "botocore.client.BaseClient"}
            | {"mypy_boto3_s3.S3Client", "mypy_boto3_s3.client.S3Client"}
            | {"types_boto3_s3.S3Client", "types_boto3_s3.client.S3Client"}
        ),
        BOTO3,
        None,  # every API call is a network round trip
        _BOTO3_LOCAL,
        derived={"get_waiter": "boto3 waiter"},
    ),
    ClientKind(
        "boto3 resource",
        frozenset(
            {"boto3.resource", "boto3.resources.base.ServiceResource"}
            | {
                "mypy_boto3_s3.S3ServiceResource",
                "mypy_boto3_s3.service_resource.S3ServiceResource",
            }
        ),
        BOTO3,
        None,  # ``obj.get()``, ``obj.put()``, ``bucket.upload_file()``, ``obj.load()``...
        _BOTO3_LOCAL,
        derived={name: "boto3 resource" for name in _BOTO3_SUBRESOURCES},
        has_subresources=True,
    ),
    ClientKind("boto3 waiter", frozenset(), BOTO3, frozenset({"wait"})),
    ClientKind(
        "pathlib.Path",
        frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"}),
        FILES,
        frozenset(
            {"read_text", "read_bytes", "write_text", "write_bytes", "open"}
            | {"unlink", "rename", "replace", "mkdir", "rmdir", "touch", "iterdir", "glob", "rglob"}
            | {"walk"}
        ),
        derived={method: "pathlib.Path" for method in _PATH_DERIVED},
        attributes={"parent": "pathlib.Path"},
        can_divide=True,
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
