"""dualdx: gene-panel variant interpretation that detects dual genetic diagnoses."""

__version__ = "0.1.0"
