"""Checking what a run showed against the expected run: one module per family of rules."""
