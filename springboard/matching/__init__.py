"""Pure-Python taxonomy matching: occupation ranking, skill extraction, matching engine.

Nothing in this package imports Django; the Django apps call into it (see docs/matching.md).
"""
