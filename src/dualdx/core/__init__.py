"""Shared types and plumbing every layer uses: the variant model, errors, atomic writes, stage JSON
reading, genome constants, the stage runner.
"""
