"""The project index: first-party functions across modules, for rules that follow calls."""

from __future__ import annotations

from fastlint.project.index import (
    BlockingAnalysis,
    Dependencies,
    FactsStore,
    Link,
    ProjectIndex,
    blocking_location,
    project_digest,
)

__all__ = [
    "BlockingAnalysis",
    "Dependencies",
    "FactsStore",
    "Link",
    "ProjectIndex",
    "blocking_location",
    "project_digest",
]
