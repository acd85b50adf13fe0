"""The study notebooks shipped with the package, and ``smartidf notebooks copy DIR``.

The notebooks are package data (:data:`~smartidf_analysis.config.NOTEBOOKS_DIR`, which
``notebooks/`` of a checkout links to), so an installed wheel can run them (``smartidf
notebooks run``) and give an analyst a copy of their own to edit and run
(``smartidf notebooks run --from DIR``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from smartidf_analysis import config
from smartidf_analysis.errors import SmartidfError

_SKIPPED = (".ipynb_checkpoints", "__pycache__")


def shipped_files(folder: Path | None = None) -> list[Path]:
    """The notebooks and the example files they read (``examples/``), relative to ``folder``
    (default the package's), sorted; editor and interpreter caches are left out.

    Parameters
    ----------
    folder : pathlib.Path, optional
        The folder of the notebooks; default :data:`~smartidf_analysis.config.NOTEBOOKS_DIR`.

    Returns
    -------
    list of pathlib.Path
        Relative paths, sorted; hidden files and folders are left out too.
    """
    folder = folder or config.NOTEBOOKS_DIR
    return sorted(p.relative_to(folder) for p in folder.rglob("*")
                  if p.is_file() and not any(part in _SKIPPED or part.startswith(".")
                                             for part in p.relative_to(folder).parts))


def copy_notebooks(target: Path | str, *, overwrite: bool = False,
                   folder: Path | None = None) -> list[Path]:
    """Copy the shipped notebooks and their example files into ``target`` (created when
    missing); returns the files written. A file already in ``target`` stops the copy before
    anything is written (an analyst's edited notebook is never replaced), unless
    ``overwrite``. The copies are ordinary writable files (the installed package's may not
    be).

    Parameters
    ----------
    target : str or pathlib.Path
        The folder to copy into.
    overwrite : bool, default False
        Replace files already in ``target``.
    folder : pathlib.Path, optional
        The folder copied from; default :data:`~smartidf_analysis.config.NOTEBOOKS_DIR`.

    Returns
    -------
    list of pathlib.Path
        The absolute paths of the files written.

    Raises
    ------
    SmartidfError
        When no notebook is shipped, ``target`` is a file, or ``target`` already holds some
        of the files and ``overwrite`` is False.
    """
    source = folder or config.NOTEBOOKS_DIR
    target = Path(target).expanduser().resolve()
    files = shipped_files(source)
    if not any(f.suffix == ".ipynb" for f in files):
        raise SmartidfError(f"no notebooks shipped in {source}: the package is incomplete")
    if target.exists() and not target.is_dir():
        raise SmartidfError(f"{target} exists and is not a folder")
    existing = [f for f in files if (target / f).exists()]
    if existing and not overwrite:
        names = ", ".join(str(f) for f in existing[:5]) + (" …" if len(existing) > 5 else "")
        raise SmartidfError(f"{target} already holds {len(existing)} of the notebooks' files "
                            f"({names}): choose another folder, or --force to replace them")
    written = []
    for relative in files:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relative, destination)
        written.append(destination)
    return written
