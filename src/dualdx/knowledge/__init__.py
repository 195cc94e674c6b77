"""Knowledge sources: ClinVar, gnomAD, HPO, transcript models, reference sequence, in-silico
scores, online services, downloads.
"""
