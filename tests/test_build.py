"""The real-data build: acceptance figures, atomicity, no-op rebuilds and bad input."""

from __future__ import annotations

import gzip
import shutil

import duckdb
import pytest

from smartidf_analysis import cli
from smartidf_analysis.data import build, catalog, fetch

pytestmark = pytest.mark.realdata


def _one(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()[0]


def test_acceptance_figures(real_db, mirror):
    con = duckdb.connect(str(real_db), read_only=True)
    communes, arrondissements, population, area = _one(con, """
        SELECT count(*) FILTER (WHERE kind = 'COM'), count(*) FILTER (WHERE kind = 'ARM'),
               sum(population) FILTER (WHERE kind = 'COM'), sum(area_km2) FILTER (WHERE kind = 'COM')
        FROM communes""")
    # the current COG (1,265 communes + Paris) plus the 20 arrondissements
    cog = (mirror / "insee_cog_communes_idf.csv").read_text(encoding="utf-8").splitlines()
    assert communes == sum(line.startswith("COM,") for line in cog) == 1266
    assert arrondissements == 20
    assert abs(area - 12_000) <= 100
    # population equals the INSEE 2023 legal population of the region (sum of the file's PMUN)
    pop_file = mirror / "insee_populations_legales_2023_communes_idf.csv"
    legal = duckdb.sql(f"SELECT sum(PMUN) FROM read_csv('{pop_file}', delim=';', header=true)"
                       ).fetchall()[0][0]
    assert population == legal
    workers = _one(con, "SELECT sum(workers) FROM commuting_flows")[0]
    assert abs(workers - 5_323_745) <= 1
    assert _one(con, "SELECT count(DISTINCT quarter) FROM fibre_deployment")[0] == 3
    # every unmapped code is listed, with what it carries
    unmatched = con.execute("""SELECT DISTINCT home_code FROM commuting_flows
                               WHERE home_code NOT IN (SELECT commune_code FROM communes)""").fetchall()
    listed = {r[0] for r in con.execute(
        "SELECT code FROM build_issues WHERE dataset_id = 'insee_mobpro_2014'").fetchall()}
    assert {r[0] for r in unmatched} <= listed
    assert _one(con, "SELECT count(*) FROM provenance")[0] == len(catalog.DATASETS)
    assert not _one(con, "SELECT bool_or(synthetic) FROM provenance")[0]
    con.close()


def test_rebuild_with_unchanged_inputs_is_a_noop(real_db, mirror, monkeypatch):
    monkeypatch.setenv("SMARTIDF_MIRROR", str(mirror))
    before = fetch.sha256_of(real_db)
    result = build.build(path=real_db, progress=False)
    assert not result.changed and "up to date" in result.message
    assert fetch.sha256_of(real_db) == before


# ------------------------------------------------------------------------------- bad input
def _broken_mirror(mirror, tmp_path, file_name, mutate):
    folder = tmp_path / "mirror"
    folder.mkdir()
    for f in mirror.iterdir():
        (folder / f.name).symlink_to(f)
    target = folder / file_name
    target.unlink()
    data = (mirror / file_name).read_bytes()
    if file_name.endswith(".gz"):
        target.write_bytes(gzip.compress(mutate(gzip.decompress(data))))
    else:
        target.write_bytes(mutate(data))
    return folder


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _replace_line(n: int, new: bytes):
    def mutate(data: bytes) -> bytes:
        lines = _lines(data)
        lines[n - 1] = new
        return b"\n".join(lines)
    return mutate


BAD_INPUTS = {
    "truncated csv": ("arcep_ftth_deploiement_communes_2017T3-2018T1_idf.csv",
                      lambda d: d[: len(d) // 2], ["line"]),
    "missing column": ("idf_mobpro2014_flows_mode_csp.csv.gz",
                       lambda d: d.replace(b"ORI,DES,MODE,CSP,FLOW", b"ORI,DES,MODE,CSP,FLUX", 1),
                       ["FLOW"]),
    "wrong separator": ("insee_populations_legales_2023_communes_idf.csv",
                        lambda d: d.replace(b";", b","), []),
    "non-utf8 bytes": ("insee_cog_communes_idf.csv",
                       lambda d: d.replace("Écuelles".encode(), "Écuelles".encode("latin-1")),
                       ["line"]),
    "empty file": ("idfm_emplacement-des-gares-idf.csv", lambda d: b"", []),
    "duplicate keys": ("arcep_thd_informations_communes_2018T1_idf.csv",
                       lambda d: d + _lines(d)[5] + b"\n", ["line", "duplicate"]),
    "negative counts": ("idf_mobpro2014_flows_mode_csp.csv.gz",
                        _replace_line(3, b"75107,75107,DOMICILE,1,-2.5,paris-7e,paris-7e"),
                        ["line 3", "negative"]),
    "unknown commune code": ("idf_mobpro2014_flows_mode_csp.csv.gz",
                             _replace_line(4, b"99999,75107,DOMICILE,1,2.5,nowhere,paris-7e"),
                             ["line 4", "99999"]),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_named_and_leaves_the_database_untouched(case, real_db, mirror, tmp_path,
                                                             monkeypatch, capsys):
    file_name, mutate, expected = BAD_INPUTS[case]
    folder = _broken_mirror(mirror, tmp_path, file_name, mutate)
    db_copy = tmp_path / "smartidf.duckdb"
    shutil.copy(real_db, db_copy)
    before = fetch.sha256_of(db_copy)
    monkeypatch.setenv("SMARTIDF_MIRROR", str(folder))
    monkeypatch.setenv("SMARTIDF_DB", str(db_copy))
    code = cli.main(["data", "build", "--no-verify", "--quiet", "--force"])
    err = capsys.readouterr().err
    assert code != 0
    assert file_name in err, err
    for word in expected:
        assert word.lower() in err.lower(), err
    assert "Traceback" not in err
    assert fetch.sha256_of(db_copy) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mirror", "smartidf.duckdb"]


def test_checksum_mismatch_fails_the_build(real_db, mirror, tmp_path, monkeypatch, capsys):
    name = "insee_cog_communes_idf.csv"
    folder = _broken_mirror(mirror, tmp_path, name, lambda d: d + b"\n")
    db_copy = tmp_path / "smartidf.duckdb"
    shutil.copy(real_db, db_copy)
    before = fetch.sha256_of(db_copy)
    monkeypatch.setenv("SMARTIDF_MIRROR", str(folder))
    monkeypatch.setenv("SMARTIDF_DB", str(db_copy))
    monkeypatch.setenv("SMARTIDF_OFFLINE", "1")
    code = cli.main(["data", "build", "--quiet", "--force"])
    err = capsys.readouterr().err
    assert code != 0 and name in err and "checksum mismatch" in err
    assert fetch.sha256_of(db_copy) == before
