"""Shared parsing helpers for the source readers.

Every reader goes through these helpers so that bad input always ends in a
:class:`~smartidf_analysis.errors.SourceFormatError` naming the file and, when known, the
1-based line and the column, never in a bare pandas/KeyError traceback.

Conventions kept by all helpers:

* the index of every returned frame is the **source line**: the 1-based physical line of a
  CSV file (title and header lines counted), the row number of an xlsx sheet, or the
  1-based feature / row number of a GeoJSON, GeoPackage, shapefile or Parquet file;
* text is decoded as UTF-8 (a BOM is dropped); the first undecodable byte is reported with
  its line;
* numbers may carry padding, (non-breaking) spaces as thousands separators, a decimal comma
  and dashes or secrecy markers meaning "no value" (the value parsers are in
  :mod:`smartidf_analysis.data.sources._values`, importable from here).
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from smartidf_analysis.data.schema import TABLES
from smartidf_analysis.data.sources._values import (  # noqa: F401 - moved there, re-exported
    clean_text,
    quarter_of,
    to_date,
    to_flag,
    to_number,
    zfill_code,
)
from smartidf_analysis.errors import SourceFormatError

IDF_DEPARTMENTS: tuple[str, ...] = ("75", "77", "78", "91", "92", "93", "94", "95")
IDF_REGION = "11"

_SEPARATOR_NAMES = {",": "','", ";": "';'", "\t": "tab"}

# pandas dtypes used for the DuckDB types of schema.py
_DTYPES = {
    "VARCHAR": "str",
    "BIGINT": "Int64",
    "INTEGER": "Int32",
    "SMALLINT": "Int16",
    "TINYINT": "Int8",
    "DOUBLE": "float64",
    "BOOLEAN": "boolean",
    "DATE": "datetime64[s]",
    "TIMESTAMP": "datetime64[s]",
}


# --------------------------------------------------------------------------- bytes and text
def read_bytes(path: str | Path) -> bytes:
    """The file's bytes (gunzipped for ``*.gz``); error if missing, unreadable or empty."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
    except FileNotFoundError:
        raise SourceFormatError(path, "file not found") from None
    except (OSError, EOFError) as exc:
        raise SourceFormatError(path, f"cannot read the file ({exc})") from None
    if not raw.strip():
        raise SourceFormatError(path, "the file is empty")
    return raw


def decode_utf8(path: str | Path, raw: bytes) -> str:
    """Decode UTF-8 (dropping a BOM); the error names the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start : exc.start + 1]
        raise SourceFormatError(
            path, f"not valid UTF-8 (byte {bad!r}); was the file re-encoded (e.g. Latin-1)?",
            line=line,
        ) from None


def check_not_empty(path: str | Path) -> Path:
    """Error if ``path`` is missing or has zero bytes (binary formats)."""
    path = Path(path)
    if not path.is_file():
        raise SourceFormatError(path, "file not found")
    if path.stat().st_size == 0:
        raise SourceFormatError(path, "the file is empty")
    return path


# --------------------------------------------------------------------------- CSV
def _split(line: str, sep: str) -> list[str]:
    if '"' in line:
        return next(csv.reader([line], delimiter=sep))
    return line.split(sep)


def check_columns(
    path: str | Path, found: Sequence[str], required: Iterable[str], *, line: int | None = None,
    sep: str | None = None,
) -> None:
    """Error naming the first missing column (and the separator when the header is one field)."""
    missing = [c for c in required if c not in found]
    if not missing:
        return
    if sep is not None and len(found) == 1:
        name = _SEPARATOR_NAMES.get(sep, repr(sep))
        raise SourceFormatError(
            path, f"the header has a single field: expected columns separated by {name}; "
            f"missing column {missing[0]!r}", line=line, column=missing[0],
        )
    raise SourceFormatError(
        path, f"missing column {missing[0]!r} (missing: {', '.join(missing)})",
        line=line, column=missing[0],
    )


def read_csv(
    path: str | Path,
    *,
    sep: str = ",",
    header_line: int = 1,
    required: Iterable[str] = (),
) -> pd.DataFrame:
    """Read a delimited text file as strings, checked, indexed by physical line number.

    ``header_line`` is the 1-based line of the header (lines above are title lines).
    Blank lines and lines made only of separators (INSEE's trailing ``;;;`` line) are
    skipped. Every other line must have as many fields as the header, otherwise a
    :class:`SourceFormatError` gives its line (a file cut mid-line ends in a short row).
    """
    text = decode_utf8(path, read_bytes(path))
    lines = text.split("\n")
    if len(lines) < header_line or not lines[header_line - 1].strip():
        raise SourceFormatError(path, "no header line", line=header_line)
    header = [h.strip() for h in _split(lines[header_line - 1].rstrip("\r"), sep)]
    required = list(required)
    check_columns(path, header, required, line=header_line, sep=sep)
    width = len(header)
    blank = " \t\r" + sep
    kept: list[str] = []
    numbers: list[int] = []
    for number, line in enumerate(lines[header_line:], start=header_line + 1):
        if not line.strip(blank):
            continue
        line = line.rstrip("\r")
        count = len(_split(line, sep)) if '"' in line else line.count(sep) + 1
        if count != width:
            raise SourceFormatError(
                path, f"expected {width} fields separated by {_SEPARATOR_NAMES.get(sep, sep)}, "
                f"found {count} (truncated or malformed row)", line=number,
            )
        kept.append(line)
        numbers.append(number)
    if not kept:
        raise SourceFormatError(path, "no data rows after the header", line=header_line)
    names = [h if header.index(h) == i else f"{h}.{i}" for i, h in enumerate(header)]
    try:
        frame = pd.read_csv(
            io.StringIO("\n".join(kept)), sep=sep, header=None, names=names, dtype=str,
            na_filter=False, engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise SourceFormatError(path, f"cannot parse the rows ({exc})") from None
    if len(frame) != len(numbers):  # a quoted field spanning lines: not expected in sources
        raise SourceFormatError(path, "quoted fields spanning several lines are not supported")
    frame.index = pd.Index(numbers, name="line")
    return frame


def read_rds(path: str | Path, *, required: Iterable[str] = ()) -> pd.DataFrame:
    """Read an R data frame saved with ``saveRDS`` (``.Rds``), indexed by 1-based row.

    Read with ``pyreadr`` (a maintained reader on PyPI that wraps the C library librdata:
    a wheel, 0.9-1.7 s for MOBPRO's 384 k rows, against 36 s for the pure-Python ``rdata``).
    Column types are kept (text, integers, doubles: no decimal text to re-parse).
    """
    import pyreadr

    check_not_empty(path)
    try:
        frame = pyreadr.read_r(str(path))[None]
    except (pyreadr.PyreadrError, pyreadr.LibrdataError, KeyError, ValueError, OSError) as exc:
        raise SourceFormatError(path, f"not a readable R data file (.Rds): {exc}") from None
    check_columns(path, list(frame.columns), list(required))
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    return frame


def read_excel(
    path: str | Path, sheet: str, *, header_row: int = 1, required: Iterable[str] = (),
) -> pd.DataFrame:
    """Read an xlsx sheet with python-calamine; cells as strings, index = sheet row number."""
    from python_calamine import CalamineWorkbook

    path = check_not_empty(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        raise SourceFormatError(path, f"not a readable xlsx workbook ({exc})") from None
    if sheet not in book.sheet_names:
        raise SourceFormatError(
            path, f"missing sheet {sheet!r} (sheets: {', '.join(book.sheet_names)})"
        )
    data = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    if len(data) < header_row:
        raise SourceFormatError(path, f"sheet {sheet!r} ends before its header", line=header_row)
    header = [str(h).strip() for h in data[header_row - 1]]
    required = list(required)
    check_columns(path, header, required, line=header_row)
    body = data[header_row:]
    frame = pd.DataFrame(
        [[_cell(v) for v in row] for row in body], columns=header, dtype=object,
        index=pd.Index(range(header_row + 1, header_row + 1 + len(body)), name="line"),
    )
    return frame[frame.notna().any(axis=1)]


def _cell(value: object) -> str | None:
    """An xlsx cell as text (integral floats without '.0'; empty cells as None)."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --------------------------------------------------------------------------- values


def in_idf(codes: pd.Series) -> pd.Series:
    """Boolean mask: commune or department code in an IDF department."""
    return codes.astype(object).map(lambda c: isinstance(c, str) and c[:2] in IDF_DEPARTMENTS)


# --------------------------------------------------------------------------- output
def finish(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Select ``schema.TABLES[table]``'s columns in order, with pandas dtypes for their types.

    The index (source lines) is kept. Missing values are NA (``None``/``NaN``/``pd.NA``).
    """
    spec = TABLES[table].columns
    absent = [c for c in spec if c not in frame.columns]
    if absent:  # a programming error in a reader, not a data error
        raise AssertionError(f"reader output for {table!r} lacks {absent}")
    out = frame[list(spec)].copy()
    for column, sql_type in spec.items():
        dtype = _DTYPES.get(sql_type)
        if dtype is None:  # BLOB: bytes objects
            continue
        if dtype == "str":
            out[column] = out[column].astype(object).where(out[column].notna(), None)
            out[column] = out[column].astype("str")
        else:
            out[column] = out[column].astype(dtype)
    out.index.name = "line"
    return out


def geometry_to_wkb(geometry) -> np.ndarray:
    """Shapely geometries (GeoSeries or array) as WKB bytes, 2-D."""
    import shapely

    values = np.asarray(geometry.values if hasattr(geometry, "values") else geometry)
    return shapely.to_wkb(shapely.force_2d(values))


def read_vector(
    path: str | Path, *, layer: str | None = None, encoding: str | None = None,
    required: Iterable[str] = (),
):
    """Read a GeoJSON / GeoPackage layer / shapefile with pyogrio as a GeoDataFrame.

    The index is the 1-based feature number; required attribute columns are checked.
    The CRS is kept (callers reproject with :func:`to_wgs84`).
    """
    import pyogrio

    path = check_not_empty(path)
    kwargs = {"layer": layer} if layer else {}
    if encoding:
        kwargs["encoding"] = encoding
    try:
        frame = pyogrio.read_dataframe(path, **kwargs)
    except Exception as exc:  # pyogrio.errors.DataSourceError / DataLayerError / GDAL errors
        what = f"layer {layer!r} " if layer else ""
        raise SourceFormatError(path, f"cannot read {what}({exc})") from None
    if len(frame) == 0:
        raise SourceFormatError(path, "no features")
    check_columns(path, list(frame.columns), required)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="line")
    if frame.geometry.isna().any():
        where = int(frame.geometry.isna().idxmax())
        raise SourceFormatError(path, f"feature {where} has no geometry", line=where)
    return frame


def to_wgs84(frame):
    """The GeoDataFrame in EPSG:4326 (a missing CRS is taken as WGS84, as GeoJSON says)."""
    if frame.crs is None:
        return frame.set_crs(4326)
    return frame if frame.crs.to_epsg() == 4326 else frame.to_crs(4326)
