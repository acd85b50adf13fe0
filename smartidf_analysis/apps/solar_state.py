"""State of the solar page: its parameters (synced to the URL), the roof sets, conventions and
indicators it offers, and the cached results it shows (shared by sessions, read-only)."""

from __future__ import annotations

import pandas as pd
import panel as pn
import param

from smartidf_analysis.solar import io as sd
from smartidf_analysis.solar.conventions import MODULE_EFFICIENCY

ROOF_SETS = tuple(sd.ROOF_SETS)
INDICATORS = ("yield_kwh_kwp", "annual_gwh", "peak_power_mwp")
CONVENTIONS = ("modules", "cadastre")
URL_PARAMETERS = ("roof_set", "convention", "module_efficiency", "system_losses_pct", "usable_fraction",
                  "indicator", "roof_id")
TABLE_COLUMNS = ["roof_id", "commune_code", "roof_shape", "usable_area_m2", "tilt_deg", "azimuth_deg",
                 "shading_factor", "irradiation_kwh_m2", "peak_power_kwp", "annual_kwh",
                 "specific_yield_kwh_kwp", "solar_class"]


@pn.cache(max_items=16)
def _real(roof_set: str, convention: str, efficiency: float, losses: float, usable: float) -> pd.DataFrame:
    return sd.real_set_production(roof_set, module_efficiency=efficiency, system_losses_pct=losses,
                                  usable_fraction=usable, convention=convention)


@pn.cache(max_items=16)
def _real_results(roof_set: str, convention: str, efficiency: float, losses: float, usable: float) -> dict:
    """Roof table, totals, classes and left-out roofs of a real roof set (shared by sessions:
    callers do not modify them)."""
    from smartidf_analysis.solar.roofs import bad_roofs, class_totals

    prod = _real(roof_set, convention, efficiency, losses, usable)
    return {"roofs": prod, "totals": sd.set_totals(prod), "classes": class_totals(prod),
            "bad": bad_roofs(prod)}


@pn.cache(max_items=8)
def _stock(efficiency: float, losses: float, usable: float) -> sd.StockSummary:
    return sd.stock_summary(module_efficiency=efficiency, system_losses_pct=losses, usable_fraction=usable)


@pn.cache(max_items=1)
def _communes_geo() -> pd.DataFrame:
    return sd.commune_geometries()


@pn.cache(max_items=8)
def _reference_yield(losses: float) -> pd.DataFrame:
    return sd.commune_reference_yield(system_losses_pct=losses)


@pn.cache(max_items=1)
def _provenance() -> pd.DataFrame:
    return sd.provenance()


@pn.cache(max_items=1)
def _unplaced() -> float:
    return float(sd.unplaced_dwellings()["dwellings"].sum())


class SolarState(param.Parameterized):
    """State of the solar page (synced to the URL); derived tables are cached by parameters."""

    roof_set = param.Selector(default="saint_denis_buildings", objects=list(ROOF_SETS))
    convention = param.Selector(default="modules", objects=list(CONVENTIONS))
    module_efficiency = param.Number(default=MODULE_EFFICIENCY, bounds=(0.10, 0.25), step=0.01)
    system_losses_pct = param.Number(default=14.0, bounds=(0.0, 30.0), step=1.0)
    usable_fraction = param.Number(default=1.0, bounds=(0.3, 1.0), step=0.05)
    indicator = param.Selector(default="yield_kwh_kwp", objects=list(INDICATORS))
    roof_id = param.String(default="")

    def key(self) -> tuple[float, float, float]:
        return (round(self.module_efficiency, 4), round(self.system_losses_pct, 2),
                round(self.usable_fraction, 4))

    @property
    def synthetic(self) -> bool:
        return self.roof_set == "synthetic_stock"

    def results(self) -> dict:
        """Roof table, one-row totals, class table and left-out roofs for the current state."""
        if self.synthetic:
            s = _stock(*self.key())
            t = s.commune_totals
            totals = pd.DataFrame([{"roofs": t["roofs"].sum(), "usable_area_m2": t["usable_area_m2"].sum(),
                                    "peak_power_mwp": t["peak_power_mwp"].sum(),
                                    "annual_gwh": t["annual_gwh"].sum()}])
            return {"roofs": s.top_roofs, "totals": totals, "classes": s.class_totals,
                    "bad": pd.DataFrame(columns=["row_id", "roof_id", "reason"])}
        return _real_results(self.roof_set, self.convention, *self.key())

    def commune_frame(self) -> pd.DataFrame:
        """Communes with the chosen indicator (synthetic-stock totals or modelled yield)."""
        geo = _communes_geo()
        if self.indicator == "yield_kwh_kwp":
            ref = _reference_yield(self.key()[1]).rename(columns={"specific_yield_kwh_kwp": "yield_kwh_kwp"})
            return geo.merge(ref[["commune_code", "yield_kwh_kwp"]], on="commune_code", how="left")
        totals = _stock(*self.key()).commune_totals.reset_index()
        return geo.merge(totals, on="commune_code", how="left")
