"""Clinical interpretation: phenotype match, inheritance, ACMG/AMP classification, diagnoses and
the dual-diagnosis decision.
"""
