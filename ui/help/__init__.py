"""The built-in help: the user guide, the rules sheet for the 监票人, shortcuts and About."""
