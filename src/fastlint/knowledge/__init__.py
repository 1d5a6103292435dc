"""What fastlint knows about libraries, independent of any tree or rule: which calls block, which
objects clients and sessions are, what FastAPI's names mean. Imports nothing of fastlint's."""
