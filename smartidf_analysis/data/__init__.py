"""The data layer: catalogue, fetch, sources (one reader per producer), harmonisation, schema, the
atomic build, and `db` (the only importer of duckdb, with its SQL in sql/).
"""
