"""Operator and CI tooling: the `scripts/pu` wrapper, lock handling, affected stacks,
PR previews, apply-on-merge and nightly drift. Nothing here imports stack code."""
