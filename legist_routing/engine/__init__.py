"""The routing engine: plain Python, no Frappe. Time, calendars and workloads come in as arguments."""
