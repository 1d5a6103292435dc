"""FST407: an outbound HTTP call that can wait forever."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.security import (
    AIOHTTP_SESSION,
    AIOHTTP_TIMEOUT,
    HTTP_VERBS,
    HTTPX_CLIENT,
    HTTPX_CLIENTS,
    HTTPX_TIMEOUT,
    REQUESTS_SESSION,
    URLOPEN,
)
from fastlint.rules.security._common import (
    has_double_star,
    is_constant,
    keyword,
    positional,
)

_REQUESTS = frozenset(
    {f"requests.{verb}" for verb in HTTP_VERBS} | {f"requests.api.{verb}" for verb in HTTP_VERBS}
)
_HTTPX = frozenset({f"httpx.{verb}" for verb in HTTP_VERBS} | {"httpx.stream"})
_HTTPX_METHODS = HTTP_VERBS | {"stream", "send"}


class RequestWithoutTimeout(Rule):
    """Reports outbound HTTP calls that can wait forever (FST407)."""

    code = "FST407"
    name = "request-without-timeout"
    category = "security"
    summary = (
        "An outbound HTTP call without a timeout (`requests.*`, `httpx` with `timeout=None`, "
        "aiohttp session without timeout)"
    )
    message = "HTTP call has no timeout and can hang forever: pass `timeout=` (e.g. `timeout=10`)"
    requires_text = ("requests", "httpx", "aiohttp", "urlopen")
    call_names = (
        HTTP_VERBS | {"stream", "send", "Client", "AsyncClient", "ClientSession"} | {"urlopen"}
    )
    docs = """
## What it does
Finds outbound HTTP calls that can wait forever:

- `requests.get/post/put/patch/delete/head/options/request(...)` without `timeout=` (or with
  `timeout=None`), and the same methods of a `requests.Session()` (a session has no default
  timeout either), bound in the same function or module, or through `with`;
- httpx with the timeout turned off: `httpx.get(..., timeout=None)`, `httpx.Client(timeout=None)`,
  `httpx.AsyncClient(timeout=None)`, `timeout=httpx.Timeout(None)`, and `client.get(...,
  timeout=None)` on an `httpx.Client`. httpx has a 5-second default, so a call without
  `timeout=` is fine;
- `aiohttp.ClientSession()` without `timeout=`, or with `timeout=None` or an empty
  `aiohttp.ClientTimeout()`. aiohttp's default is 5 minutes per request: far longer than any
  client of your API waits, so pass the timeout you mean once, to the session;
- `urllib.request.urlopen(url)` without a timeout (it uses the global socket default, none).

A call that passes `**kwargs` may carry a timeout and is not reported.

## Why is this bad?
Without a timeout, a slow or dead upstream holds the worker (a thread of the pool, or the
request in flight) until the TCP connection dies, which can take hours. A few such calls and
the service stops answering: one upstream's outage becomes yours.

## Example
```python
import requests


def fetch_rates() -> dict:
    return requests.get("https://api.example.com/rates").json()
```

## Use instead
```python
import requests


def fetch_rates() -> dict:
    return requests.get("https://api.example.com/rates", timeout=10).json()
```

## Differences from ruff
ruff's S113 checks `requests` and `httpx` module functions; this rule also checks the methods
of `requests.Session` objects, httpx clients made with `timeout=None`, aiohttp sessions and
`urlopen`.
"""
    valid = (
        Valid("import requests\ndef f():\n    return requests.get('https://x', timeout=5)\n"),
        Valid("import httpx\ndef f():\n    return httpx.get('https://x')\n"),
        Valid(
            "import httpx\nasync def f():\n    async with httpx.AsyncClient() as c:\n"
            "        return await c.get('https://x')\n"
        ),
        Valid("import requests\ndef f(**kw):\n    return requests.post('https://x', **kw)\n"),
        Valid(
            "import aiohttp\nasync def f():\n"
            "    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as s:\n"
            "        pass\n"
        ),
        Valid("def f(cache):\n    return cache.get('k')\n"),
        Valid(
            "import requests\ndef f():\n    s = requests.Session()\n    return s.get('https://x', timeout=3)\n"
        ),
    )
    invalid = (
        Invalid(
            "import requests\ndef f():\n    return requests.get('https://x')\n",
            3,
            12,
            message_contains="pass `timeout=`",
        ),
        Invalid(
            "import requests as r\ndef f():\n    return r.request('GET', 'https://x', timeout=None)\n",
            3,
            12,
            message_contains="`timeout=None`",
        ),
        Invalid(
            "import requests\ndef f():\n    with requests.Session() as s:\n        return s.post('https://x', json={})\n",
            4,
            16,
            message_contains="requests sessions have no default timeout",
        ),
        Invalid(
            "import httpx\ndef f():\n    return httpx.Client(timeout=None)\n",
            3,
            12,
            message_contains="turns off httpx's default timeout",
        ),
        Invalid(
            "import httpx\nasync def f():\n    return httpx.AsyncClient(timeout=httpx.Timeout(None))\n",
            3,
            12,
            message_contains="turns off httpx's default timeout",
        ),
        Invalid(
            "import aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as s:\n        pass\n",
            3,
            16,
            message_contains="5 minutes",
        ),
        Invalid(
            "from urllib.request import urlopen\ndef f():\n    return urlopen('https://x')\n",
            3,
            12,
            message_contains="pass `timeout=`",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        qualified = self.ctx.resolve(func)  # module functions and classes: no receiver to type
        if qualified in _REQUESTS:
            self._requests(node, "")
        elif qualified in _HTTPX or qualified in HTTPX_CLIENTS:
            self._httpx(node)
        elif qualified in AIOHTTP_SESSION:
            self._aiohttp(node)
        elif qualified == URLOPEN:
            if positional(node, 2) is None and keyword(node, "timeout") is None:
                if not has_double_star(node):
                    self.report(node)
        elif isinstance(func, cst.Attribute) and func.attr.value in _HTTPX_METHODS:
            self._client_method(node, func.attr.value)

    def _client_method(self, node: cst.Call, method: str) -> None:
        """``session.get(...)`` on a ``requests.Session``, ``client.get(..., timeout=None)`` on
        an ``httpx.Client``: the receiver's kind is asked only when the timeout could matter."""
        timeout = keyword(node, "timeout")
        if timeout is not None and not is_constant(timeout.value, "None"):
            if not isinstance(timeout.value, cst.Call):
                return  # a number or a settings value
        receiver = self.ctx.callee(node).receiver
        if receiver == REQUESTS_SESSION and method in HTTP_VERBS:
            self._requests(node, " (requests sessions have no default timeout)")
        elif receiver == HTTPX_CLIENT:
            self._httpx(node)

    def _httpx(self, node: cst.Call) -> None:
        timeout = keyword(node, "timeout")
        if timeout is not None and self._unbounded(timeout.value, HTTPX_TIMEOUT):
            self.report(
                node,
                "`timeout=None` turns off httpx's default timeout (5 s), so the call can "
                "hang forever: pass a timeout (`timeout=10`, `httpx.Timeout(10)`)",
            )

    def _requests(self, node: cst.Call, why: str) -> None:
        timeout = keyword(node, "timeout")
        if timeout is None:
            if not has_double_star(node):
                self.report(
                    node,
                    f"HTTP call has no timeout and can hang forever{why}: pass `timeout=` "
                    "(e.g. `timeout=10`)",
                )
        elif is_constant(timeout.value, "None"):
            self.report(
                node,
                "`timeout=None`: the call can hang forever; pass `timeout=` (e.g. `timeout=10`)",
            )

    def _aiohttp(self, node: cst.Call) -> None:
        timeout = keyword(node, "timeout")
        if timeout is None:
            if not has_double_star(node):
                self.report(
                    node,
                    "aiohttp session without `timeout=` waits up to 5 minutes per request (its "
                    "default): pass `timeout=aiohttp.ClientTimeout(total=10)`",
                )
        elif self._unbounded(timeout.value, AIOHTTP_TIMEOUT):
            self.report(
                node,
                "aiohttp session timeout is unbounded: pass "
                "`timeout=aiohttp.ClientTimeout(total=10)`",
            )

    def _unbounded(self, value: cst.BaseExpression, classes: frozenset[str]) -> bool:
        """``None``, or a timeout object made with nothing but ``None``."""
        if is_constant(value, "None"):
            return True
        if not isinstance(value, cst.Call) or self.ctx.resolve(value.func) not in classes:
            return False
        return all(is_constant(arg.value, "None") for arg in value.args) and not any(
            arg.star for arg in value.args
        )
