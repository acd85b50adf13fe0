"""Headline figures, the notebook runner and the stamped reports of the studies.
"""
