"""Audit a published report: read it as published (HTML, PDF, Word, text) into the report document."""
