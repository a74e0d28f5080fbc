frappe.listview_settings["Case Task"] = {
	add_fields: ["status", "acknowledged_at", "ack_due", "unroutable"],
	get_indicator(doc) {
		if (doc.unroutable) return [__("Unroutable"), "red", "unroutable,=,1"];
		if (doc.status === "Open" && !doc.acknowledged_at && doc.ack_due && frappe.datetime.str_to_obj(doc.ack_due) < new Date())
			return [__("Not acknowledged"), "orange", "status,=,Open"];
		const colors = { Open: "blue", Acknowledged: "cyan", "In Progress": "yellow", "Draft Ready": "purple", Completed: "green", Cancelled: "gray" };
		return [__(doc.status), colors[doc.status] || "gray", `status,=,${doc.status}`];
	},
	onload(listview) {
		listview.page.add_action_item(__("Acknowledge"), () => {
			const names = listview.get_checked_items(true);
			frappe.call("legist_routing.api.acknowledge_tasks", { names }).then(() => listview.refresh());
		});
	},
};
