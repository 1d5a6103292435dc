"""The generics of ``typing`` that newer Pythons spell with builtins or ``|`` (PEP 585, 604)."""

TYPING_MODULES = ("typing", "typing_extensions")

# typing name -> builtin that takes its place from Python 3.9 (PEP 585)
BUILTIN_GENERICS = {
    "List": "list",
    "Dict": "dict",
    "Set": "set",
    "FrozenSet": "frozenset",
    "Tuple": "tuple",
    "Type": "type",
}
# typing name -> name in ``collections`` that takes its place from Python 3.9 (PEP 585)
COLLECTIONS_GENERICS = {
    "DefaultDict": "defaultdict",
    "Deque": "deque",
    "OrderedDict": "OrderedDict",
    "Counter": "Counter",
    "ChainMap": "ChainMap",
}
UNIONS = frozenset({"Optional", "Union"})  # ``X | Y`` from Python 3.10 (PEP 604)
LEGACY_NAMES = frozenset(BUILTIN_GENERICS) | frozenset(COLLECTIONS_GENERICS) | UNIONS

# Libraries that evaluate annotations at run time (route and dependency signatures, model
# fields): with them, ``from __future__ import annotations`` does not make new syntax safe on
# a Python that lacks it.
RUNTIME_ANNOTATION_LIBRARIES = frozenset(
    {
        "fastapi",
        "pydantic",
        "pydantic_settings",
        "sqlalchemy",
        "sqlmodel",
        "typer",
        "strawberry",
        "beanie",
        "odmantic",
        "ormar",
        "msgspec",
        "cattrs",
        "typeguard",
        "beartype",
    }
)
