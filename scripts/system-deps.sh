#!/usr/bin/env bash
# Debian packages the integration suite needs beside Frappe, installed once and then left alone:
#   - wkhtmltopdf: Frappe renders print formats to PDF with it (the security suite downloads PDFs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if ! command -v wkhtmltopdf >/dev/null; then
	command -v apt-get >/dev/null || die "wkhtmltopdf is missing and apt-get is not available to install it"
	sudo=""
	[ "$(id -u)" -ne 0 ] && sudo="sudo"
	log "installing Debian's wkhtmltopdf (apt), for Frappe's PDF print views"
	$sudo apt-get update -qq || die "apt-get update failed: cannot install wkhtmltopdf"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wkhtmltopdf >/dev/null \
		|| die "could not install wkhtmltopdf: PDF print views cannot be tested"
fi
