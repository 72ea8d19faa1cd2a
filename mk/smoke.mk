# smoke targets: see mk/smoke.mk (filled in by the pipeline work).
