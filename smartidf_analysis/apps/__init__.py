"""Panel applications: one param-driven Viewer per page plus the shared shell.

This sub-package is the only importer of panel in the project.
"""
