"""Two versions of a rule or a policy, compared: what changed, field by field and down to the leaf.

Versions are plain JSON (a rule in the guide's shape, a policy as its stages); the services keep them and
give them labels. Here only the comparison, as data: each top-level field with its value in both versions,
and for a changed field the paths inside it that differ (``conditions.all[1].value``), so a manager sees
which condition changed, not just that the conditions did.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

ChangeKind = Literal["changed", "added", "removed"]


class Change(TypedDict):
	path: str  # keys and [index]es from the top of the version: "actions[0].dueInDays", 'conditions["case.type"]'
	kind: ChangeKind  # added: only in the newer version; removed: only in the older
	before: Any
	after: Any


class FieldDiff(TypedDict):
	field: str
	before: Any
	after: Any
	changed: bool
	changes: list[Change]


_MISSING: Any = object()


def _join(path: str, key: str) -> str:
	"""``conditions.all``, and a key that is a dotted fact as ``conditions["case.type"]``."""
	if not key.isidentifier():
		return f'{path}["{key}"]'
	return f"{path}.{key}" if path else key


def changes(before: Any, after: Any, path: str = "") -> list[Change]:
	"""Every leaf that differs between ``before`` and ``after``: objects key by key (in the order the
	newer version gives them, then keys it dropped), lists item by item, anything else as a whole.

	A value whose type changed (a leaf that became a group) is one change at its own path."""
	if isinstance(before, dict) and isinstance(after, dict):
		found: list[Change] = []
		for key in [*after, *(k for k in before if k not in after)]:
			found += changes(before.get(key, _MISSING), after.get(key, _MISSING), _join(path, str(key)))
		return found
	if isinstance(before, list) and isinstance(after, list):
		found = []
		for i in range(max(len(before), len(after))):
			found += changes(
				before[i] if i < len(before) else _MISSING,
				after[i] if i < len(after) else _MISSING,
				f"{path}[{i}]",
			)
		return found
	if before is _MISSING and after is _MISSING:
		return []
	if before is _MISSING:
		return [{"path": path, "kind": "added", "before": None, "after": after}]
	if after is _MISSING:
		return [{"path": path, "kind": "removed", "before": before, "after": None}]
	if _same(before, after):
		return []
	return [{"path": path, "kind": "changed", "before": before, "after": after}]


def _same(a: Any, b: Any) -> bool:
	"""Equal as JSON: ``True`` is not ``1``, and ``1`` is ``1.0``."""
	if isinstance(a, bool) or isinstance(b, bool):
		return type(a) is type(b) and a == b
	return bool(a == b)


def compare(before: dict[str, Any], after: dict[str, Any], order: tuple[str, ...] = ()) -> list[FieldDiff]:
	"""The two versions field by field: ``order`` first (the form's order), then any other field either
	version has. A field neither version has is left out."""
	fields = [*order, *(k for k in after if k not in order), *(k for k in before if k not in order)]
	result: list[FieldDiff] = []
	for field in dict.fromkeys(fields):
		if field not in before and field not in after:
			continue
		found = changes(before.get(field, _MISSING), after.get(field, _MISSING), field)
		result.append(
			{
				"field": field,
				"before": before.get(field),
				"after": after.get(field),
				"changed": bool(found),
				"changes": found,
			}
		)
	return result


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
	"""The top-level fields that differ; none for a first version (nothing to differ from)."""
	if before is None:
		return []
	return [d["field"] for d in compare(before, after) if d["changed"]]
