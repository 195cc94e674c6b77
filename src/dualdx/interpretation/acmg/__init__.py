"""ACMG/AMP criteria, combining rules and the classification stage."""
