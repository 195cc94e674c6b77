"""What a run was made of (provenance.json) and what changed since an earlier run
(reanalysis.json).
"""
