// The workspace's Rule Simulator: a page only managers may open (its roles; Frappe hides the shortcut from
// everyone else), which opens a new Routing Rule with the simulator (public/js/routing_rule.js reads the
// ?simulate=1 of the navigation). Replaced in the history, so Back returns to the workspace.
frappe.pages["rule-simulator"].on_page_load = function () {
	window.location.replace("/app/routing-rule/new?simulate=1");
};
