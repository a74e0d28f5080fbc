"""The Frappe glue around the pure engine, in layers (see pyproject.toml, [tool.importlinter])."""
