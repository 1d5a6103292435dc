"""The model registry: which classes are Pydantic models, SQLModel models or settings classes,
and their fields (inherited ones included), in the linted file and in the project's modules.

``ctx.models.model_of(expr, ctx.scopes)`` answers for a class reference (``UserOut``,
``schemas.UserOut``) with a ``ModelClass``, or None when it is not a model (or not known).
Classes of the linted file are read from its libcst tree the first time one is asked about (so a
reference above the class statement is answered too); classes of other first-party modules come
from the project index's facts (``project/classes.py``), each lookup recorded there for the
incremental cache. Without a project index only the file's own classes are known (and its
classes whose bases come from other modules are not recognised).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from fastlint.knowledge.fastapi import ANNOTATED
from fastlint.knowledge.pydantic import base_kind
from fastlint.semantic.class_facts import ClassFacts, FieldFacts
from fastlint.semantic.cst_tree import dotted_name
from fastlint.semantic.resolver import absolute

if TYPE_CHECKING:
    from fastlint.engine.context import Context

_MAX_DEPTH = 16  # base chains longer than this are not followed (and cycles end)
_CLASS_VARS = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
# Annotations that hold their model: ``Optional[M]``, ``list[M]``, ``Sequence[M]``...
_OPTIONAL = frozenset({"Optional", "Union"})
_CONTAINERS = frozenset(
    {"list", "List", "Sequence", "set", "Set", "frozenset", "FrozenSet", "tuple", "Tuple"}
    | {"Iterable", "Iterator", "AsyncIterator", "AsyncIterable", "Collection", "Page"}
)
_NOT_CONFIG = frozenset({"metaclass", "table"})


@dataclass(frozen=True)
class ModelField:
    """One field of a model class, where it is declared (an inherited one keeps its module)."""

    name: str
    annotation: str  # source text
    default: str | None  # source text; None without a default
    line: int  # 0 for fields of the linted file (use ``node``)
    module: str  # the module that declares it ("" for the linted file without an index)
    path: str
    node: cst.AnnAssign | None = field(default=None, compare=False)  # in the linted file


@dataclass(frozen=True)
class ModelClass:
    """A Pydantic / SQLModel / settings class with its bases resolved: every field it has
    (inherited ones included) and its merged config."""

    qualified: str
    name: str
    module: str
    path: str
    line: int  # 0 for a class of the linted file (use ``node``)
    bases: tuple[str, ...]  # qualified names of its direct bases
    kinds: frozenset[str]  # of "model", "sqlmodel", "settings" (from its library bases)
    is_table: bool  # SQLModel ``table=True``: an ORM table, not only a schema
    fields: tuple[ModelField, ...]  # inherited first, then its own (an override replaces)
    config: tuple[tuple[str, str], ...]  # merged along the bases: ``strict``, ``extra``...
    node: cst.ClassDef | None = field(default=None, compare=False)  # in the linted file
    methods: frozenset[str] = frozenset()  # defined by it or its first-party bases

    @property
    def is_settings(self) -> bool:
        return "settings" in self.kinds

    @property
    def is_sqlmodel(self) -> bool:
        return "sqlmodel" in self.kinds

    def config_value(self, key: str) -> str | None:
        """The source text of a configuration entry (class keyword, ``model_config`` or
        ``class Config``), inherited ones included."""
        found = None
        for name, value in self.config:
            if name == key:
                found = value
        return found

    def field(self, name: str) -> ModelField | None:
        for item in self.fields:
            if item.name == name:
                return item
        return None


class ModelRegistry:
    """The model classes one linted file can name (``ctx.models``)."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._local: dict[str, cst.ClassDef] | None = None
        self._built: dict[str, ModelClass | None] = {}
        self._building: set[str] = set()

    # -- asked by rules -----------------------------------------------------------------------

    def model_of(
        self, expr: cst.BaseExpression, scopes: Sequence[cst.CSTNode] = ()
    ) -> ModelClass | None:
        """The model a class reference names (``UserOut``, ``schemas.UserOut``, ``"UserOut"``);
        None for anything else. Wrappers (``list[UserOut]``) are the caller's to unwrap, or ask
        ``model_in_annotation``."""
        if isinstance(expr, cst.SimpleString):
            expr = self._parse_string(expr)  # type: ignore[assignment]
            if expr is None:
                return None
        dotted = dotted_name(expr)
        if dotted is None:
            return None
        ctx = self._ctx
        qualified = ctx.imports.resolve(expr, scopes)
        if qualified is None:
            head = dotted.partition(".")[0]
            if "." in dotted or head not in self._classes() or ctx.imports.is_local(head, scopes):
                return None
            return self._resolve(self._qualify(dotted), depth=0)
        found = self._resolve(absolute(qualified, self._module, self._package), depth=0)
        return found if isinstance(found, ModelClass) else None

    def model_in_annotation(
        self, annotation: cst.BaseExpression, scopes: Sequence[cst.CSTNode] = ()
    ) -> ModelClass | None:
        """The model an annotation holds: ``M``, ``Annotated[M, ...]``, ``M | None``,
        ``Optional[M]``, ``list[M]``, ``Sequence[M]``, ``dict[str, M]``... (the first model)."""
        for inner in _candidates(annotation):
            found = self.model_of(inner, scopes)
            if found is not None:
                return found
        return None

    def classes(self) -> list[cst.ClassDef]:
        """The module-level classes (with bases) of the linted file."""
        return list(self._classes().values())

    def defined(self) -> list[ModelClass]:
        """The models the linted file defines at module level, in source order."""
        found = []
        for name in self._classes():
            model = self._resolve(self._qualify(name), depth=0)
            if isinstance(model, ModelClass):
                found.append(model)
        return found

    def model_for(self, node: cst.ClassDef) -> ModelClass | None:
        """The model a class statement of the linted file defines, or None."""
        name = node.name.value
        if self._classes().get(name) is node:
            found = self._resolve(self._qualify(name), depth=0)
            return found if isinstance(found, ModelClass) else None
        key = f"<nested {id(node)}>"
        if key not in self._built:
            facts = _cst_facts(node, self)
            self._built[key] = self._build(key, facts, self._module, self._path, node, 0)
        return self._built[key]

    # -- internals ----------------------------------------------------------------------------

    @property
    def _module(self) -> str:
        return self._ctx.values.module

    @property
    def _package(self) -> bool:
        return self._ctx.values.package

    @property
    def _path(self) -> str:
        return self._ctx.path

    def _qualify(self, local: str) -> str:
        return f"{self._module}.{local}" if self._module else local

    def _classes(self) -> dict[str, cst.ClassDef]:
        """The module-level classes of the linted file that have bases."""
        if self._local is None:
            self._local = {}
            for statement in _module_statements(self._ctx.module.body):
                if type(statement) is cst.ClassDef and statement.bases:
                    self._local[statement.name.value] = statement
        return self._local

    def _local_name(self, qualified: str) -> str | None:
        module = self._module
        if module:
            if not qualified.startswith(f"{module}."):
                return None
            qualified = qualified[len(module) + 1 :]
        return qualified if qualified in self._classes() else None

    def _resolve(self, qualified: str, depth: int) -> ModelClass | str | None:
        """A base or a class: a library kind ("model"...), a first-party model, or None."""
        kind = base_kind(qualified)
        if kind is not None:
            return kind
        if qualified in self._built:
            return self._built[qualified]
        if qualified in self._building or depth > _MAX_DEPTH:
            return None
        local = self._local_name(qualified)
        if local is not None:
            node = self._classes()[local]
            facts = _cst_facts(node, self)
            module, path = self._module, self._path
        else:
            project = self._ctx.project
            if project is None:
                return None
            found = project.model_class(qualified)
            if found is None or isinstance(found, str):
                return base_kind(found)
            module_facts, facts = found
            module, path, node = module_facts.name, module_facts.path, None
            qualified = f"{module}.{facts.name}"
        self._building.add(qualified)
        try:
            built = self._build(qualified, facts, module, path, node, depth)
        finally:
            self._building.discard(qualified)
        self._built[qualified] = built
        return built

    def _build(
        self,
        qualified: str,
        facts: ClassFacts,
        module: str,
        path: str,
        node: cst.ClassDef | None,
        depth: int,
    ) -> ModelClass | None:
        kinds: set[str] = set()
        fields: dict[str, ModelField] = {}
        config: list[tuple[str, str]] = []
        methods = set(facts.methods)
        for base in reversed(facts.bases):  # the first base wins, as in the MRO
            found = self._resolve(base, depth + 1)
            if isinstance(found, str):
                kinds.add(found)
            elif found is not None:
                kinds |= found.kinds
                fields.update((item.name, item) for item in found.fields)
                config.extend(found.config)
                methods |= found.methods
        if not kinds:
            return None
        fields.update((item.name, item) for item in _own_fields(facts, module, path, node))
        config.extend((key, value) for key, value in facts.keywords if key not in _NOT_CONFIG)
        config.extend(facts.config)
        table = ("table", "True") in facts.keywords
        return ModelClass(
            *(qualified, facts.name, module, path, facts.line, facts.bases, frozenset(kinds)),
            *(table, tuple(fields.values()), tuple(config), node, frozenset(methods)),
        )

    def _parse_string(self, node: cst.SimpleString) -> cst.BaseExpression | None:
        value = node.evaluated_value
        if not isinstance(value, str) or not value.replace(".", "").isidentifier():
            return None
        try:
            return cst.parse_expression(value)
        except cst.ParserSyntaxError:
            return None

    def base_name(self, node: cst.BaseExpression) -> str | None:
        """The qualified name of a base expression of a module-level class."""
        if isinstance(node, cst.Subscript):
            node = node.value
        dotted = dotted_name(node)
        if dotted is None:
            return None
        qualified = self._ctx.imports.resolve(node, ())
        if qualified is not None:
            return absolute(qualified, self._module, self._package)
        if self._ctx.imports.is_module_definition(dotted.partition(".")[0]):
            return self._qualify(dotted)
        return None


def _own_fields(
    facts: ClassFacts, module: str, path: str, node: cst.ClassDef | None
) -> list[ModelField]:
    nodes: dict[str, cst.AnnAssign] = {}
    if node is not None:
        nodes = {
            small.target.value: small
            for small in _class_smalls(node)
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name)
        }
    return [
        ModelField(
            item.name, item.annotation, item.default, item.line, module, path, nodes.get(item.name)
        )
        for item in facts.fields
    ]


def _module_statements(body: Sequence[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    for statement in body:
        if isinstance(statement, cst.If):
            yield from _module_statements(statement.body.body)
            if statement.orelse is not None:
                yield from _module_statements([statement.orelse])
        elif isinstance(statement, cst.Else):
            yield from _module_statements(statement.body.body)
        elif isinstance(statement, cst.Try):
            yield from _module_statements(statement.body.body)
            for handler in statement.handlers:
                yield from _module_statements(handler.body.body)
        else:
            yield statement


def _class_smalls(node: cst.ClassDef) -> Iterator[cst.BaseSmallStatement | cst.ClassDef]:
    """The simple statements of a class body, and its nested classes."""
    body = node.body
    if isinstance(body, cst.SimpleStatementSuite):
        yield from body.body
        return
    for statement in _module_statements(body.body):
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        elif isinstance(statement, cst.ClassDef):
            yield statement


def _code(node: cst.CSTNode, module: cst.Module) -> str:
    return module.code_for_node(node).strip()


def _config_entries(value: cst.BaseExpression, module: cst.Module) -> Iterator[tuple[str, str]]:
    if isinstance(value, cst.Call):
        for arg in value.args:
            if arg.keyword is not None:
                yield arg.keyword.value, _code(arg.value, module)
    elif isinstance(value, cst.Dict):
        for element in value.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                key = element.key.evaluated_value
                if isinstance(key, str):
                    yield key, _code(element.value, module)


def _is_class_var(annotation: cst.BaseExpression, registry: ModelRegistry) -> bool:
    if isinstance(annotation, cst.Subscript):
        annotation = annotation.value
    if isinstance(annotation, cst.SimpleString):
        return "ClassVar" in annotation.value
    return registry._ctx.imports.resolve(annotation, ()) in _CLASS_VARS


def _cst_facts(node: cst.ClassDef, registry: ModelRegistry) -> ClassFacts:
    """The same facts as ``project/classes.py`` reads with ``ast``, from the libcst tree."""
    module = registry._ctx.module
    bases = tuple(
        name
        for name in (registry.base_name(arg.value) for arg in node.bases if arg.keyword is None)
        if name is not None
    )
    keywords = tuple(
        (arg.keyword.value, _code(arg.value, module))
        for arg in node.keywords
        if arg.keyword is not None
    )
    config: list[tuple[str, str]] = []
    fields: list[FieldFacts] = []
    methods = tuple(name for name in _method_names(node))
    for small in _class_smalls(node):
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            _read_annotated(small, registry, config, fields)
        elif isinstance(small, cst.Assign) and len(small.targets) == 1:
            target = small.targets[0].target
            if isinstance(target, cst.Name) and target.value == "model_config":
                config.extend(_config_entries(small.value, module))
        elif isinstance(small, cst.ClassDef) and small.name.value == "Config":
            config.extend(_config_class(small, module))
    return ClassFacts(node.name.value, 0, bases, keywords, tuple(config), tuple(fields), methods)


def _method_names(node: cst.ClassDef) -> Iterator[str]:
    body = node.body
    if isinstance(body, cst.IndentedBlock):
        for statement in _module_statements(body.body):
            if isinstance(statement, cst.FunctionDef):
                yield statement.name.value


def _read_annotated(
    small: cst.AnnAssign,
    registry: ModelRegistry,
    config: list[tuple[str, str]],
    fields: list[FieldFacts],
) -> None:
    module = registry._ctx.module
    name = small.target.value  # type: ignore[union-attr]
    annotation = small.annotation.annotation
    if name == "model_config":
        if small.value is not None:
            config.extend(_config_entries(small.value, module))
    elif not name.startswith("_") and not _is_class_var(annotation, registry):
        default = _code(small.value, module) if small.value is not None else None
        fields.append(FieldFacts(name, _code(annotation, module), default, 0))


def _config_class(node: cst.ClassDef, module: cst.Module) -> Iterator[tuple[str, str]]:
    for inner in _class_smalls(node):
        if isinstance(inner, cst.Assign) and len(inner.targets) == 1:
            target = inner.targets[0].target
            if isinstance(target, cst.Name):
                yield target.value, _code(inner.value, module)


def _candidates(annotation: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """The class references an annotation holds a value of, outermost first."""
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        yield from _candidates(annotation.left)
        yield from _candidates(annotation.right)
        return
    if not isinstance(annotation, cst.Subscript):
        yield annotation
        return
    last = (dotted_name(annotation.value) or "").rpartition(".")[2]
    elements = [
        element.slice.value for element in annotation.slice if isinstance(element.slice, cst.Index)
    ]
    if not elements:
        return
    if last == "Annotated" or f"typing.{last}" in ANNOTATED:
        yield from _candidates(elements[0])
    elif last in _OPTIONAL or last in _CONTAINERS:
        for element in elements:
            yield from _candidates(element)
    elif last in ("dict", "Dict", "Mapping") and len(elements) == 2:
        yield from _candidates(elements[1])
    else:
        yield annotation.value  # ``RootModel`` subclasses and generic models: ``Page[M]``
