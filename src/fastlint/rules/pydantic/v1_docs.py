"""FST601's documentation page."""

DOCS = """
## What it does
Finds Pydantic v1 API in a project on Pydantic v2 (the default; see the option below):

- `class Config:` inside a Pydantic model or settings class, one diagnostic at the `class Config`
  line naming its v1 keys (`orm_mode` → `from_attributes`, `allow_population_by_field_name` →
  `populate_by_name`, `schema_extra` → `json_schema_extra`, ... and keys v2 dropped, such as
  `allow_mutation` or `smart_union`);
- the `@validator` and `@root_validator` decorators;
- imports of the `pydantic.v1` compatibility layer (`from pydantic.v1 import ...`,
  `import pydantic.v1`, `from pydantic import v1`);
- `BaseSettings` imported from `pydantic` (it moved to the `pydantic-settings` package);
- the v1 methods `.dict()`, `.json()`, `.copy()`, `.parse_obj()`, `.parse_raw()`,
  `.parse_file()`, `.from_orm()`, `.construct()`, `.schema()`, `.schema_json()`,
  `.update_forward_refs()`, `.validate()`, but only when the object they are called on is known
  to be a Pydantic model: a model class (`User.parse_obj(data)`), `Model(...)`, `self` in a
  model's method, a parameter annotated with a model (`user: UserIn`, `Annotated[UserIn, ...]`,
  `UserIn | None`), or a local name only ever assigned `Model(...)` /
  `Model.model_validate(...)`. Models are recognised through imports, in this file and in the
  project's other modules, including subclasses of the project's own base models. Anything else
  (`response.json()`, `data.copy()`, a dict's `.dict`...) is never reported, nor is a method
  the model (or one of the project's base models) defines itself (`def validate(self)`).

Imports in an `except ImportError:` handler are a fallback for projects on the other major
version (`try: from pydantic_settings import BaseSettings` / `except ImportError: from pydantic
import BaseSettings`) and are not reported. A class named `Config` in a class that is not a
Pydantic model (a Django `Meta`-like holder, a
dataclass) is not reported.

## Why is this bad?
Pydantic v2 keeps most of the v1 API as deprecated shims that warn at run time, and some of it
(`BaseSettings` from `pydantic`) raises on import. The v2 API is also where the fast paths are:
`model_dump()` and `model_validate()` run in pydantic-core. Code written against v1 keeps a
project one upgrade away from breaking, and new code copied from it spreads the old API.

## Example
```python
from pydantic import BaseModel, validator


class UserOut(BaseModel):
    id: int
    email: str

    class Config:
        orm_mode = True

    @validator("email")
    def lower(cls, value):
        return value.lower()


def to_json(user: UserOut) -> dict:
    return user.dict(exclude_unset=True)
```

## Use instead
```python
from pydantic import BaseModel, ConfigDict, field_validator


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str

    @field_validator("email")
    @classmethod
    def lower(cls, value: str) -> str:
        return value.lower()


def to_json(user: UserOut) -> dict:
    return user.model_dump(exclude_unset=True)
```

## Fix
Unsafe, and only where the change is mechanical:
- `class Config:` whose body is only `key = value` lines (no comment, no key v2 dropped, in a
  model that is neither a SQLModel model nor based on v1's `BaseSettings`, and with no
  `model_config` already) becomes `model_config = ConfigDict(key=value, ...)` with the v1 keys
  renamed (`SettingsConfigDict` from `pydantic_settings` in a settings class), importing
  `ConfigDict`;
- `from pydantic import BaseSettings` (alone on its line) becomes
  `from pydantic_settings import BaseSettings` (the `pydantic-settings` package must be
  installed: that is why the fix is unsafe);
- `.dict()` → `.model_dump()`, `.json()` → `.model_dump_json()`, `.copy()` → `.model_copy()`,
  `.parse_obj()` / `.from_orm()` / `.validate()` → `.model_validate()`, `.construct()` →
  `.model_construct()`, `.schema()` → `.model_json_schema()`, when the call passes only arguments
  the v2 method takes with the same meaning (`.json(encoder=...)` or `.copy(include=...)` are
  not renamed).

`@validator` and `@root_validator` are not fixed: the v2 decorators take other signatures
(`@field_validator` is a classmethod whose third argument is a `ValidationInfo`, not the
`values` dict; `@model_validator` needs a `mode`), so the function has to be rewritten.
`.parse_raw()`, `.parse_file()`, `.schema_json()` and `.update_forward_refs()` have no one-to-one
replacement and are not fixed either.

## Options
- `pydantic-version` (integer, 1 or 2, default 2): the Pydantic major version of the project.
  `pydantic-version = 1` turns this rule off: a project still on v1 has nothing to migrate to
  yet.

A v2 project that uses the `pydantic.v1` layer on purpose (a vendored v1 model, a gradual
migration) suppresses the diagnostic on that import (`# noqa: FST601`) or ignores FST601 for
those files with `per-file-ignores`.
"""
