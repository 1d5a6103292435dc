"""FST403: a secret written in the code: a secret-named name assigned a literal, a literal JWT key."""

from __future__ import annotations

import re

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.knowledge.security import ENUM_BASES, JWT_DECODE, JWT_ENCODE
from fastlint.rules.security._common import argument, string_of, target_name, values_of, words

# The last word of a name says what it holds (``password_reset_path`` is a path): these hold
# secrets. ``key`` does only after one of ``_KEY_QUALIFIERS`` (``SECRET_KEY``, ``API_KEY``).
_SECRET_HEADS = frozenset(
    {"password", "passwd", "pwd", "pass", "passphrase", "secret", "token", "apikey"}
    | {"credential", "credentials", "secretkey", "privatekey"}
)
_KEY_QUALIFIERS = frozenset(
    {"api", "secret", "private", "access", "signing", "encryption", "jwt", "auth", "master"}
    | {"hmac", "client", "app", "fernet", "license", "webhook"}
)
_CHEAP = re.compile("pass|pwd|secret|token|key|credential", re.IGNORECASE)
# Values that name a scheme, a grant or a token type rather than hold a secret.
_TERMS = frozenset(
    {"bearer", "basic", "digest", "jwt", "password", "refresh_token", "access_token", "token"}
    | {"client_credentials", "authorization_code", "implicit", "none", "null", "undefined"}
    | {"hs256", "hs384", "hs512", "rs256", "rs384", "rs512", "es256", "es384", "es512"}
    | {"true", "false", "todo", "tbd", "fixme", "secret_key", "api_key"}
)
_FILES = (".pem", ".key", ".crt", ".cer", ".json", ".txt", ".env", ".p12", ".pfx", ".jks")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_DOTTED = re.compile(r"[a-z_][a-z0-9_-]*(?:[.:][a-z_][a-z0-9_-]*)+")
_HEADER = re.compile(r"[Xx]-[A-Za-z0-9-]+")
_MASK = frozenset("*xX.-_#0")
_MIN_LENGTH = 4


def secret_name(name: str) -> bool:
    """A name whose last word says it holds a secret (``DB_PASSWORD``, ``jwtSecret``,
    ``SECRET_KEY``; not ``token_url``, ``TOKEN_TYPE``, ``SECRET_KEY_ENV``)."""
    if _CHEAP.search(name) is None:
        return False
    parts = words(name)
    while parts and parts[-1].isdigit():
        parts.pop()  # ``password2``
    if not parts:
        return False
    head = parts[-1].rstrip("0123456789")
    if head == "key":
        return len(parts) > 1 and parts[-2] in _KEY_QUALIFIERS
    if head == "pass":
        return len(parts) > 1  # ``DB_PASS``; ``PASS`` alone is anything
    return head in _SECRET_HEADS


def secret_value(value: str, name: str | None = None) -> bool:
    """A literal that could be a working secret (see the docs for what is not)."""
    if len(value) < _MIN_LENGTH or any(c.isspace() for c in value):
        return False
    if not any(c.isalnum() for c in value) or set(value) <= _MASK:
        return False
    if "://" in value or value.startswith(("/", "./", "../", "~")) or value.endswith(_FILES):
        return False  # URLs and paths
    if ("{" in value and "}" in value) or "%s" in value or "%(" in value:
        return False  # templates
    if "<" in value and ">" in value:
        return False  # "<your-api-key>"
    if value.lower() in _TERMS or _ENV_NAME.fullmatch(value) or _HEADER.fullmatch(value):
        return False
    if not value.startswith("eyJ") and _DOTTED.fullmatch(value):
        return False  # a config key or module path (a JWT starts with ``eyJ``)
    if name is not None:
        named, said = _singular(words(name)), _singular(words(value))
        if said and set(said) <= set(named) and named[-1] in said:
            return False  # ``ACCESS_TOKEN = "access_token"``: the name of a field or key
    return True


def _singular(parts: list[str]) -> list[str]:
    return [part[:-1] if len(part) > 3 and part.endswith("s") else part for part in parts]


class HardcodedSecret(Rule):
    """Reports secret-looking names bound to string literals, and literal JWT keys (FST403)."""

    code = "FST403"
    name = "hardcoded-secret"
    category = "security"
    summary = (
        "A secret-looking name (`SECRET_KEY`, `*_password`, `api_key`, `token`...) assigned a "
        "string literal, or a literal key passed to `jwt.encode/decode`"
    )
    message = (
        "Secret is written in the code: read it from settings or the environment "
        "(`pydantic-settings`, `os.environ[...]`)"
    )
    requires_text = (
        *("password", "PASSWORD", "Password", "passwd", "PASSWD", "pwd", "PWD", "_pass"),
        *("_PASS", "secret", "SECRET", "Secret", "token", "TOKEN", "Token", "_key", "_KEY"),
        *("Key", "apikey", "APIKEY", "credential", "CREDENTIAL", "Credential", "jwt"),
    )
    call_names = frozenset({"encode", "decode"})
    docs = """
## What it does
Finds secrets written in the source:

- an assignment of a string literal to a name whose **last word** says it holds a secret:
  `password`, `passwd`, `pwd`, `pass` (after another word: `DB_PASS`), `passphrase`, `secret`,
  `token`, `apikey`, `credentials`, or `key` after `secret`, `api`, `private`, `access`,
  `signing`, `encryption`, `jwt`, `auth`, `master`, `hmac`, `client`, `app`, `fernet`, `license`
  or `webhook` (`SECRET_KEY`, `jwtSecret`, `db_password`, `self.api_key`, class attributes and
  annotated defaults such as `SECRET_KEY: str = "..."` in a settings class);
- a string literal passed as the key of `jwt.encode`/`jwt.decode` (PyJWT's `jwt`, python-jose's
  `jose.jwt`), directly or through a name assigned it.

Names that end in another word are not secrets: `token_url`, `password_reset_path`,
`TOKEN_TYPE`, `SECRET_KEY_ENV` (the name of an environment variable), `PASSWORD_MIN_LENGTH`.
And the value has to look like a secret. These are not reported:

- strings shorter than 4 characters, strings with spaces (messages), strings without a letter
  or digit, and masks (`"********"`, `"xxxx"`);
- URLs (`"://"`), paths (`"/..."`, `"./..."`, `"~..."`, names ending in `.pem`, `.key`,
  `.json`, ...), templates (`"{...}"`, `"%s"`), placeholders in angle brackets
  (`"<your-api-key>"`);
- names of environment variables (`"SECRET_KEY"`, `"OPENAI_API_KEY"`), header names
  (`"X-API-Key"`), config keys and module paths (`"auth.jwt_secret"`);
- scheme, grant and token-type words: `"bearer"`, `"basic"`, `"password"`, `"refresh_token"`,
  `"HS256"`...;
- a value that names the field it is the key of: its words are words of the name, the last
  one among them (`ACCESS_TOKEN = "access_token"`, `PASSWORD = "password"`,
  `RESOURCE_PASSWORD = "Passwords"`);
- anything that is not a string literal: `settings.SECRET_KEY`, `os.environ["API_KEY"]`,
  `Field(...)`, `secrets.token_urlsafe(32)`, f-strings;
- the members of `Enum` classes (`class TokenKind(str, Enum): ACCESS_TOKEN = "access"`).

Placeholders a deployment could really run with (`"changeme"`, `"secret123"`,
`"your-secret-key"`) *are* reported: a token signed with a known key can be forged. Tests and
examples use such values on purpose; turn the rule off for them (a pattern without `/`
matches any path component, so `tests` covers every `tests/` directory):

```toml
[tool.fastlint]
per-file-ignores = { "tests" = ["FST403"], "test_*.py" = ["FST403"], "conftest.py" = ["FST403"] }
```

## Why is this bad?
A secret in the source is in every clone, fork, CI log and container image of the project, and
in its git history for good. Whoever has it can sign tokens, log in to the database or call the
paid API. Secrets belong in the environment or a secret store, read through settings.

## Example
```python
import jwt

SECRET_KEY = "9f2c1b7e4a6d8f0e3c5b7a9d1e2f4a6c"


def create_token(data: dict) -> str:
    return jwt.encode(data, "9f2c1b7e4a6d8f0e3c5b7a9d1e2f4a6c", algorithm="HS256")
```

## Use instead
```python
import jwt
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    SECRET_KEY: str  # from the environment or .env
    TOKEN_TYPE: str = "bearer"


settings = Settings()


def create_token(data: dict) -> str:
    return jwt.encode(data, settings.SECRET_KEY, algorithm="HS256")
```

## Differences from ruff
ruff's S105/S106 report any non-empty string assigned to a name *containing* `password`,
`token`, `secret` or `pwd`, so `token_url = "/token"` and `TOKEN_TYPE = "bearer"` are reported;
it does not look for API keys or JWT keys. This rule reads the name's last word and the value's
shape, and checks `jwt.encode/decode` keys; it does not look at keyword arguments of other
calls (S106) or comparisons.
"""
    valid = (
        Valid("SECRET_KEY = ''\n"),
        Valid("import os\nSECRET_KEY = os.environ['SECRET_KEY']\n"),
        Valid("from app.core.config import settings\nSECRET_KEY = settings.SECRET_KEY\n"),
        Valid(
            "from pydantic import BaseModel, Field\nclass Login(BaseModel):\n"
            "    password: str = Field(..., min_length=8)\n"
        ),
        Valid(
            "from enum import Enum\nclass TokenKind(str, Enum):\n"
            "    ACCESS_TOKEN = 'acc3ss-k1nd'\n    REFRESH_TOKEN = 'r3fresh-k1nd'\n"
        ),
        Valid("token_url = 'auth/jwt/login'\n"),
        Valid("password_reset_path = '/reset-password'\n"),
        Valid("TOKEN_TYPE = 'bearer'\n"),
        Valid("SECRET_KEY_ENV = 'SECRET_KEY'\n"),
        Valid("API_KEY = 'OPENAI_API_KEY'\n"),
        Valid("def make():\n    return Token(access_token=token, token_type='bearer')\n"),
        Valid(
            "from fastapi.security import OAuth2PasswordBearer\n"
            "oauth2_scheme = OAuth2PasswordBearer(tokenUrl='token')\n"
        ),
        Valid("RESET_TOKEN = 'reset:{user_id}'\nPASSWORD = 'Password must contain %s'\n"),
        Valid("api_key = f'{prefix}-{suffix}'\n"),
        Valid("AUTH_TOKEN = 'https://auth.example.com/token'\nPRIVATE_KEY = 'keys/private.pem'\n"),
        Valid("password = 'Your password is too short'\n"),
        Valid("SECRET = 'abc'\nPASSWORD = '********'\n"),
        Valid("ACCESS_TOKEN = 'access_token'\nPASSWORD = 'password'\n"),
        Valid("RESOURCE_PASSWORD = 'Passwords'\n"),
        Valid("API_KEY = 'X-API-Key'\nAPI_KEY_NAME = 'access_token'\n"),
        Valid("JWT_SECRET = '<your-jwt-secret>'\n"),
        Valid("TOKEN = 'auth.jwt.token'\nPASSWORD_MIN_LENGTH = 8\n"),
        Valid("import secrets\nSECRET_KEY: str = secrets.token_urlsafe(32)\n"),
        Valid(
            "import jwt\ndef f(t):\n    return jwt.decode(t, settings.SECRET_KEY, algorithms=['HS256'])\n"
        ),
    )
    invalid = (
        Invalid(
            "SECRET_KEY = '09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7'\n",
            1,
            1,
            message_contains="read it from settings or the environment",
        ),
        Invalid(
            "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n"
            "    DB_PASSWORD: str = 'hunter22'\n",
            3,
            5,
            message_contains="`DB_PASSWORD`",
        ),
        Invalid(
            "class Client:\n    def __init__(self):\n        self.api_key = 'sk-live-4f9a8b7c6d5e'\n",
            3,
            9,
            message_contains="`api_key`",
        ),
        Invalid(
            "JWT_SECRET = 'changeme'\n", 1, 1, message_contains="Secret is written in the code"
        ),
        Invalid("ADMIN_PASSWORD = 'admin'\n", 1, 1, message_contains="`ADMIN_PASSWORD`"),
        Invalid(
            "import jwt\ndef make(data):\n    return jwt.encode(data, 'secret', algorithm='HS256')\n",
            3,
            29,
            message_contains="JWT key is a string literal",
        ),
        Invalid(
            "from jose import jwt\nKEY = 'dev'\ndef read(t):\n"
            "    return jwt.decode(t, KEY, algorithms=['HS256'])\n",
            4,
            26,
            message_contains="`settings.SECRET_KEY`",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._enums: dict[int, bool] = {}
        self._reported: set[int] = set()  # literals already reported at their assignment

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._check(node, target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._check(node, node.target, node.value)

    def _check(
        self, node: cst.CSTNode, target: cst.BaseExpression, value: cst.BaseExpression
    ) -> None:
        name = target_name(target)
        if name is None or not secret_name(name):
            return
        text = string_of(value)
        if text is None or not secret_value(text, name) or self._in_enum():
            return
        self._reported.add(id(value))
        self.report(
            node,
            f"Secret is written in the code (`{name}`): read it from settings or the "
            "environment (`pydantic-settings`, `os.environ[...]`)",
        )

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.resolve(node.func)  # a module function: no receiver to type
        if qualified not in JWT_ENCODE and qualified not in JWT_DECODE:
            return
        key = argument(node, 1, "key")
        if key is None:
            return
        for value in values_of(self.ctx, key.value):
            text = string_of(value)
            if text and id(value) not in self._reported:
                self.report(
                    key.value,
                    "JWT key is a string literal: anyone who reads the code can sign tokens; "
                    "read it from settings (`settings.SECRET_KEY`)",
                )
                return

    def _in_enum(self) -> bool:
        scope = self.ctx.scopes[-1] if self.ctx.scopes else None
        if not isinstance(scope, cst.ClassDef):
            return False
        found = self._enums.get(id(scope))
        if found is None:
            found = self._enums[id(scope)] = any(
                self._enum_base(base.value) for base in scope.bases
            )
        return found

    def _enum_base(self, base: cst.BaseExpression) -> bool:
        qualified = self.ctx.resolve(base)
        if qualified in ENUM_BASES:
            return True
        name = qualified or (base.value if isinstance(base, cst.Name) else "")
        return name.endswith(("Enum", "Choices"))
