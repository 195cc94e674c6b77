"""The counselor's report: HTML and PDF rendering, SVG figures, templates."""
