"""FST7xx: architecture rules, about how the project's modules depend on each other."""
