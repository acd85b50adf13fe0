"""The table and column whitelists every read and write builds its SQL from, and
the fixed-point sums."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from smartidf_analysis.data.schema import (
    BUILD_ISSUES_COLUMNS,
    EXISTING_SITES_COLUMNS,
    IMPORTED_ROOFS_COLUMNS,
    MISSING_DATASETS_COLUMNS,
    PROVENANCE_COLUMNS,
    SUM_SCALE,
    TABLES,
)

EXTRA_TABLES = {"provenance": PROVENANCE_COLUMNS, "build_issues": BUILD_ISSUES_COLUMNS,
                "missing_datasets": MISSING_DATASETS_COLUMNS,
                "existing_sites": EXISTING_SITES_COLUMNS, "imported_roofs": IMPORTED_ROOFS_COLUMNS}
#: tables filled by imports (not by the build): :func:`append_rows_atomic` may write them
IMPORT_TABLES = ("existing_sites",)
_FILTER_OPS = {"==": "=", "=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
               "in": "IN", "not in": "NOT IN"}


def _columns_of(table: str) -> list[str]:
    if table in TABLES:
        return list(TABLES[table].columns)
    if table in EXTRA_TABLES:
        return list(EXTRA_TABLES[table])
    known = ", ".join(sorted(TABLES) + sorted(EXTRA_TABLES))
    raise ValueError(f"unknown table {table!r}; known: {known}")


_FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}


def _is_float(table: str, column: str) -> bool:
    types = TABLES[table].columns if table in TABLES else EXTRA_TABLES[table]
    return types[column].upper() in _FLOAT_TYPES


def sum_sql(column: str, *, is_float: bool = True) -> str:
    """SQL of an order-independent ``SUM("column")``: for a floating-point column, every
    value is cast to ``DECIMAL(38, SUM_SCALE)`` (rounded to 1e-9 of its unit), summed exactly
    in 128-bit integers and cast back to DOUBLE, so the result is the same whatever the order
    DuckDB adds the rows in (thread count, row groups). Integer sums are exact already.

    Parameters
    ----------
    column : str
        A whitelisted column name.
    is_float : bool, default True
        Whether the column is floating-point.

    Returns
    -------
    str
        The SQL expression.
    """
    if not is_float:
        return f'sum("{column}")'
    return f'CAST(sum(CAST("{column}" AS DECIMAL(38, {SUM_SCALE}))) AS DOUBLE)'


def _select_list(table: str, columns: Sequence[str] | None) -> str:
    known = _columns_of(table)
    cols = list(columns) if columns else known
    bad = [c for c in cols if c not in known]
    if bad:
        raise ValueError(f"unknown column(s) {bad} for table {table!r}; known: {known}")
    return ", ".join(f'"{c}"' for c in cols)


def _where(table: str, filters: Iterable[tuple[str, str, Any]] | None) -> tuple[str, list[Any]]:
    """WHERE clause from (column, op, value) triples: whitelisted columns/ops, bound values."""
    clauses, values = [], []
    known = _columns_of(table)
    for column, op, value in filters or ():
        if column not in known:
            raise ValueError(f"unknown filter column {column!r} for table {table!r}")
        sql_op = _FILTER_OPS.get(op.lower())
        if sql_op is None:
            raise ValueError(f"unsupported operator {op!r}; use one of {sorted(_FILTER_OPS)}")
        if sql_op in ("IN", "NOT IN"):
            items = list(value)
            if not items:
                clauses.append("FALSE" if sql_op == "IN" else "TRUE")
                continue
            clauses.append(f'"{column}" {sql_op} ({", ".join("?" * len(items))})')
            values.extend(items)
        else:
            clauses.append(f'"{column}" {sql_op} ?')
            values.append(value)
    return (" AND ".join(clauses) or "TRUE"), values
