"""The deterministic synthetic demo region, at any scale (`region`), and its geometry (`geo`).
"""
