"""fastlint: a libcst-based linter for FastAPI and async Python services."""

__version__ = "0.1.0"
