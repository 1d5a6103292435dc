"""Options of the Pydantic family whose values are checked beyond their type."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from fastlint.engine.globs import glob_problem
from fastlint.engine.rule import Option


@dataclass(frozen=True)
class ChoiceOption(Option):
    """An option whose value is one of ``choices``."""

    choices: tuple[object, ...] = ()

    def validate(self, value: object) -> object:
        value = super().validate(value)
        if value not in self.choices:
            allowed = " or ".join(repr(choice) for choice in self.choices)
            raise ValueError(f"`{self.name}` must be {allowed}, not {value!r}")
        return value


@dataclass(frozen=True)
class GlobListOption(Option):
    """A list of path globs."""

    def validate(self, value: object) -> object:
        value = super().validate(value)
        for pattern in value:
            problem = glob_problem(pattern)
            if problem is not None:
                raise ValueError(
                    f"`{self.name}` pattern `{pattern}` is not a valid glob: {problem}"
                )
        return value


def path_matches(path: str, patterns: list[str]) -> bool:
    """Whether a glob matches the end of ``path``, whole components (``app/core/config.py``
    matches ``/srv/project/app/core/config.py``; ``**/settings.py`` any ``settings.py``)."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    for pattern in patterns:
        pattern = pattern.strip().removeprefix("./")
        bare = pattern.removeprefix("**/")
        for start in range(len(parts)):
            tail = "/".join(parts[start:])
            if fnmatchcase(tail, pattern) or fnmatchcase(tail, bare):
                return True
    return False
