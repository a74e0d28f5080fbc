#!/usr/bin/env bash
# Debian packages the integration suite needs beside Frappe, installed once and then left alone:
#   - wkhtmltopdf: Frappe renders print formats to PDF with it (the security suite downloads PDFs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

command -v wkhtmltopdf >/dev/null || apt_install "for Frappe's PDF print views" wkhtmltopdf
