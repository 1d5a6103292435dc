"""FST507: an ``except`` that catches everything, or swallows every exception silently."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid

_BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})


def _passes(statement: cst.BaseStatement) -> bool:
    """``pass``, ``...``, ``continue`` or a lone string: nothing done about the error."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, (cst.Pass, cst.Continue)):
            continue
        if isinstance(small, cst.Expr) and isinstance(
            small.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString)
        ):
            continue
        return False
    return True


def _only_passes(body: cst.BaseSuite) -> bool:
    if isinstance(body, cst.SimpleStatementSuite):
        return _passes(cst.SimpleStatementLine(body=body.body))
    return all(_passes(statement) for statement in body.body)  # type: ignore[union-attr]


def _reraises(body: cst.BaseSuite) -> bool:
    """The handler ends with a bare ``raise`` (cleanup, then the same exception goes on)."""
    statements = body.body
    if not statements:
        return False
    last = statements[-1]
    smalls = last.body if isinstance(last, cst.SimpleStatementLine) else statements
    tail = smalls[-1] if smalls else None
    return isinstance(tail, cst.Raise) and tail.exc is None


class BareExcept(Rule):
    """Reports ``except:`` and pass-only ``except Exception:`` handlers (FST507)."""

    code = "FST507"
    name = "bare-except"
    category = "quality"
    summary = "`except:`, or `except Exception:`/`except BaseException:` that only passes"
    message = (
        "catch the exceptions you expect (`except ValueError:`), and handle or log them "
        "instead of passing"
    )
    requires_text = ("except",)
    docs = """
## What it does
Reports, at the `except` keyword:

- a bare `except:` whose body does not end with a bare `raise`;
- `except Exception:` or `except BaseException:` (also in a tuple, `except (Exception, X):`,
  `builtins.Exception`, and `except*`) whose body only passes: it holds nothing but `pass`,
  `...`, `continue` or a string.

Not reported: `except Exception as error:` that logs, returns, retries or re-raises (a broad
catch at the top of a worker or a middleware is often right), a bare `except:` that cleans up
and re-raises (`except: rollback(); raise`), and a class of your own named `Exception`.

## Why is this bad?
A bare `except:` also catches `KeyboardInterrupt`, `SystemExit` and `asyncio.CancelledError`:
a cancelled request handler keeps running, and Ctrl-C no longer stops the server. A broad
`except` that passes hides every bug behind it: the request answers 200 with half its work
done, and nothing is logged.

## Example
```python
import json


def load_settings(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except:
        return {}


def notify(client, message):
    try:
        client.send(message)
    except Exception:
        pass
```

## Use instead
```python
import json
import logging

logger = logging.getLogger(__name__)


def load_settings(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except (OSError, json.JSONDecodeError):
        return {}


def notify(client, message):
    try:
        client.send(message)
    except Exception:
        logger.exception("could not notify %s", client)
```

## Differences from ruff
ruff's `E722` reports every bare `except:`, re-raising ones included; `BLE001` reports every
`except Exception:` that neither re-raises nor logs. This rule reports what is silent.
"""
    valid = (
        Valid("try:\n    pass\nexcept ValueError:\n    pass\n"),
        Valid("try:\n    pass\nexcept Exception as e:\n    log(e)\n"),
        Valid("try:\n    pass\nexcept:\n    cleanup()\n    raise\n"),
        Valid("class Exception(ValueError): ...\ntry:\n    pass\nexcept Exception:\n    pass\n"),
        Valid("try:\n    pass\nexcept BaseException:\n    return_value = None\n"),
    )
    invalid = (
        Invalid("try:\n    pass\nexcept:\n    x = 1\n", 3, 1, message_contains="bare `except:`"),
        Invalid(
            "for x in y:\n    try:\n        pass\n    except Exception:\n        continue\n",
            4,
            5,
            message_contains="`except Exception:` swallows every error silently",
        ),
        Invalid(
            "import builtins\ntry:\n    pass\nexcept (builtins.BaseException, ValueError): ...\n",
            4,
            1,
            message_contains="`except BaseException:` swallows",
        ),
        Invalid(
            "try:\n    pass\nexcept* Exception:\n    pass\n",
            3,
            1,
            message_contains="handle or log them",
        ),
    )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._check(node)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._check(node)

    def _check(self, node: cst.ExceptHandler | cst.ExceptStarHandler) -> None:
        if node.type is None:
            if not _reraises(node.body):
                self.report(
                    node,
                    "A bare `except:` also catches KeyboardInterrupt, SystemExit and "
                    "cancellation; " + self.message,
                )
            return
        broad = self._broad(node.type)
        if broad is not None and _only_passes(node.body):
            self.report(node, f"`except {broad}:` swallows every error silently; " + self.message)

    def _broad(self, caught: cst.BaseExpression) -> str | None:
        names = (
            [item.value for item in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
        )
        for name in names:
            if isinstance(name, (cst.Name, cst.Attribute)) and self.ctx.resolve(name) in _BROAD:
                return self.ctx.resolve(name).rsplit(".", 1)[-1]  # type: ignore[union-attr]
        return None
