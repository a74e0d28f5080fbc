"""Rules and policies saved before versions were kept: what each says now is its version 1 ("Recorded")."""

from legist_routing.services import versions


def execute():
	versions.record_missing()
