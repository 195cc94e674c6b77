"""What the user gives: configuration, sample sheet, panel, pedigree, phenotypes, VCF reading and
the panel filter.
"""
