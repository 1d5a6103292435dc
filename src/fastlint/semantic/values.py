"""What names and expressions hold, and what a call reaches: the semantic model of one module.

Written once for both trees the project reads (libcst for the files being linted, ``ast`` for the
other modules of the project index); a subclass per tree only says how to take a node apart
(``semantic/cst_tree.py``, ``semantic/ast_tree.py``). A walk of the module feeds it assignments,
``with`` items and scopes in source order, and asks it questions at any point:

- ``kind_of(expr)``: the kind of object an expression evaluates to (``requests.Session()``,
  ``sqlite3.connect().cursor()``, ``asyncio.get_running_loop()``, a name bound to one of those,
  a parameter annotated ``AsyncSession`` or ``Annotated[Session, Depends(get_db)]``...);
- ``callee(call)``: the qualified name of what a call calls, the kind of the receiver of a
  method call, and its target in the project (for following calls across modules).

Bindings are flow-sensitive within a scope (the walk's order), a name bound anywhere in a function
shadows outer bindings of it there, ``self.x`` lives in its class. What another first-party module
defines is asked of ``external`` (the project index), when there is one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from fastlint.knowledge.fastapi import declaration_name
from fastlint.semantic import kinds
from fastlint.semantic.resolver import NameResolver, qualify_call

_MODULE = 0
_SELF = ("self", "cls")
_PROPERTIES = frozenset({"property", "cached_property"})


def _function_kind(returned: str | None, decorators: list[str]) -> str | None:
    if returned is None:
        return None
    if any(name in _PROPERTIES for name in decorators):
        return returned
    return kinds.function_returning(returned)


class External(Protocol):
    """What the project knows of other modules' module-level names (their kinds)."""

    def value_kind(self, qualified: str) -> str | None: ...  # ``db.engine`` -> Engine

    def alias_kind(self, qualified: str) -> str | None: ...  # ``db.SessionDep`` -> AsyncSession

    def provided_kind(self, qualified: str) -> str | None: ...  # ``db.get_db`` -> Session


@dataclass(frozen=True, slots=True)
class Callee:
    """What one call reaches, independent of the tree it was read from."""

    shown: str | None  # the callee as written (``r.get``, ``self.load``), when a dotted name
    qualified: str | None  # through imports: ``requests.get``, ``builtins.open``
    target: str | None  # in the project: ``app.services.load``, ``app.repo.Repo.save``
    receiver: str | None  # the kind of the object a method is called on
    method: str | None  # the method's name, for a call of ``<expr>.<name>(...)``


Node = Any
Scopes = Sequence[Any]


class ValueModel:
    """The kinds of one module's names, kept up to date by a walk in source order."""

    def __init__(
        self,
        resolver: NameResolver,
        module: str = "",
        package: bool = False,
        external: External | None = None,
    ) -> None:
        self.resolver = resolver
        self.module = module
        self.package = package
        self.external = external
        # scope id (0: the module) -> dotted name -> kind (None: bound to something unknown)
        self._store: dict[int, dict[str, str | None]] = {_MODULE: {}}
        self._aliases: dict[str, str] | None = None
        self._provides: dict[str, str] | None = None
        self._returns: dict[int, set[str | None]] = {}  # function -> kinds its returns give
        self._asked: dict[tuple[str, str], str | None] = {}  # what ``external`` answered
        self._local_only = False  # while set, other modules are not asked
        self._call_kinds: dict[int, str | None] = {}  # id of a call node -> its kind
        self._partial: set[int] = set()  # functions whose parameters were read local-only

    # -- the tree-specific part -------------------------------------------------------------

    def dotted(self, node: Node) -> str | None:
        raise NotImplementedError

    def call_func(self, node: Node) -> Node | None:
        """The function expression of a call; None when ``node`` is not a call."""
        raise NotImplementedError

    def call_argument(self, node: Node, keyword: str) -> Node | None:
        """A call's keyword argument ``keyword`` (``""``: the first positional argument)."""
        raise NotImplementedError

    def attribute(self, node: Node) -> tuple[Node, str] | None:
        """``(value, name)`` of ``value.name``."""
        raise NotImplementedError

    def subscript(self, node: Node) -> tuple[Node, list[Node]] | None:
        """``(value, elements)`` of ``value[a, b]`` (no slices)."""
        raise NotImplementedError

    def binary(self, node: Node, operator: str) -> tuple[Node, Node] | None:
        """``(left, right)`` of ``left | right`` (``operator`` "|") or ``left / right`` ("/")."""
        raise NotImplementedError

    def string(self, node: Node) -> str | None:
        raise NotImplementedError

    def parse_expression(self, text: str) -> Node | None:
        raise NotImplementedError

    def parameters(self, function: Node) -> Iterable[tuple[str, Node | None, Node | None]]:
        """``(name, annotation, default)`` of each named parameter of a function."""
        raise NotImplementedError

    def module_assignments(self) -> Iterable[tuple[str, Node]]:
        """``(name, value)`` of the module's top-level ``name = value`` statements."""
        raise NotImplementedError

    def module_functions(self) -> Iterable[tuple[str, Node | None]]:
        """``(name, return annotation)`` of the module's top-level functions."""
        raise NotImplementedError

    def scope_name(self, scope: Node) -> str:
        raise NotImplementedError

    def class_parts(self, node: Node) -> tuple[str, list[Node]]:
        """``(name, bases)`` of a class statement."""
        raise NotImplementedError

    def function_parts(self, node: Node) -> tuple[str, Node | None, bool, list[str]]:
        """``(name, return annotation, is async, last names of the decorators)`` of a ``def``."""
        raise NotImplementedError

    # -- fed by the walk --------------------------------------------------------------------

    def on_assign(self, targets: Iterable[Node], value: Node, scopes: Scopes) -> None:
        kind = self.kind_of(value, scopes)
        for target in targets:
            self.bind(target, kind, scopes)

    def on_ann_assign(
        self, target: Node, annotation: Node, value: Node | None, scopes: Scopes
    ) -> None:
        kind = self.kind_of(value, scopes) if value is not None else None
        kind = kind or self.annotation_kind(annotation, scopes)
        self.bind(target, kind, scopes)

    def on_with_item(self, item: Node, target: Node | None, scopes: Scopes) -> None:
        if target is not None:
            self.bind(target, self.kind_of(item, scopes), scopes)

    def on_class(self, node: Node, scopes: Scopes) -> None:
        """A class statement: calling the class makes what its first known base makes."""
        name, bases = self.class_parts(node)
        found = None
        for base in bases:
            found = kinds.type_kind(self.resolver.resolve(base, scopes))
            found = found or kinds.instance_kind(self.kind_of(base, scopes))
            if found is not None:
                break
        self.bind_name(name, kinds.class_of(found) if found else None, scopes)

    def on_function(self, node: Node, scopes: Scopes) -> None:
        """A ``def`` statement: what calling the function returns, from its annotation (a
        property is read, not called: it holds what it returns)."""
        name, returns, is_async, decorators = self.function_parts(node)
        found = None
        if not is_async and returns is not None:
            found = self.annotation_kind(returns, scopes, external=False)
        self.bind_name(name, _function_kind(found, decorators), scopes)

    def on_return(self, value: Node | None, scopes: Scopes) -> None:
        if scopes and self.resolver.is_function_scope(scopes[-1]):
            found = None
            if value is not None:
                # What this module makes; asking other modules about every returned value
                # would read most of the project for little.
                self._local_only = True
                try:
                    found = self.kind_of(value, scopes)
                finally:
                    self._local_only = False
            self._returns.setdefault(id(scopes[-1]), set()).add(found)

    def leave_function(self, node: Node, scopes: Scopes) -> None:
        """The end of a function's body (``scopes`` ends with it): an unannotated sync function
        whose every ``return`` gives one kind returns that kind."""
        returned = self._returns.pop(id(node), None)
        if not returned or len(returned) != 1:
            return
        name, returns, is_async, decorators = self.function_parts(node)
        (found,) = returned
        if found is not None and returns is None and not is_async:
            self.bind_name(name, _function_kind(found, decorators), scopes[:-1])

    def bind(self, target: Node, kind: str | None, scopes: Scopes) -> None:
        dotted = self.dotted(target)
        if dotted is not None:
            self.bind_name(dotted, kind, scopes)

    def bind_name(self, dotted: str, kind: str | None, scopes: Scopes) -> None:
        head, _, rest = dotted.partition(".")
        if head in _SELF and rest:
            owner = self._class_of(scopes)
            if owner is not None:
                names = self._store.setdefault(id(owner), {})
                # Attributes are set in many methods, in no order the walk can know: an unknown
                # value never erases a known kind.
                if kind is not None:
                    names[dotted] = kind
            return
        scope = scopes[-1] if scopes else None
        if scope is None:
            self._store[_MODULE][dotted] = kind
        elif type(scope) in self.resolver.FUNCTION_TYPES:
            names = self._store.get(id(scope))
            if names is None or (id(scope) in self._partial and not self._local_only):
                names = self._function_store(scope, scopes)  # first read
            names[dotted] = kind
        elif kind is not None and not rest:  # a class attribute: ``self.x`` in its methods
            names = self._store.setdefault(id(scope), {})
            names[f"self.{dotted}"] = names[f"cls.{dotted}"] = kind

    # -- asked by rules ---------------------------------------------------------------------

    # The node types that can hold an object of a kind (calls, names, attributes, ``a / b``):
    # anything else (a literal, a comparison, an f-string...) is answered at once.
    VALUE_TYPES: frozenset[type] = frozenset()

    def kind_of(self, node: Node, scopes: Scopes) -> str | None:
        """The kind of the object ``node`` evaluates to, when known."""
        if type(node) not in self.VALUE_TYPES:
            return None
        func = self.call_func(node)
        if func is not None:
            if self._local_only:
                return self._call_kind(node, func, scopes)
            # Several rules and the binding of ``x = f()`` ask about one call while its statement
            # is walked, when nothing can rebind in between: answered once.
            key = id(node)
            if key in self._call_kinds:
                return self._call_kinds[key]
            found = self._call_kinds[key] = self._call_kind(node, func, scopes)
            return found
        dotted = self.dotted(node)
        if dotted is not None:
            found = self.lookup(dotted, scopes)
            if found is not None:
                return found
        attribute = self.attribute(node)
        if attribute is not None:
            inner = self.kind_of(attribute[0], scopes)
            return kinds.attribute_kind(inner, attribute[1]) if inner else None
        division = self.binary(node, "/")
        if division is not None:
            inner = self.kind_of(division[0], scopes)
            return kinds.divided_kind(inner) if inner else None
        return None

    def lookup(self, dotted: str, scopes: Scopes) -> str | None:
        """The kind a dotted name holds at this point of the walk."""
        head, _, rest = dotted.partition(".")
        if head in _SELF and rest:
            owner = self._class_of(scopes)
            return self._store.get(id(owner), {}).get(dotted) if owner is not None else None
        resolver = self.resolver
        function_types = resolver.FUNCTION_TYPES
        stores = self._store
        for index in range(len(scopes) - 1, -1, -1):
            scope = scopes[index]
            if type(scope) not in function_types:
                continue  # class bodies do not enclose the functions inside them
            names = stores.get(id(scope))
            if names is None or (id(scope) in self._partial and not self._local_only):
                names = self._function_store(scope, scopes[: index + 1])  # first read
            if dotted in names:
                return names[dotted]
            bindings = resolver.bindings_of(scope)
            if head in bindings.names:
                return None  # a local of unknown kind
            if head in bindings.imports:
                return self._external_value(dotted, scopes)
        module = self._store[_MODULE]
        if dotted in module:
            return module[dotted]
        return self._external_value(dotted, scopes)

    def annotation_kind(self, node: Node, scopes: Scopes, external: bool = True) -> str | None:
        """The kind a type annotation declares: directly, through ``Annotated[T, ...]``,
        ``Optional[T]``, ``T | None``, a string, or a type alias of this module or (unless
        ``external`` is false) another."""
        dotted = self.dotted(node)
        if dotted is not None:
            qualified = self.resolver.resolve(node, scopes)
            found = kinds.type_kind(qualified)
            if found is None and "." not in dotted:
                found = self.module_aliases().get(dotted)
            if found is None and qualified is not None and external:
                found = self._ask("alias", qualified)
            return found
        subscript = self.subscript(node)
        if subscript is not None:
            return self._subscript_kind(*subscript, scopes, external)
        union = self.binary(node, "|")
        if union is not None:
            left, right = union
            if self.dotted(right) == "None":
                return self.annotation_kind(left, scopes, external)
            if self.dotted(left) == "None":
                return self.annotation_kind(right, scopes, external)
            return None
        text = self.string(node)
        if text is not None and text.replace(".", "").isidentifier():
            parsed = self.parse_expression(text)
            return self.annotation_kind(parsed, scopes, external) if parsed is not None else None
        return None

    def _subscript_kind(
        self, base: Node, elements: list[Node], scopes: Scopes, external: bool
    ) -> str | None:
        last = (self.dotted(base) or "").rpartition(".")[2]
        if last in kinds.WRAPPERS and elements:
            return self.annotation_kind(elements[0], scopes, external)
        if last == "Union":
            others = [element for element in elements if self.dotted(element) != "None"]
            if len(others) == 1:
                return self.annotation_kind(others[0], scopes, external)
        return None

    def return_kind(self, annotation: Node | None) -> str | None:
        """What a function returns, or yields (``-> Iterator[Session]``): a dependency's value."""
        if annotation is None:
            return None
        subscript = self.subscript(annotation)
        if subscript is not None:
            base, elements = subscript
            if (self.dotted(base) or "").rpartition(".")[2] in kinds.YIELDING and elements:
                return self.annotation_kind(elements[0], ())
        return self.annotation_kind(annotation, ())

    def callee(self, call: Node, scopes: Scopes) -> Callee:
        """What a call reaches (``call`` must be a call node)."""
        func = self.call_func(call)
        dotted = self.dotted(func)
        resolver = self.resolver
        qualified = resolver.resolve_dotted(dotted, scopes) if dotted is not None else None
        receiver = method = None
        attribute = self.attribute(func)
        if attribute is not None:
            receiver, method = self.kind_of(attribute[0], scopes), attribute[1]
        target = None
        if dotted is not None:
            head = dotted.partition(".")[0]
            defined_here = (
                qualified is None
                and resolver.is_module_definition(head)
                and not resolver.is_local(head, scopes)
            )
            owner = self._class_of(scopes)
            class_name = self.scope_name(owner) if owner is not None else None
            target = qualify_call(
                dotted, qualified, self.module, self.package, class_name, defined_here
            )
        return Callee(dotted, qualified, target, receiver, method)

    def module_aliases(self) -> dict[str, str]:
        """``SessionDep = Annotated[AsyncSession, Depends(...)]`` and the like -> their kind."""
        if self._aliases is None:
            self._aliases = {}  # filled in place: an alias of an alias reads the earlier one
            for name, value in self.module_assignments():
                if self.subscript(value) is not None or self.binary(value, "|") is not None:
                    found = self.annotation_kind(value, ())
                    if found is not None:
                        self._aliases[name] = found
        return self._aliases

    def module_provides(self) -> dict[str, str]:
        """The module's functions whose return annotation names a kind (dependencies)."""
        if self._provides is None:
            self._provides = {}
            for name, returns in self.module_functions():
                found = self.return_kind(returns)
                if found is not None:
                    self._provides[name] = found
        return self._provides

    def module_values(self) -> dict[str, str]:
        """Module-level names bound to a known kind at this point of the walk."""
        return {name: kind for name, kind in self._store[_MODULE].items() if kind is not None}

    # -- internals --------------------------------------------------------------------------

    def _call_kind(self, node: Node, func: Node, scopes: Scopes) -> str | None:
        found = kinds.constructor_kind(self.resolver.resolve(func, scopes))
        if found is not None:
            class_ = self.call_argument(node, "class_")
            if class_ is not None:
                made = self.kind_of(class_, scopes) or self.annotation_kind(class_, scopes)
                found = kinds.factory_kind(found, made)
            return found
        attribute = self.attribute(func)
        if attribute is not None:
            receiver = self.kind_of(attribute[0], scopes)
            return kinds.method_kind(receiver, attribute[1]) if receiver else None
        receiver = self.kind_of(func, scopes)  # ``SessionLocal()``: a factory bound to a name
        return kinds.called_kind(receiver) if receiver else None

    def _external_value(self, dotted: str, scopes: Scopes) -> str | None:
        if self.external is None or self._local_only:
            return None
        head, _, rest = dotted.partition(".")
        qualified = self.resolver.resolve_name(head, scopes)
        if qualified is None:
            return None
        return self._ask("value", f"{qualified}.{rest}" if rest else qualified)

    def _ask(self, table: str, qualified: str) -> str | None:
        """Another module's answer, asked once per module read (facts do not change during a
        walk)."""
        external = self.external
        if external is None or self._local_only:
            return None
        key = (table, qualified)
        if key in self._asked:
            return self._asked[key]
        if table == "value":
            found = external.value_kind(qualified)
        elif table == "alias":
            found = external.alias_kind(qualified)
        else:
            found = external.provided_kind(qualified)
        self._asked[key] = found
        return found

    def _function_store(self, function: Node, scopes: Scopes) -> dict[str, str | None]:
        """A function's bindings, its parameters' kinds first (read on first use)."""
        names = self._store.get(id(function))
        if names is None or (id(function) in self._partial and not self._local_only):
            # Read while other modules were not asked (a ``return`` seen first): read again.
            if names is None:
                names = self._store[id(function)] = {}
            if self._local_only:
                self._partial.add(id(function))
            else:
                self._partial.discard(id(function))
            for name, annotation, default in self.parameters(function):
                if name in names:
                    continue
                found = self.annotation_kind(annotation, scopes) if annotation is not None else None
                if found is None and default is not None:
                    found = self._dependency_kind(default, scopes)
                if found is not None:
                    names[name] = found
        return names

    def _dependency_kind(self, default: Node, scopes: Scopes) -> str | None:
        """``db = Depends(get_db)``: what ``get_db`` is declared to return or yield."""
        func = self.call_func(default)
        if func is None or declaration_name(self.resolver.resolve(func, scopes)) != "Depends":
            return None
        dependency = self.call_argument(default, "")
        if dependency is None:
            dependency = self.call_argument(default, "dependency")
        if dependency is None:
            return None
        dotted = self.dotted(dependency)
        if dotted is not None and "." not in dotted:
            found = self.module_provides().get(dotted)
            if found is not None:
                return found
        qualified = self.resolver.resolve(dependency, scopes)
        return self._ask("provided", qualified) if qualified is not None else None

    def _class_of(self, scopes: Scopes) -> Node | None:
        """The innermost class around the code (``self.x`` lives there)."""
        function_types = self.resolver.FUNCTION_TYPES
        for index in range(len(scopes) - 1, -1, -1):
            if type(scopes[index]) not in function_types:
                return scopes[index]
        return None
