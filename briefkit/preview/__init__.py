"""The live preview: `build.py serve` rebuilds the HTML edition of what changed and reloads the browser."""
