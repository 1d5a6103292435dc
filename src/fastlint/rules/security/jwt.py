"""FST405: ``jwt.decode`` that does not verify the signature, or lets the token pick the
algorithm."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.security import JWT_DECODE
from fastlint.rules.security._common import (
    argument,
    dict_items,
    elements,
    is_constant,
    keyword,
    string_of,
    values_of,
)

_USE = '`jwt.decode(token, key, algorithms=["HS256"])`'


class JwtVerificationDisabled(Rule):
    """Reports ``jwt.decode`` calls that skip or weaken signature checks (FST405)."""

    code = "FST405"
    name = "jwt-verification-disabled"
    category = "security"
    summary = (
        '`jwt.decode` with signature verification off, `algorithms` missing, or `"none"` allowed'
    )
    message = f"JWT is decoded without a fixed algorithm: pass the algorithms you sign with, {_USE}"
    requires_text = ("jwt",)
    call_names = frozenset({"decode"})
    docs = """
## What it does
Finds `jwt.decode(...)` calls of PyJWT (`import jwt`) and python-jose (`from jose import jwt`,
`import jose.jwt`), through aliases, that accept a token they should not:

- signature verification turned off: `options={"verify_signature": False}` (also a dict
  assigned to a name first), or `verify=False` (PyJWT before 2.0);
- no `algorithms=` (nor a third positional argument): python-jose then accepts whatever
  algorithm the token's header names, PyJWT 2 raises at run time;
- `"none"` among the algorithms.

authlib's `jwt.decode` always verifies the signature and chooses the algorithm from the key; it
is not checked (call `claims.validate()` after it). Expiry and audience options
(`verify_exp`, `verify_aud`) are not checked either.

## Why is this bad?
A token whose signature is not checked is just JSON that anyone can write: `{"sub": "admin"}`.
Letting the token choose the algorithm opens algorithm confusion (an RSA public key used as an
HMAC secret) and `alg: none` tokens with no signature at all.

## Example
```python
import jwt


def read_token(token: str, key: str) -> dict:
    return jwt.decode(token, key, options={"verify_signature": False})
```

## Use instead
```python
import jwt


def read_token(token: str, key: str) -> dict:
    return jwt.decode(token, key, algorithms=["HS256"])
```
To read a token's header before choosing the key (its `kid`), use
`jwt.get_unverified_header(token)`, then decode with verification.
"""
    valid = (
        Valid("import jwt\ndef f(t, k):\n    return jwt.decode(t, k, algorithms=['HS256'])\n"),
        Valid("from jose import jwt\ndef f(t, k):\n    return jwt.decode(t, k, ['RS256'])\n"),
        Valid("import base64\ndef f(t):\n    return base64.b64decode(t).decode()\n"),
        Valid("def f(t):\n    return t.decode('utf-8')\n"),
        Valid(
            "import jwt\ndef f(t, k):\n    return jwt.decode(t, k, algorithms=ALGS, options={'verify_exp': True})\n"
        ),
        Valid("from authlib.jose import jwt\ndef f(t, k):\n    return jwt.decode(t, k)\n"),
    )
    invalid = (
        Invalid(
            "import jwt\ndef f(t, k):\n    return jwt.decode(t, k)\n",
            3,
            12,
            message_contains='algorithms=["HS256"]',
        ),
        Invalid(
            "import jwt\ndef f(t):\n    return jwt.decode(t, options={'verify_signature': False})\n",
            3,
            12,
            message_contains="signature verification is turned off",
        ),
        Invalid(
            "from jose import jwt as j\ndef f(t, k):\n"
            "    opts = {'verify_signature': False}\n    return j.decode(t, k, algorithms=['HS256'], options=opts)\n",
            4,
            12,
            message_contains="signature verification is turned off",
        ),
        Invalid(
            "import jwt\ndef f(t, k):\n    return jwt.decode(t, k, verify=False)\n",
            3,
            12,
            message_contains="`verify=False`",
        ),
        Invalid(
            "import jwt\ndef f(t, k):\n    return jwt.decode(t, k, algorithms=['HS256', 'none'])\n",
            3,
            12,
            message_contains='`"none"` is among the algorithms',
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.resolve(node.func) not in JWT_DECODE:  # a module function
            return
        problem = self._problem(node)
        if problem is not None:
            self.report(node, problem)

    def _problem(self, node: cst.Call) -> str | None:
        verify = keyword(node, "verify")
        if verify is not None and is_constant(verify.value, "False"):
            return f"JWT signature is not verified (`verify=False`): verify it, {_USE}"
        options = keyword(node, "options")
        if options is not None:
            for value in values_of(self.ctx, options.value):
                for key, item in dict_items(value):
                    if key == "verify_signature" and is_constant(item, "False"):
                        return (
                            "JWT signature verification is turned off: anyone can forge the "
                            f"token; verify it, {_USE}"
                        )
        algorithms = argument(node, 2, "algorithms")
        if algorithms is None:
            if any(arg.star for arg in node.args):
                return None  # ``**kwargs`` may hold them
            return self.message
        for value in values_of(self.ctx, algorithms.value):
            if any((string_of(item) or "").lower() == "none" for item in elements(value)):
                return (
                    '`"none"` is among the algorithms: unsigned tokens are accepted; list '
                    f"only the algorithms you sign with, {_USE}"
                )
        return None
