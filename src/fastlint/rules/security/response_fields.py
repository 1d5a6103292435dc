"""FST406: a route's response model has a field that should never reach a client."""

from __future__ import annotations

import re
from pathlib import Path, PurePath

import libcst as cst

from fastlint.engine.context import Context
from fastlint.engine.fastapi_model import Route
from fastlint.engine.rule import Invalid, Rule, Valid
from fastlint.rules.security._common import words
from fastlint.semantic.models import ModelClass, ModelField

# Always sensitive: a password or what is derived from one.
_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passphrase"})
# Credentials: sensitive unless the model is one that issues them (see ``_issues_credentials``).
_CREDENTIAL_HEADS = frozenset({"token", "secret", "apikey"})
_KEY_QUALIFIERS = frozenset({"api", "secret", "private", "access", "signing", "encryption"})
_ISSUING_WORDS = frozenset(
    {"token", "login", "auth", "session", "credential", "oauth", "jwt", "key", "apikey", "secret"}
)
_TOKEN_SHAPE = frozenset({"token_type", "expires_in"})
_HIDDEN = ("SecretStr", "SecretBytes")  # serialized as "**********"
# ``next_page_token``, ``csrf_token``, ``token_count``: cursors, anti-CSRF values and counts,
# meant for the client (a count is an ``int``: ``total_tokens``).
_NOT_CREDENTIAL = frozenset(
    {"page", "next", "continuation", "pagination", "cursor", "csrf", "xsrf", "sync", "count"}
    | {"type", "url", "uri", "expire", "expiry", "expires", "name", "id", "prefix", "hint"}
)
# Decorators that change what a field is serialized as (Airflow redacts ``password`` so).
_TRANSFORMS = re.compile(
    r"@\s*(?:\w+\.)*(field_serializer|field_validator|validator|model_serializer)"
    r"\s*\(([^)]*)\)?"
)
_NEXT_DECORATOR = re.compile(r"\n\s*@(?!classmethod|staticmethod)")
_REDACTING = ("redact", "mask", "***", "hide", "obfuscat", "censor")
_NUMBERS = frozenset({"int", "float", "bool", "datetime", "datetime.datetime", "Decimal"})
_MODELS = (
    "from fastapi import FastAPI\nfrom pydantic import BaseModel\napp = FastAPI()\n"
    "class UserBase(BaseModel):\n    email: str\n"
    "class UserInDB(UserBase):\n    hashed_password: str\n"
    "class UserOut(UserBase):\n    id: int\n"
)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _kind(name: str) -> str | None:
    """ "password" or "credential" for a sensitive field name, else None."""
    parts = words(name)
    if not parts:
        return None
    if _PASSWORD_WORDS & set(parts):
        return "password"
    head = parts[-1]
    if _NOT_CREDENTIAL & set(parts):
        return None
    if head in _CREDENTIAL_HEADS or (
        head == "key" and len(parts) > 1 and parts[-2] in _KEY_QUALIFIERS
    ):
        return "credential"
    return None


def _issues_credentials(model: ModelClass) -> bool:
    """A token or key response: named so (``Token``, ``LoginResponse``, ``ApiKeyCreated``) or
    shaped as an OAuth2 token response (``token_type``, ``expires_in``)."""
    if set(_singular(part) for part in words(model.name)) & _ISSUING_WORDS:
        return True
    return any(item.name in _TOKEN_SHAPE for item in model.fields)


def _hidden(item: ModelField) -> bool:
    """Not serialized: ``Field(exclude=True)``, or a ``SecretStr`` that prints as stars."""
    default = (item.default or "").replace(" ", "")
    return "exclude=True" in default or any(hidden in item.annotation for hidden in _HIDDEN)


class SensitiveFieldInResponse(Rule):
    """Reports response models that expose password, secret or token fields (FST406)."""

    code = "FST406"
    name = "sensitive-field-in-response"
    category = "security"
    summary = (
        "A model used as a response model (or returned from a route) has a field like "
        "`password`, `hashed_password`, `secret`, `token`"
    )
    message = "Response model has a sensitive field: use a response model without it"
    requires_text = ("@",)  # routes are decorated; their models may live in other modules
    needs_project = True  # models imported from the project's other modules
    docs = """
## What it does
Follows the model each route declares, with `response_model=` or its return annotation (also
inside `list[...]`, `Optional[...]`, `X | None`, `Annotated[...]`, `Page[...]`), to its class in
the same file or in a first-party module, with the fields it inherits from its bases, and
reports sensitive fields that would be sent to clients:

- **passwords**, always: any field with the word `password`, `passwd`, `pwd` or `passphrase`
  (`password`, `hashed_password`, `password_hash`, `password_salt`);
- **credentials**: fields whose last word is `token`, `secret` or `apikey`, or `key` after
  `api`, `secret`, `private`, `access`, `signing` or `encryption` (`access_token`,
  `refresh_token`, `reset_token`, `client_secret`, `totp_secret`, `api_key`, `private_key`),
  but not pagination cursors, anti-CSRF values and token counts (`next_page_token`,
  `csrf_token`, `token_type`, a field annotated `int` such as `total_tokens`).
  These are not reported in a model whose job is to hand out credentials: one whose class name
  has the word `token`, `login`, `auth`, `session`, `credential`, `oauth`, `jwt`, `key`,
  `apikey` or `secret` (`Token`, `LoginResponse`, `ApiKeyCreated`), or that has a `token_type`
  or `expires_in` field (an OAuth2 token response).

Fields that are not serialized as they are, are not reported: `Field(exclude=True)`,
`SecretStr` / `SecretBytes` (which Pydantic writes as `"**********"`), fields named by a
`field_serializer` of the class that declares them, fields a `field_validator`/`validator`
of that class redacts (its function mentions redacting or masking:
`@field_validator("password") def redact_password(...)`; a strength check does not count),
and every field of a model with a `model_serializer`. One diagnostic per route names every
sensitive field of its model and where each is declared. SQLModel table models returned as
they are count too (that is the typical leak: `-> User` with `hashed_password`).

## Why is this bad?
FastAPI serializes every field of the response model. A password hash in a user listing is
cracked offline; a reset or refresh token lets whoever reads the response (a log, a proxy, a
browser extension) take over the account. Response models exist to leave such fields out.

## Example
```python
from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter()


class User(BaseModel):
    id: int
    email: str
    hashed_password: str


@router.get("/users/{user_id}", response_model=User)
async def read_user(user_id: int) -> User:
    ...
```

## Use instead
```python
from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter()


class UserBase(BaseModel):
    id: int
    email: str


class UserInDB(UserBase):
    hashed_password: str


class UserPublic(UserBase):
    pass


@router.get("/users/{user_id}", response_model=UserPublic)
async def read_user(user_id: int) -> UserInDB:
    ...
```
"""
    valid = (
        Valid(_MODELS + "@app.get('/me', response_model=UserOut)\nasync def me():\n    ...\n"),
        Valid(_MODELS + "@app.get('/me')\nasync def me() -> UserOut:\n    ...\n"),
        Valid(
            _MODELS + "@app.get('/me', response_model=UserOut)\nasync def me() -> UserInDB:\n"
            "    ...\n"
        ),
        Valid(
            _MODELS + "class Token(BaseModel):\n    access_token: str\n    token_type: str\n"
            "@app.post('/token')\nasync def login() -> Token:\n    ...\n"
        ),
        Valid(
            _MODELS + "class Issued(BaseModel):\n    refresh_token: str\n    expires_in: int\n"
            "@app.post('/refresh')\nasync def refresh() -> Issued:\n    ...\n"
        ),
        Valid(
            _MODELS + "from pydantic import Field, SecretStr\nclass Out(BaseModel):\n"
            "    password: str = Field(exclude=True)\n    api_key: SecretStr\n"
            "@app.get('/x')\nasync def x() -> Out:\n    ...\n"
        ),
        Valid(_MODELS + "async def helper() -> UserInDB:\n    ...\n"),
        Valid(
            _MODELS + "@app.get('/me', response_model=None)\nasync def me() -> UserInDB:\n    ...\n"
        ),
        Valid(
            _MODELS + "class Page(BaseModel):\n    next_page_token: str | None\n"
            "    items: list[UserOut]\n@app.get('/users')\nasync def users() -> Page:\n    ...\n"
        ),
        Valid(
            _MODELS + "from pydantic import field_validator\nclass Conn(BaseModel):\n"
            "    password: str | None\n    @field_validator('password', mode='after')\n"
            "    @classmethod\n    def redact_password(cls, v):\n        return '***'\n"
            "@app.get('/c')\nasync def c() -> Conn:\n    ...\n"
        ),
    )
    invalid = (
        Invalid(
            _MODELS + "from pydantic import field_validator\nclass Account(BaseModel):\n"
            "    password: str\n    @field_validator('password')\n    @classmethod\n"
            "    def strong(cls, v):\n        if len(v) < 8:\n            raise ValueError('short')\n"
            "        return v\n@app.get('/a')\nasync def a() -> Account:\n    ...\n",
            20,
            18,
            message_contains="`password`",
        ),
        Invalid(
            _MODELS + "@app.get('/me', response_model=UserInDB)\nasync def me():\n    ...\n",
            10,
            17,
            message_contains="`hashed_password`",
        ),
        Invalid(
            _MODELS + "from typing import Optional\n@app.get('/users')\n"
            "async def users() -> list[Optional[UserInDB]]:\n    ...\n",
            12,
            22,
            message_contains="route `GET /users`",
        ),
        Invalid(
            _MODELS + "class Member(UserOut):\n    api_key: str\n    reset_token: str\n"
            "@app.post('/members')\nasync def add() -> Member:\n    ...\n",
            14,
            20,
            message_contains="`api_key`, `reset_token`",
        ),
    )

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._transformed: dict[tuple[str, int], frozenset[str] | None] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not node.decorators:
            return
        for route in self.ctx.fastapi.routes_of(node):
            if route.method == "websocket":
                continue
            declared = route.keywords.get("response_model")
            if declared is not None:
                self._check(route, declared, declared.value)
            elif node.returns is not None:
                self._check(route, node.returns.annotation, node.returns.annotation)

    def _check(self, route: Route, at: cst.CSTNode, annotation: cst.BaseExpression) -> None:
        model = self.ctx.models.model_in_annotation(annotation, self.ctx.scopes)
        if model is None or model.is_settings:
            return
        found = self._sensitive(model)
        if not found:
            return
        names = ", ".join(f"`{item.name}`" for item in found)
        where = "; ".join(
            f"`{item.name}` in {PurePath(item.path).name}:{item.line}"
            for item in found
            if item.line and item.path != self.ctx.path
        )
        shown = f"{route.method.upper()} {route.path}" if route.path else route.method.upper()
        plural = "fields" if len(found) > 1 else "field"
        self.report(
            at,
            f"Response model `{model.name}` of route `{shown}` has the sensitive {plural} "
            f"{names}{f' ({where})' if where else ''}: use a response model without "
            f"{'them' if len(found) > 1 else 'it'}",
        )

    def _sensitive(self, model: ModelClass) -> list[ModelField]:
        issuing = None
        found = []
        for item in model.fields:
            kind = _kind(item.name)
            if kind is None or _hidden(item) or self._serialized_otherwise(item):
                continue
            if kind == "credential":
                if item.annotation.replace(" ", "").removesuffix("|None") in _NUMBERS:
                    continue
                if issuing is None:
                    issuing = _issues_credentials(model)
                if issuing:
                    continue
            found.append(item)
        return found

    def _serialized_otherwise(self, item: ModelField) -> bool:
        """A serializer or redacting validator of the declaring class rewrites the field, or a
        ``model_serializer`` rewrites the whole model."""
        if item.path == self.ctx.path or not item.path:
            key = (self.ctx.path, 0)
            if key not in self._transformed:
                self._transformed[key] = _transforms(self.ctx.text)
        else:
            key = (item.path, item.line)
            if key not in self._transformed:
                self._transformed[key] = _transforms(_class_text(item.path, item.line))
        found = self._transformed[key]
        return found is None or item.name in found


def _class_text(path: str, line: int) -> str:
    """The source of the module-level class whose body holds ``line``."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    start = line - 1
    while start > 0 and not lines[start].startswith("class "):
        start -= 1
    end = line
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in " \t#)"):
        end += 1
    return "\n".join(lines[start:end])


def _transforms(text: str) -> frozenset[str] | None:
    """The fields that serializers of ``text`` rewrite, and those its validators redact (the
    function mentions redacting or masking: a strength check is no redaction); None when a
    ``model_serializer`` rewrites every field."""
    if "serializer" not in text and "validator" not in text:
        return frozenset()
    names: set[str] = set()
    for match in _TRANSFORMS.finditer(text):
        kind = match.group(1)
        if kind == "model_serializer":
            return None
        if kind != "field_serializer":
            body = _NEXT_DECORATOR.split(text[match.end() : match.end() + 600], 1)[0].lower()
            if not any(word in body for word in _REDACTING):
                continue
        names.update(re.findall(r"[\"']([A-Za-z_]\w*)[\"']", match.group(2) or ""))
    return frozenset(names)
