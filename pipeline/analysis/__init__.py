"""Across documents: comparing regions and years, whether a target exists, charts, the report."""
