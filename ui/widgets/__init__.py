"""Reusable widgets of the secretariat app (the keyboard-first entry grid and its parts)."""
