"""Configuration: ``[tool.fastlint]`` and command-line selection, resolved into ``Settings``."""
