"""FST402: an HTTP error or response whose body is built from a caught exception."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import Invalid, Option, Rule, Valid
from fastlint.knowledge.fastapi import RESPONSE, response_kind
from fastlint.knowledge.security import HTTP_EXCEPTIONS, TRACEBACK_TEXT
from fastlint.rules.security._common import argument, values_of

_APP = "from fastapi import FastAPI, HTTPException\napp = FastAPI()\n"
_TRY = _APP + "@app.get('/')\nasync def root():\n    try:\n        await work()\n"
_BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})
# Attributes of an exception that carry its message or its cause.
_TEXT_ATTRIBUTES = frozenset({"args", "message", "msg", "orig", "__cause__", "__context__"})
_TEXT_CALLS = frozenset({"builtins.str", "builtins.repr", "builtins.format"})
_MAX_DEPTH = 4
# Exceptions about the values a client sent, whose message is usually meant for it.
_ALLOWED = (
    *("ValueError", "TypeError", "KeyError", "IndexError", "LookupError", "UnicodeError"),
    *("UnicodeDecodeError", "UnicodeEncodeError", "json.JSONDecodeError", "zipfile.BadZipFile"),
    # A client's token or document that does not check out says so, no more.
    *("jwt.InvalidTokenError", "jwt.exceptions.InvalidTokenError", "jose.JWTError"),
    *("jose.exceptions.JWTError", "jsonschema.ValidationError"),
    "jsonschema.exceptions.ValidationError",
)


@dataclass
class _Caught:
    """An enclosing ``except`` clause: the name it binds, and whether its class may carry
    internal details (asked only when a response is built inside it)."""

    handler: cst.ExceptHandler | cst.ExceptStarHandler
    name: str | None
    is_watched: bool | None = None


class ExceptionDetailLeak(Rule):
    """Reports responses whose detail is built from a caught exception (FST402)."""

    code = "FST402"
    name = "exception-detail-leak"
    category = "security"
    summary = (
        "`HTTPException`/response detail built from a caught exception (`str(e)`, f-string "
        "with it, `repr`, `traceback.format_exc()`)"
    )
    message = (
        "Response detail is built from the caught exception: log the exception "
        "(`logger.exception(...)`) and return a generic message"
    )
    requires_text = ("HTTPException", "Response", "WebSocketException")
    call_names = frozenset(
        {"HTTPException", "WebSocketException", "Response", "JSONResponse"}
        | {"PlainTextResponse", "HTMLResponse", "ORJSONResponse", "UJSONResponse"}
    )
    needs_project = True  # exceptions of the project's own classes carry messages for users
    options = (
        Option(
            "allowed-exceptions",
            list,
            list(_ALLOWED),
            "exception classes whose message may be sent to clients (qualified; builtins bare)",
        ),
    )
    docs = """
## What it does
Finds an `HTTPException` (or `WebSocketException`) whose `detail`, or a response
(`JSONResponse`, `PlainTextResponse`, `HTMLResponse`, `Response`...) whose content, is built
from an exception caught around it:

```python
except Exception as exc:
    raise HTTPException(status_code=500, detail=str(exc))
```

The exception's text counts in every form: `str(exc)`, `repr(exc)`, `f"...{exc}"`,
`"..." + str(exc)`, `"%s" % exc`, `"{}".format(exc)`, `exc.args`, `exc.orig` (SQLAlchemy's
driver error), `traceback.format_exc()`, inside a dict or list (`content={"detail": str(exc)}`),
and through a local name (`detail = str(exc)` then `HTTPException(detail=detail)`). The caught
exception is the name of an enclosing `except ... as exc:`, or the exception parameter of a
handler registered for every exception (`@app.exception_handler(Exception)` or `(500)`).

Not reported:
- exceptions of the project's own classes (defined in this file or a first-party module):
  their messages are written for users (`raise UserNotFound("No such user")`);
- the exceptions of `allowed-exceptions`, by default those about the values a client sent:
  `ValueError`, `TypeError`, `KeyError`, `IndexError`, `LookupError`, `UnicodeError` (and its
  decode/encode errors), `json.JSONDecodeError`, `zipfile.BadZipFile`, and the errors of a
  client's token or document: `jwt.InvalidTokenError` (PyJWT), `jose.JWTError`,
  `jsonschema.ValidationError`. `except ValueError as exc:
  raise HTTPException(400, str(exc))` is how most services answer a bad value. A tuple is
  reported when one of its classes is (`except (httpx.HTTPError, ValueError)`);
- `HTTPException` caught and re-raised (`detail=exc.detail`), and fields that are not its text
  (`exc.status_code`, `exc.errors()` of a validation error);
- the exception's class name alone (`type(exc).__name__`): it tells the client which error
  happened, not the internal details;
- logging the exception, which is what you should do.

Everything else is reported: `Exception` and `BaseException`, library errors
(`sqlalchemy.exc.IntegrityError` holds the SQL, `httpx.HTTPError` the internal URL,
`pydantic.ValidationError` the input values, a password among them), `OSError` (paths).

## Why is this bad?
An exception's message is written for developers: it holds SQL statements and driver errors,
file paths, host names, stack traces, sometimes the values that failed (a token, a password).
Sent to clients it helps an attacker map the system, and it leaks user data.

## Example
```python
from fastapi import APIRouter, HTTPException

router = APIRouter()


@router.post("/orders")
async def create_order(order: dict) -> dict:
    try:
        return await save(order)
    except Exception as exc:
        raise HTTPException(status_code=500, detail=str(exc)) from exc
```

## Use instead
```python
import logging

from fastapi import APIRouter, HTTPException

logger = logging.getLogger(__name__)
router = APIRouter()


@router.post("/orders")
async def create_order(order: dict) -> dict:
    try:
        return await save(order)
    except Exception as exc:
        logger.exception("saving order failed")
        raise HTTPException(status_code=500, detail="Could not save the order") from exc
```

## Options
`allowed-exceptions` (list of qualified class names, builtins bare; default above): exceptions
whose message may go to clients. Set `allowed-exceptions = []` to report every exception that
is not the project's own.
"""
    valid = (
        Valid(
            _TRY + "    except (ValueError, KeyError) as exc:\n"
            "        raise HTTPException(400, detail=str(exc))\n"
        ),
        Valid(
            _TRY + "    except Exception as exc:\n        logger.exception(exc)\n"
            "        raise HTTPException(500, detail='Internal error')\n"
        ),
        Valid(
            _TRY + "    except Exception as exc:\n"
            "        raise HTTPException(500, detail=type(exc).__name__)\n"
        ),
        Valid(
            _TRY + "    except HTTPException as exc:\n"
            "        raise HTTPException(exc.status_code, detail=exc.detail)\n"
        ),
        Valid(
            _APP + "class NotFound(Exception): ...\n@app.get('/')\nasync def root():\n"
            "    try:\n        await work()\n    except NotFound as exc:\n"
            "        raise HTTPException(404, detail=str(exc))\n"
        ),
        Valid(
            _APP + "@app.get('/')\nasync def root(exc: str):\n"
            "    raise HTTPException(400, detail=str(exc))\n"
        ),
        Valid(
            _APP + "from fastapi.responses import JSONResponse\n"
            "class NotFound(Exception): ...\n@app.exception_handler(NotFound)\n"
            "async def not_found(request, exc):\n"
            "    return JSONResponse(status_code=404, content={'detail': str(exc)})\n"
        ),
        Valid(
            _TRY + "    except Exception as exc:\n        detail = 'failed'\n"
            "        raise HTTPException(500, detail=detail)\n"
        ),
        Valid(
            _TRY + "    except ValueError as exc:\n        errors = exc.errors()\n"
            "        raise HTTPException(422, detail=errors)\n"
        ),
    )
    invalid = (
        Invalid(
            _TRY + "    except Exception as exc:\n"
            "        raise HTTPException(status_code=500, detail=str(exc))\n",
            8,
            15,
            message_contains="log the exception",
        ),
        Invalid(
            _TRY + "    except Exception as e:\n        detail = f'Failed: {e}'\n"
            "        raise HTTPException(500, detail)\n",
            9,
            15,
            message_contains="`e` in an f-string",
        ),
        Invalid(
            _TRY + "    except (ValueError, OSError) as e:\n"
            "        message = 'bad: '\n        message += repr(e)\n"
            "        raise HTTPException(400, detail=message)\n",
            10,
            15,
            message_contains="`repr(e)`",
        ),
        Invalid(
            _TRY + "    except Exception:\n        import traceback\n"
            "        raise HTTPException(500, detail=traceback.format_exc())\n",
            9,
            15,
            message_contains="`traceback.format_exc()`",
        ),
        Invalid(
            _APP + "from fastapi.responses import JSONResponse\n@app.get('/')\n"
            "async def root():\n    try:\n        await work()\n    except Exception as e:\n"
            "        return JSONResponse(\n            status_code=500,\n"
            "            content={'error': 'failed', 'detail': str(e)},\n        )\n",
            9,
            16,
            message_contains="`str(e)`",
        ),
        Invalid(
            _APP + "from starlette.responses import JSONResponse\n"
            "@app.exception_handler(Exception)\nasync def on_error(request, exc):\n"
            "    return JSONResponse({'detail': exc.args[0]}, status_code=500)\n",
            6,
            12,
            message_contains="`exc.args`",
        ),
        Invalid(
            _TRY + "    except Exception as exc:\n"
            "        raise HTTPException(500, 'Error: {}'.format(exc))\n",
            8,
            15,
            message_contains="Response detail is built from the caught exception",
        ),
        Invalid(
            _TRY + "    except ValueError as exc:\n"
            "        raise HTTPException(400, detail=str(exc))\n",
            8,
            15,
            options={"allowed-exceptions": []},
            message_contains="`str(exc)`",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._caught: list[_Caught] = []
        self._handlers: dict[int, str] = {}  # exception handler function -> its exc parameter
        self._allowed: set[str] | None = None

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._enter_except(node)

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self._caught.pop()

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._enter_except(node)

    def leave_ExceptStarHandler(self, original_node: cst.ExceptStarHandler) -> None:
        self._caught.pop()

    def _enter_except(self, node: cst.ExceptHandler | cst.ExceptStarHandler) -> None:
        name = node.name.name if node.name is not None else None
        self._caught.append(_Caught(node, name.value if isinstance(name, cst.Name) else None))

    def _caught_names(self) -> set[str]:
        names = set()
        for caught in self._caught:
            if caught.name is None:
                continue
            if caught.is_watched is None:
                kind = caught.handler.type
                caught.is_watched = kind is None or self._internal(kind)
            if caught.is_watched:
                names.add(caught.name)
        return names

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            call = decorator.decorator
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "exception_handler"
                and call.args
                and self._catches_all(call.args[0].value)
            ):
                params = [*node.params.posonly_params, *node.params.params]
                if len(params) >= 2:
                    self._handlers[id(node)] = params[1].name.value

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._handlers.pop(id(original_node), None)

    def visit_Call(self, node: cst.Call) -> None:
        if not self._caught and not self._handlers:
            return
        function = self.ctx.function
        qualified = self.ctx.resolve(node.func)
        if qualified in HTTP_EXCEPTIONS:
            keyword = "reason" if qualified.endswith("WebSocketException") else "detail"
            body = argument(node, 1, keyword)
        elif response_kind(qualified) == RESPONSE:
            body = argument(node, 0, "content")
        else:
            return
        if body is None or isinstance(body.value, (cst.SimpleString, cst.Integer)):
            return
        names = self._caught_names()
        if function is not None and id(function) in self._handlers:
            names.add(self._handlers[id(function)])
        leak = self._leak(body.value, names, 0)
        if leak is not None:
            self.report(
                node,
                f"Response detail is built from the caught exception ({leak}): log the "
                "exception (`logger.exception(...)`) and return a generic message",
            )

    # -- what the caught exception is --------------------------------------------------

    def _internal(self, node: cst.BaseExpression) -> bool:
        """The caught class may carry internal details: not a class of the project, not an
        HTTP exception (whose detail is meant for the client)."""
        if isinstance(node, cst.Tuple):
            return any(self._internal(element.value) for element in node.elements)
        qualified = self.ctx.resolve(node)
        if qualified is None or qualified in HTTP_EXCEPTIONS:
            return False  # a class of this file (or a name we cannot read)
        if self._allowed is None:
            self._allowed = {
                name if "." in name else f"builtins.{name}"
                for name in self.option("allowed-exceptions")
            }
        if qualified in self._allowed:
            return False
        if qualified.rsplit(".", 1)[-1] in ("HTTPException", "WebSocketException"):
            return False
        project = self.ctx.project
        return project is None or project.definition(qualified) is None

    def _catches_all(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Integer):
            return node.value == "500"
        return self.ctx.resolve(node) in _BROAD

    # -- what an expression holds -------------------------------------------------------

    def _leak(self, node: cst.BaseExpression, names: set[str], depth: int) -> str | None:
        """How ``node`` carries the exception's text (the code that does), else None."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, cst.Name):
            if node.value in names:
                return f"`{node.value}`"
            return self._first(values_of(self.ctx, node), names, depth)
        if isinstance(node, cst.Attribute):
            if node.attr.value in _TEXT_ATTRIBUTES and self._is_exception(node.value, names):
                return f"`{self.ctx.module.code_for_node(node)}`"
            return None
        if isinstance(node, cst.Call):
            return self._call_leak(node, names, depth)
        if isinstance(node, cst.FormattedString):
            expressions = [
                part.expression
                for part in node.parts
                if isinstance(part, cst.FormattedStringExpression)
            ]
            found = self._first(expressions, names, depth)
            return f"{found} in an f-string" if found is not None else None
        return self._first(_parts(node), names, depth)

    def _first(
        self, nodes: Iterable[cst.BaseExpression], names: set[str], depth: int
    ) -> str | None:
        for part in nodes:
            found = self._leak(part, names, depth + 1)
            if found is not None:
                return found
        return None

    def _call_leak(self, node: cst.Call, names: set[str], depth: int) -> str | None:
        qualified = self.ctx.resolve(node.func)
        if qualified in TRACEBACK_TEXT:
            return f"`{self.ctx.module.code_for_node(node)}`"
        is_text_call = qualified in _TEXT_CALLS or (
            isinstance(node.func, cst.Attribute) and node.func.attr.value in ("format", "join")
        )
        if qualified == "builtins.dict":
            is_text_call = True  # ``dict(detail=str(exc))``: its values
        if not is_text_call:
            return None
        for arg in node.args:
            value = arg.value
            if self._is_exception(value, names):
                return f"`{self.ctx.module.code_for_node(node)}`"
            found = self._leak(value, names, depth + 1)
            if found is not None:
                return found
        return None

    def _is_exception(self, node: cst.BaseExpression, names: set[str]) -> bool:
        if isinstance(node, cst.Name):
            return node.value in names
        if isinstance(node, cst.Attribute) and node.attr.value in _TEXT_ATTRIBUTES:
            return self._is_exception(node.value, names)
        return False


def _parts(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The sub-expressions whose text ends up in ``node``'s value."""
    if isinstance(node, (cst.BinaryOperation, cst.ConcatenatedString)):
        return [node.left, node.right]
    if isinstance(node, cst.Subscript):
        return [node.value]
    if isinstance(node, cst.Dict):
        return [e.value for e in node.elements if isinstance(e, cst.DictElement)]
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return [e.value for e in node.elements]
    return []
