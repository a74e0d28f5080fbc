"""Shared by the benchmark scripts (run as `python benchmarks/<script>.py`, so this folder is on sys.path)."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def app_version() -> str:
	"""The app's commit, with "+changes" when its code has uncommitted edits ("?" without git)."""
	git = ["git", "-C", str(REPO)]
	try:
		head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout
		dirty = subprocess.run(
			[*git, "status", "--porcelain", "--", "legist_routing"], capture_output=True, text=True
		).stdout
	except OSError:
		return "?"
	return (head.strip() or "?") + ("+changes" if dirty.strip() else "")
