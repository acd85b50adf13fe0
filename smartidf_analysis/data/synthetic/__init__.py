"""The deterministic synthetic demo region, at any scale (`region`): its geometry (`geo`), the
commune layer with commuting and fibre (`communes`), the other layers (`layers`).
"""
