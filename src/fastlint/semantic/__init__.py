"""The semantic model: what names and values are, and what calls reach, written once for both
trees fastlint reads (libcst for the files being linted, ``ast`` for the rest of the project).
Imports only ``fastlint.knowledge``."""
