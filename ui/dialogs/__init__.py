"""Dialogs for focused tasks: sign-in, start, reasons, reconciliation of one ballot."""
