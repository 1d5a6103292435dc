"""FST404: a password hashed with a fast digest (``hashlib.sha256(password)``)."""

from __future__ import annotations

import libcst as cst

from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.security import FAST_HASHES
from fastlint.rules.security._common import positional, string_of, values_of, words

_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "pw"})
# A name with one of these holds something derived from a password, not the password itself
# (a reset token is hashed with sha256 correctly; a hash of a hash is a fingerprint).
_DERIVED_WORDS = frozenset({"token", "hash", "hashed", "digest", "fingerprint", "url", "link"})
_MAX_DEPTH = 3


def password_name(name: str) -> bool:
    """Whether ``name`` names a password itself (``user_password``), not something derived
    from one (``password_hash``, ``password_reset_token``)."""
    parts = set(words(name))
    return bool(parts & _PASSWORD_WORDS) and not parts & _DERIVED_WORDS


class WeakPasswordHash(Rule):
    """Reports fast ``hashlib`` digests applied to passwords (FST404)."""

    code = "FST404"
    name = "weak-password-hash"
    category = "security"
    summary = "`hashlib.md5/sha1/sha256` (or similar) applied to a password"
    message = (
        "Password hashed with a fast digest: use a password hash, `pwdlib` (Argon2) or "
        "`passlib`'s bcrypt/argon2 (`CryptContext(schemes=['bcrypt'])`)"
    )
    requires_text = ("hashlib",)
    call_names = FAST_HASHES | {"new", "update"}
    docs = """
## What it does
Finds a password hashed with one of `hashlib`'s fast digests: `md5`, `sha1`, `sha224`,
`sha256`, `sha384`, `sha512`, `sha3_*`, `blake2b`, `blake2s`, also as `hashlib.new("sha256",
...)` and `h.update(...)` on a hash object made in the same function. The hashed value is a
password when a name in it has the word `password`, `passwd`, `pwd`, `pw` or `passphrase`:
`hashlib.sha256(password.encode())`, `hashlib.md5(user.password.encode("utf-8"))`,
`hashlib.sha1((salt + password).encode())`, or a local name assigned such a value
(`data = password.encode()` then `hashlib.sha256(data)`).

Not reported: other values (`hashlib.sha256(token.encode())` is how reset and API tokens are
stored), names that hold something derived from a password (`reset_password_token`,
`hashed_password`, `password_fingerprint`), and `hashlib.pbkdf2_hmac`/`hashlib.scrypt`, which
are password hashes (give them enough iterations).

## Why is this bad?
A leaked table of SHA-256 or MD5 password hashes is cracked offline at billions of guesses a
second per GPU, salted or not. Password hashes (Argon2, bcrypt, scrypt) are slow and memory-hard
on purpose, so each guess costs the attacker real time.

## Example
```python
import hashlib


def hash_password(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()
```

## Use instead
```python
from pwdlib import PasswordHash

password_hash = PasswordHash.recommended()  # Argon2


def hash_password(password: str) -> str:
    return password_hash.hash(password)
```
or passlib: `CryptContext(schemes=["bcrypt"], deprecated="auto").hash(password)`.
"""
    valid = (
        Valid(
            "import hashlib\ndef f(token: str):\n    return hashlib.sha256(token.encode()).hexdigest()\n"
        ),
        Valid(
            "import hashlib\ndef f(reset_password_token: str):\n"
            "    return hashlib.sha256(reset_password_token.encode()).hexdigest()\n"
        ),
        Valid(
            "import hashlib\ndef f(password: bytes, salt: bytes):\n"
            "    return hashlib.pbkdf2_hmac('sha256', password, salt, 600_000)\n"
        ),
        Valid("def f(password):\n    return md5(password)\n"),
        Valid(
            "import hashlib\ndef f(user):\n    return hashlib.sha256(user.hashed_password.encode()).hexdigest()\n"
        ),
        Valid(
            "import hashlib\ndef f(data, password):\n    h = {}\n    h.update(password=password)\n"
        ),
    )
    invalid = (
        Invalid(
            "import hashlib\ndef f(password: str):\n    return hashlib.sha256(password.encode()).hexdigest()\n",
            3,
            12,
            message_contains="`hashlib.sha256`",
        ),
        Invalid(
            "from hashlib import md5\ndef f(user):\n    return md5(user.password.encode('utf-8')).hexdigest()\n",
            3,
            12,
            message_contains="`pwdlib` (Argon2)",
        ),
        Invalid(
            "import hashlib\ndef f(pwd, salt):\n    data = (salt + pwd).encode()\n    return hashlib.sha1(data).hexdigest()\n",
            4,
            12,
            message_contains="`hashlib.sha1`",
        ),
        Invalid(
            "import hashlib\ndef f(new_password):\n    h = hashlib.new('md5')\n    h.update(new_password.encode())\n",
            4,
            5,
            message_contains="`hashlib.md5`",
        ),
        Invalid(
            "import hashlib as h\ndef f(form):\n    return h.new('sha512', form.password.encode())\n",
            3,
            12,
            message_contains="`hashlib.sha512`",
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "update":
            self._update(node, func)
            return
        qualified = self.ctx.resolve(node.func)
        if qualified is None or not qualified.startswith("hashlib."):
            return
        algorithm = qualified[len("hashlib.") :]
        index = 0
        if algorithm == "new":
            name = positional(node, 0)
            algorithm = (string_of(name.value) or "") if name is not None else ""
            index = 1
        if algorithm.lower() not in FAST_HASHES:
            return
        data = positional(node, index)
        if data is not None and self._password(data.value, 0):
            self._report(node, algorithm)

    def _update(self, node: cst.Call, func: cst.Attribute) -> None:
        data = positional(node, 0)
        if data is None or not isinstance(func.value, cst.Name):
            return
        if not self._password(data.value, 0):
            return
        for made in values_of(self.ctx, func.value):
            if isinstance(made, cst.Call):
                qualified = self.ctx.resolve(made.func) or ""
                algorithm = qualified.removeprefix("hashlib.")
                if algorithm == "new":
                    name = positional(made, 0)
                    algorithm = (string_of(name.value) or "") if name is not None else ""
                if qualified.startswith("hashlib.") and algorithm.lower() in FAST_HASHES:
                    self._report(node, algorithm)
                    return

    def _report(self, node: cst.Call, algorithm: str) -> None:
        self.report(
            node,
            f"Password hashed with `hashlib.{algorithm.lower()}`, a fast digest: use a password "
            "hash, `pwdlib` (Argon2) or `passlib`'s bcrypt/argon2 "
            "(`CryptContext(schemes=['bcrypt'])`)",
        )

    def _password(self, node: cst.BaseExpression, depth: int) -> bool:
        """``node`` holds a password: a name or attribute called so, or built from one."""
        if depth > _MAX_DEPTH:
            return False
        if isinstance(node, cst.Name):
            if password_name(node.value):
                return True
            return any(self._password(value, depth + 1) for value in values_of(self.ctx, node))
        if isinstance(node, cst.Attribute):
            if password_name(node.attr.value):
                return True
            return self._password(node.value, depth + 1) if depth == 0 else False
        if isinstance(node, cst.Call):
            func = node.func
            receiver = [func.value] if isinstance(func, cst.Attribute) else []
            arguments = [arg.value for arg in node.args]
            return any(self._password(part, depth + 1) for part in (*receiver, *arguments))
        if isinstance(node, cst.BinaryOperation):
            return self._password(node.left, depth + 1) or self._password(node.right, depth + 1)
        if isinstance(node, cst.FormattedString):
            return any(
                self._password(part.expression, depth + 1)
                for part in node.parts
                if isinstance(part, cst.FormattedStringExpression)
            )
        return False
