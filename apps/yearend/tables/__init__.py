"""The report's tables as the reader sees them: every cell a string, already rounded and in Swedish
notation, so the page, the JSON, the DOCX and the PDF show exactly the same thing."""

from .base import Row, Table

__all__ = ["Row", "Table"]
