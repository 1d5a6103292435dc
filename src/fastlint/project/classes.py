"""What the project index keeps of a module's classes, for the model registry
(``semantic/models.py``): each module-level class with bases, its bases (qualified), its class
keywords, its configuration entries and its annotated fields.

Read from the module's ``ast`` tree without walking it: only the module's top-level statements
and the bodies of its classes are looked at, and source text is sliced from the module's lines
(no ``ast.unparse``), so a module without classes costs nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from fastlint.semantic.ast_tree import ModuleImports, dotted_name
from fastlint.semantic.class_facts import ClassFacts, FieldFacts
from fastlint.semantic.resolver import absolute

_TRY_STAR: type = getattr(ast, "TryStar", ast.Try)
_CLASS_VARS = frozenset({"ClassVar", "typing.ClassVar", "typing_extensions.ClassVar"})
_CONFIG_NAMES = frozenset({"model_config"})


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements of a body, also inside ``if``/``try`` blocks (``if TYPE_CHECKING:``)."""
    for statement in body:
        if isinstance(statement, ast.If):
            yield from _statements(statement.body)
            yield from _statements(statement.orelse)
        elif isinstance(statement, (ast.Try, _TRY_STAR)):
            yield from _statements(statement.body)
            for handler in statement.handlers:
                yield from _statements(handler.body)
            yield from _statements(statement.orelse)
        else:
            yield statement


class _Source:
    """Source text of nodes, sliced from the module's lines (offsets are UTF-8 bytes)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: list[str] | None = None

    def of(self, node: ast.AST) -> str:
        if self._lines is None:
            self._lines = self._text.splitlines()
        lines = self._lines
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1  # type: ignore[attr-defined]
        if last >= len(lines):
            return ""
        start, end = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
        if first == last:
            return _cut(lines[first], start, end)
        middle = lines[first + 1 : last]
        return "\n".join([_cut(lines[first], start, None), *middle, _cut(lines[last], 0, end)])


def _cut(line: str, start: int, end: int | None) -> str:
    if line.isascii():
        return line[start:end]
    return line.encode("utf-8")[start:end].decode("utf-8", "replace")


def _base_name(node: ast.expr, imports: ModuleImports, module: str, package: bool) -> str | None:
    if isinstance(node, ast.Subscript):  # ``RootModel[list[int]]``, ``Generic[T]``
        node = node.value
    dotted = dotted_name(node)
    if dotted is None:
        return None
    qualified = imports.resolve(node)
    if qualified is not None:
        return absolute(qualified, module, package)
    head = dotted.partition(".")[0]
    if imports.is_module_definition(head):
        return f"{module}.{dotted}" if module else dotted
    return None


def _config_entries(value: ast.expr, source: _Source) -> Iterator[tuple[str, str]]:
    if isinstance(value, ast.Call):
        for keyword in value.keywords:
            if keyword.arg is not None:
                yield keyword.arg, source.of(keyword.value)
    elif isinstance(value, ast.Dict):
        for key, item in zip(value.keys, value.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                yield key.value, source.of(item)


def _is_class_var(annotation: ast.expr) -> bool:
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    return (dotted_name(annotation) or "") in _CLASS_VARS or (
        isinstance(annotation, ast.Constant) and str(annotation.value).startswith("ClassVar")
    )


def _read_class(
    node: ast.ClassDef, imports: ModuleImports, module: str, package: bool, source: _Source
) -> ClassFacts:
    bases = tuple(
        name
        for name in (_base_name(base, imports, module, package) for base in node.bases)
        if name is not None
    )
    keywords = tuple(
        (keyword.arg, source.of(keyword.value)) for keyword in node.keywords if keyword.arg
    )
    config: list[tuple[str, str]] = []
    fields: list[FieldFacts] = []
    methods: list[str] = []
    for statement in _statements(node.body):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            methods.append(statement.name)
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            _read_annotated(statement, source, config, fields)
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name) and target.id in _CONFIG_NAMES:
                config.extend(_config_entries(statement.value, source))
        elif isinstance(statement, ast.ClassDef) and statement.name == "Config":
            config.extend(_config_class(statement, source))
    return ClassFacts(
        node.name, node.lineno, bases, keywords, tuple(config), tuple(fields), tuple(methods)
    )


def _read_annotated(
    statement: ast.AnnAssign,
    source: _Source,
    config: list[tuple[str, str]],
    fields: list[FieldFacts],
) -> None:
    """``model_config: ConfigDict = ConfigDict(...)`` or a field."""
    name = statement.target.id  # type: ignore[union-attr]
    if name in _CONFIG_NAMES:
        if statement.value is not None:
            config.extend(_config_entries(statement.value, source))
    elif not name.startswith("_") and not _is_class_var(statement.annotation):
        default = source.of(statement.value) if statement.value is not None else None
        fields.append(FieldFacts(name, source.of(statement.annotation), default, statement.lineno))


def _config_class(node: ast.ClassDef, source: _Source) -> Iterator[tuple[str, str]]:
    """The ``key = value`` lines of a v1 ``class Config:``."""
    for inner in node.body:
        if isinstance(inner, ast.Assign) and len(inner.targets) == 1:
            target = inner.targets[0]
            if isinstance(target, ast.Name):
                yield target.id, source.of(inner.value)


def read_classes(
    tree: ast.Module, text: str, imports: ModuleImports, module: str, package: bool
) -> dict[str, ClassFacts]:
    """The module-level classes that have bases (a class without one is no model)."""
    found: dict[str, ClassFacts] = {}
    source = _Source(text)
    for statement in _statements(tree.body):
        if type(statement) is ast.ClassDef and statement.bases:
            found[statement.name] = _read_class(statement, imports, module, package, source)
    return found
