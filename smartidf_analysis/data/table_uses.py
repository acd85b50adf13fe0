"""Which dashboard pages and notebooks read each table of the database (:data:`TABLE_USES`):
what a missing dataset takes away, shown by the build, the pages and
:func:`smartidf_analysis.data.db.require`.
"""

from __future__ import annotations

_ALL_NOTEBOOKS = ("00-getting-started", "01-broadband-coverage", "02-commuting-flows",
                  "03-telecentre-demand", "04-solar-potential")

#: table -> (dashboard pages, notebooks) that read it: what a missing dataset takes away
#: (shown by the build, the pages and :func:`smartidf_analysis.data.db.require`).
TABLE_USES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "communes": (("overview", "broadband", "commuting", "telecentres", "finder", "solar"),
                 _ALL_NOTEBOOKS),
    "commune_code_map": ((), ()),
    "departments": (("broadband", "commuting"),
                    ("00-getting-started", "01-broadband-coverage", "02-commuting-flows")),
    "commuting_flows": (("overview", "commuting", "telecentres", "finder"),
                        ("00-getting-started", "02-commuting-flows", "03-telecentre-demand")),
    "fibre_deployment": (("overview", "broadband", "telecentres", "finder"),
                         ("00-getting-started", "01-broadband-coverage", "03-telecentre-demand")),
    "fibre_deployment_departments": (("broadband",), ("01-broadband-coverage",)),
    "fibre_department_series": (("broadband",), ("01-broadband-coverage",)),
    "premises": (("overview", "broadband", "solar"),
                 ("00-getting-started", "01-broadband-coverage", "03-telecentre-demand",
                  "04-solar-potential")),
    "stations": (("telecentres", "finder"), ("00-getting-started", "03-telecentre-demand")),
    "station_validations": (("telecentres",), ("03-telecentre-demand",)),
    "irradiance_hourly": (("overview", "solar"), ("00-getting-started", "04-solar-potential")),
    "buildings": (("solar",), ("00-getting-started", "04-solar-potential")),
    "solar_cadastre_roofs": (("solar",), ("04-solar-potential",)),
    "incomes": (("broadband",), ("01-broadband-coverage",)),
    "gpe_stations": ((), ("03-telecentre-demand",)),
    "commune_census_2021": ((), ()),
}
