"""Errors raised on bad input: they always name the file, and the line/column when known."""

from __future__ import annotations

from pathlib import Path


class SmartidfError(Exception):
    """Base class of the project's own errors (shown to users without a traceback)."""


class SourceFormatError(SmartidfError):
    """A source file does not have the expected format.

    The message names the file, and the 1-based ``line`` of the file and the ``column``
    when they are known, so that a user can open the file at the right place.

    Parameters
    ----------
    path : str or pathlib.Path
        The source file.
    message : str
        What is wrong.
    line : int, optional
        The 1-based line of the file.
    column : str, optional
        The column's name.
    """

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.column = column
        where = str(self.path)
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")


class FetchError(SmartidfError):
    """A dataset file could not be found in the mirror nor downloaded."""


class UnknownCodeError(SmartidfError, KeyError):
    """A commune (or other) code asked of the API does not exist in the database."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class MissingDataError(SmartidfError):
    """A page or notebook needs a dataset that the last build could not get."""
