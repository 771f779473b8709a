"""Printed documents (reportlab, no Qt): the results notice, the lists, feedback sheets, ballots."""
