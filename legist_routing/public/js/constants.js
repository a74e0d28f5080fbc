// The facts the server owns (closed and paused statuses, manager roles, reasons, the rule vocabulary, the
// audit trail's kinds), for every desk script of the app: in each desk user's boot (services/workspace.py
// boot_session), asked for only when a boot cached before an upgrade lacks them. Loaded with the desk
// (hooks.py app_include_js); read it when needed, not at load: legist_routing.known().then(...).
frappe.provide("legist_routing");
legist_routing.known = function () {
	if (!legist_routing._known) {
		legist_routing._known = Promise.resolve(
			frappe.boot.legist_routing || frappe.xcall("legist_routing.api.constants")
		);
	}
	return legist_routing._known;
};
