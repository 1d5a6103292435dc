"""What the route rules need of another module: the parameters its dependencies take.

A route whose path has ``{item_id}`` may take it through a dependency defined elsewhere
(``item: ItemDep`` with ``ItemDep = Annotated[Item, Depends(get_item)]`` in ``app/deps.py``,
``get_item(item_id: int, ...)``). The index records, per module-level function, its parameter
names and the dependencies it declares itself, and per ``Annotated`` alias the dependency it
names, so FST204 can follow them across modules.
"""

from __future__ import annotations

import ast

from fastlint.knowledge.fastapi import ANNOTATED, declaration_name
from fastlint.semantic.ast_tree import ModuleImports, dotted_name
from fastlint.semantic.resolver import absolute

# In a signature: ``**`` (takes any name), ``>name`` (a dependency, to follow), ``?`` (one that
# cannot be followed).
KWARGS = "**"
FOLLOW = ">"
UNKNOWN = "?"


_LIBRARIES = ("typing", "builtins", "fastapi", "pydantic", "sqlalchemy", "starlette")


def _aliases(node: ast.expr | None) -> list[str]:
    """``Path(alias="id")`` (as a default, or in ``Annotated[T, Path(alias="id")]``): the
    names FastAPI reads a parameter by. Only those two places are looked at (cheap)."""
    if type(node) is ast.Subscript:
        inner = node.slice
        calls = inner.elts if type(inner) is ast.Tuple else []
    else:
        calls = [node]
    found = []
    for call in calls:
        if type(call) is ast.Call:
            for keyword in call.keywords:
                value = keyword.value
                if keyword.arg == "alias" and type(value) is ast.Constant:
                    if isinstance(value.value, str):
                        found.append(value.value)
    return found


def security_scheme(qualified: str | None) -> bool:
    """A class of ``fastapi.security`` (its instances are dependencies that read headers)."""
    return bool(qualified) and qualified.startswith("fastapi.security.")  # type: ignore[union-attr]


class _Reader:
    def __init__(self, tree: ast.Module, imports: ModuleImports, module: str, package: bool):
        self.imports = imports
        self.module = module
        self.package = package
        self.assignments = {
            target.id: statement.value
            for statement in tree.body
            if isinstance(statement, ast.Assign)
            for target in statement.targets
            if isinstance(target, ast.Name)
        }
        self.defined = {
            statement.name
            for statement in tree.body
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        }

    def qualified(self, node: ast.expr) -> str | None:
        """The absolute name of a dependency expression (a name of this module or imported)."""
        dotted = dotted_name(node)
        if dotted is None:
            return None
        found = self.imports.resolve(node)
        if found is not None:
            return absolute(found, self.module, self.package)
        head = dotted.partition(".")[0]
        return f"{self.module}.{dotted}" if head in self.defined and "." not in dotted else None

    def declared(self, node: ast.expr | None) -> tuple[str, ast.expr | None] | None:
        """``("Depends", get_db)`` for a ``Depends(get_db)`` call."""
        if not isinstance(node, ast.Call):
            return None
        found = declaration_name(self.imports.resolve(node.func))
        if found is None:
            return None
        target = node.args[0] if node.args else None
        for keyword in node.keywords:
            if keyword.arg == "dependency":
                target = keyword.value
        return found, target

    def annotated(self, node: ast.expr | None) -> tuple[str, ast.expr | None, ast.expr] | None:
        """``("Depends", get_db, T)`` for ``Annotated[T, Depends(get_db)]``."""
        if not isinstance(node, ast.Subscript) or self.imports.resolve(node.value) not in ANNOTATED:
            return None
        elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        for element in elements[1:]:
            found = self.declared(element)
            if found is not None:
                return found[0], found[1], elements[0]
        return None

    def dependency(self, target: ast.expr | None, declared_type: ast.expr | None) -> str:
        """The signature entry of one sub-dependency."""
        found = self.qualified(target if target is not None else declared_type)  # type: ignore[arg-type]
        return FOLLOW + found if found else UNKNOWN

    def parameter(self, arg: ast.arg, default: ast.expr | None) -> list[str]:
        entries = [arg.arg]
        if default is not None or type(arg.annotation) is ast.Subscript:
            entries.extend(_aliases(default) + _aliases(arg.annotation))
        declared = self.declared(default)
        if declared is not None:
            if declared[0] in ("Depends", "Security"):
                entries.append(self.dependency(declared[1], arg.annotation))
            return entries
        annotation = arg.annotation
        if isinstance(annotation, ast.Name) and annotation.id in self.assignments:
            annotation = self.assignments[annotation.id]  # a local alias
        parts = self.annotated(annotation)
        if parts is not None:
            if parts[0] in ("Depends", "Security"):
                entries.append(self.dependency(parts[1], parts[2]))
        elif isinstance(annotation, (ast.Name, ast.Attribute)):
            entries.extend(self._imported_type(annotation))
        return entries

    def _imported_type(self, annotation: ast.expr) -> list[str]:
        """A parameter typed with a first-party name (perhaps an alias of a dependency)."""
        head = annotation.id if type(annotation) is ast.Name else None
        if head is not None and head not in self.imports.module_imports:
            return []  # a builtin or a name of this module: nothing to follow
        qualified = self.imports.resolve(annotation) or ""
        if not qualified or qualified.startswith(_LIBRARIES):
            return []
        return [FOLLOW + absolute(qualified, self.module, self.package)]

    def signature(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        defaults.extend(args.defaults)
        entries: list[str] = []
        for arg, default in zip(positional, defaults, strict=True):
            entries.extend(self.parameter(arg, default))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            entries.extend(self.parameter(arg, default))
        if args.kwarg is not None:
            entries.append(KWARGS)
        return tuple(entry for entry in entries if entry not in ("self", "cls"))


def read_route_facts(
    tree: ast.Module, imports: ModuleImports, module: str, package: bool
) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """``(signatures, alias dependencies)`` of a module: module-level functions' (and classes'
    ``__init__``) parameter names with their own dependencies; ``Annotated[T, Depends(f)]``
    aliases -> ``f`` (absolute; ``?`` when it cannot be named)."""
    reader = _Reader(tree, imports, module, package)
    signatures: dict[str, tuple[str, ...]] = {}
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            signatures[statement.name] = reader.signature(statement)
        elif isinstance(statement, ast.ClassDef):
            for inner in statement.body:
                if isinstance(inner, ast.FunctionDef) and inner.name == "__init__":
                    signatures[statement.name] = reader.signature(inner)
    dependencies: dict[str, str] = {}
    for name, value in reader.assignments.items():
        if isinstance(value, ast.Call) and security_scheme(imports.resolve(value.func)):
            signatures[name] = ()  # ``oauth2_scheme = OAuth2PasswordBearer(...)``: reads headers
        parts = reader.annotated(value)
        if parts is not None and parts[0] in ("Depends", "Security"):
            dependencies[name] = reader.dependency(parts[1], parts[2])
    return signatures, dependencies
