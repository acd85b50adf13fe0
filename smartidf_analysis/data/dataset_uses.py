"""What a build needs and what each dataset feeds: the tables carrying commune codes
(:data:`CODE_COLUMNS`), the reference datasets of ``communes`` (:data:`COMMUNE_INPUTS`), the
datasets a table cannot be built without (:func:`required_datasets`) and the tables, pages and
notebooks a missing dataset takes away (:func:`uses_of`).
"""

from __future__ import annotations

from smartidf_analysis.data import catalog

#: tables carrying commune codes: table -> ({target: source column}, measure, mode).
#: mode "remap" rewrites old codes to current ones (the source code stays in its own
#: column); "report" keeps the codes (values such as medians cannot be summed when two
#: old communes merged) and only lists the codes absent from the current COG.
CODE_COLUMNS: dict[str, tuple[dict[str, str], str | None, str]] = {
    "fibre_deployment": ({"commune_code": "commune_code_2018"}, "connectable_premises", "remap"),
    "premises": ({"commune_code": "commune_code_2018"}, "dwellings", "remap"),
    "commuting_flows": ({"home_code": "home_code_2014", "work_code": "work_code_2014"}, "workers",
                        "remap"),
    "gpe_stations": ({"commune_code": "commune_code"}, None, "remap"),
    "incomes": ({"commune_code": "commune_code"}, "households", "report"),
    "commune_census_2021": ({"commune_code": "commune_code"}, "population_2021", "report"),
}


#: the reference datasets the ``communes`` table is assembled from
COMMUNE_INPUTS = ("insee_cog_2026", "ign_communes_2018", "paris_arrondissements",
                  "insee_population_2023", "dgcl_epci_2025", "insee_ept_2025")


def required_datasets(table: str) -> set[str]:
    """Ids of the datasets that ``table`` cannot be built without.

    Parameters
    ----------
    table : str
        A canonical table name.

    Returns
    -------
    set of str
        Dataset ids of the catalogue.
    """
    if table == "communes":
        return set(COMMUNE_INPUTS)
    if table == "commune_code_map":
        return {"insee_cog_2026"}
    needed = {d.id for d in catalog.DATASETS if d.table == table}
    if table in CODE_COLUMNS:
        needed.add("insee_cog_2026")
    if table == "stations":  # located in the communes by point in polygon
        needed |= set(COMMUNE_INPUTS)
    return needed


def tables_fed_by(dataset_id: str) -> list[str]:
    """The tables that cannot be built without ``dataset_id``.

    Parameters
    ----------
    dataset_id : str
        A dataset id of the catalogue.

    Returns
    -------
    list of str
        Table names, in the order of :data:`~smartidf_analysis.data.catalog.TABLE_USES`.
    """
    return [t for t in catalog.TABLE_USES if dataset_id in required_datasets(t)]


def uses_of(dataset_id: str) -> tuple[list[str], list[str], list[str]]:
    """(tables, pages, notebooks) that a missing ``dataset_id`` leaves without data.

    Parameters
    ----------
    dataset_id : str
        A dataset id of the catalogue.

    Returns
    -------
    tables : list of str
        The tables it feeds.
    pages : list of str
        The dashboard pages that read them, sorted.
    notebooks : list of str
        The notebooks that read them, sorted.
    """
    tables = tables_fed_by(dataset_id)
    pages = sorted({p for t in tables for p in catalog.TABLE_USES[t][0]})
    notebooks = sorted({n for t in tables for n in catalog.TABLE_USES[t][1]})
    return tables, pages, notebooks
