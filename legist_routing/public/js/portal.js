// The client portal's upload: one requested item at a time, the server's refusal shown as it is.
document.querySelectorAll(".legist-upload").forEach((form) => {
	form.addEventListener("submit", async (event) => {
		event.preventDefault();
		const card = form.closest(".legist-request");
		const error = card.querySelector(".legist-upload-error");
		const button = form.querySelector("button");
		const body = new FormData(form);
		body.append("request", card.dataset.request);
		error.hidden = true;
		button.disabled = true;
		try {
			const response = await fetch("/api/method/legist_routing.api.portal_upload", {
				method: "POST",
				headers: { "X-Frappe-CSRF-Token": window.legist_csrf, Accept: "application/json" },
				body,
			});
			if (response.ok) {
				window.location.reload();
				return;
			}
			error.textContent = await refusal(response);
		} catch (e) {
			error.textContent = window.legist_upload_failed;
		}
		error.hidden = false;
		button.disabled = false;
	});
});

async function refusal(response) {
	try {
		const data = await response.json();
		if (data._server_messages) {
			const messages = JSON.parse(data._server_messages).map((m) => JSON.parse(m).message);
			return messages.join(" ");
		}
		if (data.exception) return data.exception.split(":").slice(1).join(":").trim();
	} catch (e) {
		// not JSON: fall through
	}
	return window.legist_upload_failed;
}
