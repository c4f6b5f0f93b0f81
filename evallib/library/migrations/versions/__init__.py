"""Revisions of the library schema, one file each."""

__all__ = []  # type: list[str]
