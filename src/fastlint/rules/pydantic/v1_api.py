"""FST601: the Pydantic v1 API in a Pydantic v2 project."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from fastlint.engine.fix import UNSAFE, Fix, add_import, replace
from fastlint.engine.rule import FIX_UNSAFE, Invalid, Rule, Valid
from fastlint.knowledge.fastapi import ANNOTATED
from fastlint.knowledge.pydantic import (
    V1_CLASS_METHODS,
    V1_CONFIG_REMOVED,
    V1_CONFIG_RENAMED,
    V1_DECORATORS,
    V1_INSTANCE_METHODS,
    V1_METHODS,
    V1_SETTINGS,
)
from fastlint.rules.pydantic.options import ChoiceOption
from fastlint.rules.pydantic.v1_docs import DOCS
from fastlint.semantic.cst_fields import generates_char
from fastlint.semantic.cst_tree import dotted_name
from fastlint.semantic.models import ModelClass

# Keyword arguments each renamed method accepts with the same meaning under its v2 name.
_SAME_ARGUMENTS = {
    "dict": frozenset(
        {"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"}
    ),
    "json": frozenset(
        {"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"}
        | {"indent"}
    ),
    "copy": frozenset({"update", "deep"}),
    "parse_obj": frozenset(),
    "from_orm": frozenset(),
    "validate": frozenset(),
    "construct": None,  # ``**values``: any keyword
    "schema": frozenset({"by_alias", "ref_template"}),
}
_POSITIONAL = {"parse_obj": 1, "from_orm": 1, "validate": 1}
_V1_MODULE = "pydantic.v1"
_P = "from pydantic import BaseModel\n"


def _is_v1_module(name: str) -> bool:
    return name == _V1_MODULE or name.startswith(f"{_V1_MODULE}.")


def _module_name(node: cst.BaseExpression | None) -> str:
    return (dotted_name(node) or "") if node is not None else ""


class PydanticV1Api(Rule):
    """Reports pydantic v1 idioms that have a v2 replacement."""

    code = "FST601"
    name = "pydantic-v1-api"
    category = "pydantic"
    summary = "Pydantic v1 API (`class Config`, `@validator`, `.dict()`, `pydantic.v1`...)"
    message = "Pydantic v1 API: use the v2 equivalent"
    fix = FIX_UNSAFE
    requires_text = (
        *("Config", "validator", "pydantic", ".dict(", ".json(", ".copy(", "parse_obj"),
        *("parse_raw", "parse_file", "from_orm", ".construct(", ".schema(", "schema_json"),
        *("update_forward_refs", ".validate("),
    )
    call_names = frozenset(V1_METHODS)
    needs_project = True  # models and their bases defined in other modules
    options = (
        ChoiceOption(
            "pydantic-version",
            int,
            2,
            "The Pydantic major version the project uses; 1 turns FST601 off",
            choices=(1, 2),
        ),
    )
    docs = DOCS

    def __init__(self, ctx: object) -> None:
        super().__init__(ctx)  # type: ignore[arg-type]
        self._off = self.option("pydantic-version") == 1
        self._fallback = 0  # depth of ``except ImportError:`` handlers

    # -- class Config, v1 settings base ---------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self._off:
            return
        if node.name.value == "Config":
            self._config(node)
        for arg in node.bases:
            if isinstance(arg.value, cst.Attribute) and self._v1_settings(arg.value):
                self.report(
                    arg.value,
                    "`BaseSettings` moved to the `pydantic-settings` package in Pydantic v2: "
                    "use `pydantic_settings.BaseSettings`",
                )

    def _v1_settings(self, node: cst.BaseExpression) -> bool:
        return self.ctx.resolve(node) in V1_SETTINGS

    def _config(self, node: cst.ClassDef) -> None:
        scopes = self.ctx.scopes
        owner = scopes[-1] if scopes else None
        if not isinstance(owner, cst.ClassDef):
            return
        model = self.ctx.models.model_for(owner)
        if model is None:
            return
        keys = _config_keys(node)
        v1 = [key for key in keys if key in V1_CONFIG_RENAMED or key in V1_CONFIG_REMOVED]
        named = ", ".join(
            f"`{key}` → `{V1_CONFIG_RENAMED[key]}`"
            if key in V1_CONFIG_RENAMED
            else f"`{key}` (removed)"
            for key in v1
        )
        config = "SettingsConfigDict" if model.is_settings else "ConfigDict"
        message = f"`class Config` is Pydantic v1 configuration: use `model_config = {config}(...)`"
        if named:
            message = f"{message} (v1 keys: {named})"
        self.report(node, message, fix=self._config_fix(node, owner, model, keys))

    def _config_fix(
        self, node: cst.ClassDef, owner: cst.ClassDef, model: ModelClass, keys: list[str]
    ) -> Fix | None:
        """``class Config:`` of plain ``key = value`` lines (no comments, no key that v2
        dropped) becomes ``model_config = ConfigDict(key=value, ...)``, v1 keys renamed."""
        if model.is_sqlmodel or any(key in V1_CONFIG_REMOVED for key in keys):
            return None
        if _base_of(owner, self.ctx.resolve) is not None:
            return None  # the v1 ``BaseSettings`` import comes first (its own fix)
        module = self.ctx.module
        entries = _plain_entries(node)
        if entries is None or generates_char(node.body, "#"):
            return None
        if _has_model_config(owner):
            return None
        if model.is_settings:
            imported = add_import(self.ctx, "pydantic_settings", "SettingsConfigDict")
        else:
            imported = add_import(self.ctx, "pydantic", "ConfigDict")
        if imported is None:
            return None
        name, edits = imported
        arguments = ", ".join(
            f"{V1_CONFIG_RENAMED.get(key, key)}={module.code_for_node(value).strip()}"
            for key, value in entries
        )
        new = f"model_config = {name}({arguments})"
        fix = Fix("Replace `class Config` with `model_config`", UNSAFE, (replace(node, new),))
        return fix.with_edits(edits)

    # -- decorators -----------------------------------------------------------------------------

    def visit_Decorator(self, node: cst.Decorator) -> None:
        if self._off:
            return
        expression = node.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func
        qualified = self.ctx.resolve(expression)
        replacement = V1_DECORATORS.get(qualified or "")
        if replacement is None:
            return
        shown = dotted_name(expression) or "validator"
        how = (
            "a classmethod taking `(cls, value, info)`; `values` is `info.data`"
            if replacement == "field_validator"
            else "`mode='before'` or `mode='after'`"
        )
        self.report(
            node,
            f"`@{shown}` is Pydantic v1 API: use `@{replacement}` ({how})",
        )

    # -- imports --------------------------------------------------------------------------------

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if _catches_import_error(node):
            self._fallback += 1

    def leave_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if _catches_import_error(node):
            self._fallback -= 1

    def visit_Import(self, node: cst.Import) -> None:
        if self._off or self.ctx.scopes or self._fallback:
            return
        for alias in node.names:
            if _is_v1_module(_module_name(alias.name)):
                self.report(node, _V1_MESSAGE)
                return

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if self._off or node.relative or self._fallback:
            return
        module = _module_name(node.module)
        if _is_v1_module(module):
            self.report(node, _V1_MESSAGE)
            return
        if module not in ("pydantic", "pydantic.env_settings") or isinstance(
            node.names, cst.ImportStar
        ):
            return
        names = [_module_name(alias.name) for alias in node.names]
        if "v1" in names and module == "pydantic":
            self.report(node, _V1_MESSAGE)
        elif "BaseSettings" in names:
            self.report(
                node,
                "`BaseSettings` moved to the `pydantic-settings` package in Pydantic v2: "
                "import it from `pydantic_settings`",
                fix=_settings_import_fix(node),
            )

    # -- v1 methods -----------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        if self._off or not isinstance(node.func, cst.Attribute):
            return
        method = node.func.attr.value
        receiver = node.func.value
        if method in V1_CLASS_METHODS:
            model = self.ctx.models.model_of(receiver, self.ctx.scopes)
        elif method in V1_INSTANCE_METHODS:
            model = self._instance_of(receiver)
        else:
            return
        if model is None or method in model.methods:
            return  # not a model, or the model's own method of that name
        new = V1_METHODS[method]
        self.report(
            node,
            f"`.{method}()` is Pydantic v1 API: use `.{new}()`",
            fix=_method_fix(node, method, new),
        )

    def _instance_of(self, receiver: cst.BaseExpression) -> ModelClass | None:
        """Whether ``receiver`` holds an instance of a Pydantic model: ``Model(...)``,
        ``Model.model_validate(...)``, ``self`` in a model's method, a parameter annotated with
        a model, or a local name only ever assigned one of those."""
        if isinstance(receiver, cst.Call):
            return self._made_by(receiver)
        if not isinstance(receiver, cst.Name):
            return None
        name = receiver.value
        ctx = self.ctx
        function = ctx.function
        if not isinstance(function, cst.FunctionDef):
            return None
        if name == "self":
            scopes = ctx.scopes
            owner = scopes[-2] if len(scopes) >= 2 else None
            if scopes[-1] is not function or not isinstance(owner, cst.ClassDef):
                return None
            return ctx.models.model_for(owner)
        for param in (*function.params.params, *function.params.kwonly_params):
            if param.name.value == name:
                annotation = param.annotation.annotation if param.annotation else None
                if annotation is None:
                    return None
                return self._annotated_model(annotation, _outer_scopes(ctx.scopes, function))
        made = [
            self._made_by(value) if isinstance(value, cst.Call) else None
            for value in ctx.assigned(name)
        ]
        return made[0] if made and all(model is not None for model in made) else None

    def _made_by(self, call: cst.Call) -> ModelClass | None:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in _CONSTRUCTORS:
            func = func.value
        return self.ctx.models.model_of(func, self.ctx.scopes)

    def _annotated_model(
        self, annotation: cst.BaseExpression, scopes: Sequence[cst.CSTNode]
    ) -> ModelClass | None:
        """``M``, ``Annotated[M, ...]``, ``M | None``, ``Optional[M]`` (not ``list[M]``)."""
        inner = _unwrap(annotation, self.ctx.resolve)
        return self.ctx.models.model_of(inner, scopes) if inner is not None else None


_V1_MESSAGE = (
    "`pydantic.v1` is the Pydantic v1 compatibility layer: migrate the code to the v2 API "
    "(or suppress this where the v1 layer is deliberate)"
)
_CONSTRUCTORS = frozenset({"model_validate", "model_validate_json", "model_construct"})
_CONSTRUCTORS = _CONSTRUCTORS | {"parse_obj", "parse_raw", "from_orm", "construct"}


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def _catches_import_error(node: cst.ExceptHandler) -> bool:
    """``except ImportError:`` (or a tuple with it): a fallback for another Pydantic version."""
    caught = node.type
    names = (
        [element.value for element in caught.elements]
        if isinstance(caught, cst.Tuple)
        else [caught]
    )
    return any(dotted_name(name) in _IMPORT_ERRORS for name in names if name is not None)


def _outer_scopes(scopes: Sequence[cst.CSTNode], function: cst.CSTNode) -> list[cst.CSTNode]:
    found = list(scopes)
    while found and found[-1] is not function:
        found.pop()
    return found[:-1]


def _unwrap(annotation: cst.BaseExpression, resolve: object) -> cst.BaseExpression | None:
    while True:
        if isinstance(annotation, cst.BinaryOperation) and isinstance(
            annotation.operator, cst.BitOr
        ):
            sides = [annotation.left, annotation.right]
            others = [side for side in sides if dotted_name(side) != "None"]
            if len(others) != 1:
                return None
            annotation = others[0]
            continue
        if not isinstance(annotation, cst.Subscript):
            return annotation
        qualified = resolve(annotation.value)  # type: ignore[operator]
        elements = [e.slice.value for e in annotation.slice if isinstance(e.slice, cst.Index)]
        if not elements:
            return None
        if qualified in ANNOTATED:
            annotation = elements[0]
        elif qualified in ("typing.Optional", "typing.Union"):
            others = [e for e in elements if dotted_name(e) != "None"]
            if len(others) != 1:
                return None
            annotation = others[0]
        else:
            return None


def _base_of(owner: cst.ClassDef, resolve: object) -> str | None:
    for arg in owner.bases:
        found = resolve(arg.value)  # type: ignore[operator]
        if found in V1_SETTINGS:
            return found
    return None


def _config_keys(node: cst.ClassDef) -> list[str]:
    keys = []
    body = node.body
    if isinstance(body, cst.SimpleStatementSuite):
        smalls: list[cst.BaseSmallStatement] = list(body.body)
    else:
        smalls = [
            small
            for statement in body.body
            if isinstance(statement, cst.SimpleStatementLine)
            for small in statement.body
        ]
    for small in smalls:
        if isinstance(small, (cst.Assign, cst.AnnAssign)):
            targets = (
                [target.target for target in small.targets]
                if isinstance(small, cst.Assign)
                else [small.target]
            )
            keys.extend(target.value for target in targets if isinstance(target, cst.Name))
    return keys


def _plain_entries(node: cst.ClassDef) -> list[tuple[str, cst.BaseExpression]] | None:
    """``[(key, value)]`` when the body is only ``key = value`` lines, else None."""
    body = node.body
    if not isinstance(body, cst.IndentedBlock):
        return None
    entries = []
    for statement in body.body:
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        small = statement.body[0]
        if not isinstance(small, cst.Assign) or len(small.targets) != 1:
            return None
        target = small.targets[0].target
        if not isinstance(target, cst.Name):
            return None
        entries.append((target.value, small.value))
    return entries or None


def _has_model_config(owner: cst.ClassDef) -> bool:
    body = owner.body
    if not isinstance(body, cst.IndentedBlock):
        return False
    for statement in body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                targets = (
                    [target.target for target in small.targets]
                    if isinstance(small, cst.Assign)
                    else [small.target]
                    if isinstance(small, cst.AnnAssign)
                    else []
                )
                if any(dotted_name(target) == "model_config" for target in targets):
                    return True
    return False


def _settings_import_fix(node: cst.ImportFrom) -> Fix | None:
    """``from pydantic import BaseSettings`` -> ``from pydantic_settings import BaseSettings``,
    when it is the only name imported (else the line would have to be split)."""
    names = node.names
    if isinstance(names, cst.ImportStar) or len(names) != 1:
        return None
    return Fix.replace(
        node,
        node.with_changes(module=cst.Name("pydantic_settings")),
        "Import `BaseSettings` from `pydantic_settings`",
        UNSAFE,
    )


def _method_fix(node: cst.Call, method: str, new: str) -> Fix | None:
    """Rename the call when its arguments mean the same under the v2 name (the v2 method the
    deprecated one forwards to)."""
    if method not in _SAME_ARGUMENTS:
        return None
    allowed = _SAME_ARGUMENTS[method]
    positional = 0
    for arg in node.args:
        if arg.star:
            if not (arg.star == "**" and allowed is None):
                return None
        elif arg.keyword is None:
            positional += 1
        elif allowed is not None and arg.keyword.value not in allowed:
            return None
    if positional > _POSITIONAL.get(method, 0):
        return None
    func = node.func
    assert isinstance(func, cst.Attribute)
    return Fix.replace(func.attr, cst.Name(new), f"Replace `.{method}()` with `.{new}()`", UNSAFE)


PydanticV1Api.valid = (
    Valid(
        _P
        + "from pydantic import ConfigDict\nclass M(BaseModel):\n    model_config = ConfigDict(from_attributes=True)\n"
    ),
    Valid("class Meta:\n    class Config:\n        orm_mode = True\n"),
    Valid(
        _P + "class M(BaseModel):\n    class Config:\n        orm_mode = True\n",
        options={"pydantic-version": 1},
    ),
    Valid("def f(data: dict):\n    return data.copy()\n"),
    Valid("import requests\ndef f():\n    return requests.get('u').json()\n"),
    Valid(
        _P + "class M(BaseModel):\n    a: int\ndef f(items: list[M]):\n    return items.copy()\n"
    ),
    Valid(
        "from pydantic import field_validator, BaseModel\nclass M(BaseModel):\n    a: int\n    @field_validator('a')\n    @classmethod\n    def check(cls, v):\n        return v\n"
    ),
    Valid("from pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    a: int = 1\n"),
    Valid(
        "try:\n    from pydantic_settings import BaseSettings\n"
        "except ImportError:\n    from pydantic import BaseSettings\n"
    ),
    Valid(_P + "class M(BaseModel):\n    a: int\ndef f(m: M):\n    return m.model_dump()\n"),
    Valid("from app.models import Row\ndef f(row: Row):\n    return row.dict()\n"),
    Valid(
        _P + "class M(BaseModel):\n    a: int\n    def validate(self):\n        return self.a\n"
        "def f(m: M):\n    return m.validate(), M.validate(m)\n"
    ),
)
PydanticV1Api.invalid = (
    Invalid(
        _P + "class M(BaseModel):\n    a: int\n\n    class Config:\n        orm_mode = True\n",
        5,
        5,
        message_contains="`orm_mode` → `from_attributes`",
        fixed="from pydantic import BaseModel, ConfigDict\nclass M(BaseModel):\n    a: int\n\n    model_config = ConfigDict(from_attributes=True)\n",
    ),
    Invalid(
        _P + "class M(BaseModel):\n    class Config:\n        allow_mutation = False\n",
        3,
        5,
        message_contains="`allow_mutation`",
    ),
    Invalid(
        "from pydantic import BaseModel, validator\nclass M(BaseModel):\n    a: int\n    @validator('a')\n    def check(cls, v):\n        return v\n",
        4,
        5,
        message_contains="`@field_validator`",
    ),
    Invalid(
        "import pydantic\nclass M(pydantic.BaseModel):\n    @pydantic.root_validator(pre=True)\n    def check(cls, values):\n        return values\n",
        3,
        5,
        message_contains="`@model_validator`",
    ),
    Invalid("from pydantic.v1 import BaseModel\n", 1, 1, message_contains="compatibility layer"),
    Invalid("import pydantic.v1 as pv1\n", 1, 1, message_contains="compatibility layer"),
    Invalid(
        "from pydantic import BaseSettings\n",
        1,
        1,
        message_contains="pydantic-settings",
        fixed="from pydantic_settings import BaseSettings\n",
    ),
    Invalid(
        "from pydantic import BaseSettings, Field\n", 1, 1, message_contains="pydantic_settings"
    ),
    Invalid(
        _P
        + "class M(BaseModel):\n    a: int\ndef f(m: M):\n    return m.dict(exclude_unset=True)\n",
        5,
        12,
        message_contains="`.model_dump()`",
        fixed=_P
        + "class M(BaseModel):\n    a: int\ndef f(m: M):\n    return m.model_dump(exclude_unset=True)\n",
    ),
    Invalid(
        _P + "class M(BaseModel):\n    a: int\ndef f(data):\n    return M.parse_obj(data)\n",
        5,
        12,
        message_contains="`.model_validate()`",
        fixed=_P
        + "class M(BaseModel):\n    a: int\ndef f(data):\n    return M.model_validate(data)\n",
    ),
    Invalid(
        _P
        + "class M(BaseModel):\n    a: int\ndef f():\n    m = M(a=1)\n    return m.json(encoder=str)\n",
        6,
        12,
        message_contains="`.model_dump_json()`",
    ),
    Invalid(
        _P + "class M(BaseModel):\n    a: int\n    def out(self):\n        return self.dict()\n",
        5,
        16,
        message_contains="`.model_dump()`",
        fixed=_P
        + "class M(BaseModel):\n    a: int\n    def out(self):\n        return self.model_dump()\n",
    ),
)
