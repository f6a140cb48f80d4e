"""Release builds: planning, artifact keys, worker processes, dist/ state, manifest, download page."""
