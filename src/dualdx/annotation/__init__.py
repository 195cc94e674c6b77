"""Variant annotation: consequence and HGVS on the MANE transcript, the annotation stage, the
ClinVar panel index.
"""
