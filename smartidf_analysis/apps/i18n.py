"""Page labels in French (default, for the region's officials) and English.

Code, docs and logs stay in English; only what a page shows goes through :func:`tr`.
The language comes from the ``lang`` URL parameter (``?lang=en``).
"""

from __future__ import annotations

import math

LANGS = ("fr", "en")

LABELS: dict[str, tuple[str, str]] = {
    "app_title": ("Smart IDF — analyses territoriales", "Smart IDF — territorial analysis"),
    "overview": ("Vue d'ensemble", "Overview"),
    "broadband": ("Très haut débit", "Broadband"),
    "commuting": ("Déplacements domicile-travail", "Commuting"),
    "telecentres": ("Télécentres", "Telecentres"),
    "finder": ("Mon télécentre", "My telecentre"),
    "solar": ("Potentiel solaire", "Solar potential"),
    "buildings": ("Bâtiments 2,5D", "Buildings 2.5D"),
    "territoire": ("Mon territoire", "My territory"),
    "synthetic_banner": (
        "Données SYNTHÉTIQUES de démonstration : aucun chiffre de cette page ne décrit "
        "l'Île-de-France réelle.",
        "SYNTHETIC demo data: no figure on this page describes the real Île-de-France."),
    "catalogue": ("Catalogue des données", "Data catalogue"),
    "build_issues": ("Anomalies de construction (codes non rapprochés)",
                     "Build issues (unmatched codes)"),
    "population_map": ("Population municipale par commune", "Population by commune"),
    "density_map": ("Densité de population (hab./km²)", "Population density (inh./km²)"),
    "indicator": ("Indicateur", "Indicator"),
    "population": ("Population", "Population"),
    "density_per_km2": ("Densité (hab./km²)", "Density (inh./km²)"),
    "paris_as_one": ("Paris en une seule commune", "Paris as one commune"),
    "download_csv": ("Télécharger (CSV)", "Download (CSV)"),
    "communes": ("communes", "communes"),
    "inhabitants": ("habitants", "inhabitants"),
    "area": ("superficie", "area"),
    "source": ("Source", "Source"),
    "error": ("Une erreur est survenue ; le détail est dans le journal du serveur.",
              "Something went wrong; details are in the server log."),
    "no_database": ("Base de données absente : lancer `smartidf data build`.",
                    "No database: run `smartidf data build`."),
    "missing_data": (
        "Données manquantes : la dernière construction de la base n'a pas pu obtenir les jeux "
        "de données ci-dessous, dont cette page a besoin. Rien n'est affiché plutôt que des "
        "chiffres incomplets.",
        "Missing data: the last database build could not get the datasets below, which this "
        "page needs. Nothing is shown rather than incomplete figures."),
    "missing_how": (
        "Pour les obtenir : `smartidf data fetch` (accès réseau, ou `SMARTIDF_DOWNLOAD_MIRROR` "
        "vers un miroir des fichiers d'origine) ou déposer les fichiers dans le dossier "
        "`SMARTIDF_MIRROR`, puis `smartidf data build`.",
        "To get them: `smartidf data fetch` (network access, or `SMARTIDF_DOWNLOAD_MIRROR` "
        "pointing at a mirror of the originals) or put the files in the `SMARTIDF_MIRROR` "
        "folder, then `smartidf data build`."),
    "missing_short": ("données manquantes :", "missing data:"),
    "language": ("English", "Français"),
    "log_scale": ("échelle logarithmique", "logarithmic scale"),
    "no_data": ("pas de donnée (voir le journal du serveur)", "no data (see the server log)"),
    "save_html": ("Enregistrer la page (HTML autonome)", "Save the page (standalone HTML)"),
    "url_ignored": ("Paramètre d'adresse ignoré", "URL parameter ignored"),
    "loading": ("Chargement des données…", "Loading the data…"),
    "bad_url": ("Adresse invalide : paramètres trop longs. Ouvrez la page sans paramètres.",
                "Invalid address: parameters too long. Open the page without parameters."),
}


def register(labels: dict[str, tuple[str, str]]) -> None:
    """Add a page's own labels (key -> (French, English)); a key may not change meaning.
    :class:`~smartidf_analysis.apps.page.Page` calls it with a page class's ``labels`` when the
    class is defined.

    Parameters
    ----------
    labels : dict of str to (str, str)
        Key -> (French, English).

    Raises
    ------
    ValueError
        When a key is already registered with other texts.
    """
    for key, value in labels.items():
        if key in LABELS and LABELS[key] != value:
            raise ValueError(f"label {key!r} already registered as {LABELS[key]!r}")
        LABELS[key] = value


def tr(key: str, lang: str = "fr") -> str:
    """The label ``key`` in ``lang`` (French when the language is unknown).

    Parameters
    ----------
    key : str
        A registered key.
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        The label.

    Raises
    ------
    KeyError
        For an unknown key (a page's own labels are known once its package is imported).
    """
    try:
        fr, en = LABELS[key]
    except KeyError:
        raise KeyError(f"unknown label {key!r}: the common ones are in apps/i18n.py, a "
                       "page's own are registered when its package is imported") from None
    return en if lang == "en" else fr


def fmt_number(value: float | None, lang: str = "fr", digits: int = 0) -> str:
    """A number formatted the French way (``12 345,6``) or the English way (``12,345.6``).

    Parameters
    ----------
    value : float or None
        The number (None or NaN: "—").
    lang : str
        ``"fr"`` (narrow no-break space, decimal comma) or ``"en"``.
    digits : int
        Decimals.

    Returns
    -------
    str
        The formatted number.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{digits}f}"
    if lang == "en":
        return text
    return text.replace(",", "\u202f").replace(".", ",")
