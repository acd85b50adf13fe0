"""Sphinx configuration of the smartidf-analysis documentation (``make docs``).

The build is offline: no intersphinx (references to pandas, numpy, xarray... render as plain
text), no notebook execution (myst-nb ``off``: the studies are shown as committed, with a link
to the stamped HTML reports of ``smartidf notebooks run`` when ``reports/`` has them), no
theme asset from a CDN. Generated at each build (git-ignored): ``api/`` (the API reference,
``_ext/apiref.py``), ``studies/`` and ``guides/_datasets.md`` (``_ext/smartidf_docs.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

from smartidf_analysis import __version__  # noqa: E402

project = "smartidf-analysis"
author = "smartidf-analysis contributors"
copyright = "2026, smartidf-analysis contributors (code: MIT; data: each producer's licence)"
version = release = __version__
language = "en"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",  # Markdown (myst-parser) and notebooks
    "smartidf_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "guides/_*.md", "_templates"]
templates_path = ["_templates"]

# a broken cross-reference to the package fails the build (-W); names of other libraries
# (no intersphinx offline) are let through
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(_duckdb|pd|pandas|np|numpy|npt|xr|xarray|dask|dd|distributed|gpd|geopandas|hv|holoviews|"
               r"gv|geoviews|pn|panel|param|bokeh|duckdb|pa|pyarrow|pq|shapely|pyproj|pvlib|"
               r"scipy|tornado|fsspec|argparse|pathlib|collections|typing|datetime|concurrent|"
               r"asyncio|threading|subprocess|nbformat|nbclient|os|io|re|json|enum|dataclasses|"
               r"contextlib|types|abc|logging|spatialpandas|datashader|psutil|tqdm|h5py|"
               r"functools|socket|urllib|http|zipfile|tarfile|tempfile|sqlite3|decimal|pygeoapi|"
               r"flask|waitress|playwright|filelock|platformdirs|signal|html)(\..*)?"),
    (r"py:.*", r"(Path|PurePath|PurePosixPath|Callable|Iterable|Iterator|Sequence|Mapping|"
               r"MutableMapping|Hashable|Any|TextIO|BinaryIO|Generator|Awaitable|Coroutine|"
               r"Literal|Self|TypeVar|ClassVar|Protocol|NamedTuple|Enum|IntEnum|"
               r"DataFrame|Series|Index|DatetimeIndex|ndarray|Dataset|DataArray|Figure|"
               r"GeoDataFrame|GeoSeries|Parameterized|Viewer|Layout|Overlay|Element|"
               r"Document|Future|Client|Event|Lock|Thread|Queue|Popen|Namespace|"
               r"ArgumentParser|NotebookNode|Template|Relation|DuckDBPyConnection|Table|"
               r"Polygon|MultiPolygon|BaseGeometry|Transformer|CRS)"),
    (r"py:class", r"(dict|list|tuple|set)\[.*"),
    (r"py:.*", r"(int|float|str|bool|bytes|dict|list|tuple|set|frozenset|object|None|"
               r"type|callable|slice|range|complex|memoryview|bytearray|Exception|"
               r"ValueError|KeyError|TypeError|RuntimeError|OSError|FileNotFoundError)"),
]

# a module's References section lists the works its functions cite by number ("[2]")
suppress_warnings = ["ref.citation"]

# one page per public function and class (api/generated/), documented where it is defined
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "signature"
autodoc_inherit_docstrings = True
autodoc_preserve_defaults = True

# numpydoc: sections rendered; class members documented on the class page by autodoc;
# GL08 = "the object has no docstring": a public name without one fails the build under -W
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = {"GL08"}

# myst / myst-nb: the studies are never executed by the docs build
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "off"
nb_merge_streams = True

html_theme = "pydata_sphinx_theme"
html_title = f"smartidf-analysis {__version__}"
html_static_path = ["_static"]
html_css_files = ["smartidf.css"]
html_favicon = "_static/favicon.svg"  # else the browser asks /favicon.ico (a 404 in the console)
html_last_updated_fmt = None
html_theme_options = {
    "navbar_end": ["navbar-icon-links"],
    "header_links_before_dropdown": 4,
    "icon_links": [],
    "navigation_depth": 2,
    "collapse_navigation": True,
    "show_toc_level": 1,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"api/generated/*": []}
html_context = {"default_mode": "light"}

# where `smartidf notebooks run --out` wrote its reports (sphinx-build -D smartidf_reports_dir=...)
smartidf_reports_dir = str(HERE.parent / "reports")
