"""Training-report scoring: the rubric (docs/RUBRIC.md), evidence, the report document, comparisons and
weakness signals. Pure and deterministic: the same session input always gives the same report."""
