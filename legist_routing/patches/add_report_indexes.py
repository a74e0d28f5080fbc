"""Sites made before the KPI report's indexes: add them (a new site gets them from each DocType's
``on_doctype_update`` as its table is made)."""

from legist_routing.legist_routing.doctype.case_task import case_task
from legist_routing.legist_routing.doctype.client_message import client_message
from legist_routing.legist_routing.doctype.routing_log import routing_log


def execute():
	for controller in (routing_log, client_message, case_task):
		controller.on_doctype_update()
