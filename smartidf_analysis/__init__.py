"""smartidf-analysis: open analysis toolkit for Île-de-France smart-territory questions."""

__version__ = "0.1.0"
