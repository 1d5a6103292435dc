"""Ways in: the command line, and (on the same engine and settings) other tools' plugins."""
