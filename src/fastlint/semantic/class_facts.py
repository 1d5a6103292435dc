"""What is known of a class for the model registry: its bases, keywords, configuration and
annotated fields. Read from ``ast`` by the project index (``project/classes.py``) and from libcst
for the linted file (``semantic/models.py``); defined here, below both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldFacts:
    """One annotated class attribute: ``name: annotation = default``."""

    name: str
    annotation: str  # source text
    default: str | None  # source text, None without a default
    line: int  # 0 when unknown (fields of the linted file itself)


@dataclass(frozen=True)
class ClassFacts:
    """What a class statement says, in plain data (picklable for the project index's store):
    its bases, keywords, config entries, fields and methods."""

    name: str
    line: int
    bases: tuple[str, ...]  # qualified: ``pydantic.BaseModel``, ``app.schemas.UserBase``
    keywords: tuple[tuple[str, str], ...]  # ``class M(BaseModel, strict=True)``: (name, source)
    # ``model_config = ConfigDict(strict=True)`` / ``{"strict": True}`` / ``class Config:``
    # ``strict = True`` entries: (key, source of the value)
    config: tuple[tuple[str, str], ...]
    fields: tuple[FieldFacts, ...]  # its own, in order (no ``ClassVar``, no ``_private``)
    methods: tuple[str, ...] = ()  # the functions its body defines (an own ``def dict``)
