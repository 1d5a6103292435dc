"""Lint a set of files with one configuration: discovery, the results cache, worker processes."""
