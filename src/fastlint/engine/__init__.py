"""The engine: one parse and one traversal per file, dispatching nodes to the rules that want them."""
