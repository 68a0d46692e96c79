"""Workflows over the numeric engine: sweeps, full tensors, verification, parallel maps."""
