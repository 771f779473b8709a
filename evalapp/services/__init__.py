"""Services: the only code that opens database sessions; each call is one unit of work."""
