"""Spec to IR: one module per spec concept."""
