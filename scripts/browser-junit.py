#!/usr/bin/env python3
"""Turn `node --test --test-reporter=junit` output into the JUnit shape scripts/test.sh counts.

Node 20 writes bare <testcase> elements under <testsuites> (no <testsuite tests= failures=>), and
copies ANSI colour codes from error messages into the XML, which no XML parser accepts. This writes
one <testsuite name="browser" tests= failures= errors= skipped=> holding every test case.

Usage: browser-junit.py RAW OUT NODE_EXIT_CODE [WHY]
A run that failed without reporting a failed test (server down, node crashed, nothing ran) is
recorded as one failed test case named after WHY, so a browser suite is never counted as passed or
skipped when it did not run.
"""

import re
import sys
import xml.etree.ElementTree as ET

raw_path, out_path, code = sys.argv[1], sys.argv[2], int(sys.argv[3])
why = sys.argv[4] if len(sys.argv) > 4 else "browser suite"

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

cases, problem = [], None
try:
	text = open(raw_path, encoding="utf-8", errors="replace").read()
	if text.strip():
		root = ET.fromstring(INVALID_XML.sub("", ANSI.sub("", text)))
		cases = list(root.iter("testcase"))
	else:
		problem = "the browser suite wrote no results"
except FileNotFoundError:
	problem = "the browser suite did not run"
except ET.ParseError as exc:
	problem = f"unreadable browser results ({exc})"

failures = sum(1 for c in cases if c.find("failure") is not None or c.find("error") is not None)
skipped = sum(1 for c in cases if c.find("skipped") is not None and c.find("failure") is None)
if problem is None and not cases:
	problem = "no browser test ran"
if problem is None and code != 0 and failures == 0:
	problem = f"node --test exited with {code}"
if problem:
	case = ET.Element("testcase", name=why, classname="browser")
	ET.SubElement(case, "failure", message=problem).text = problem
	cases.append(case)
	failures += 1

suite = ET.Element(
	"testsuite",
	name="browser",
	tests=str(len(cases)),
	failures=str(failures),
	errors="0",
	skipped=str(skipped),
	time=f"{sum(float(c.get('time') or 0) for c in cases):.3f}",
)
suite.extend(cases)
testsuites = ET.Element("testsuites")
testsuites.append(suite)
ET.ElementTree(testsuites).write(out_path, encoding="utf-8", xml_declaration=True)
print(
	f"browser suite: {len(cases) - failures - skipped} passed, {failures} failed"
	+ (f", {skipped} skipped" if skipped else "")
	+ (f" ({problem})" if problem else ""),
	file=sys.stderr,
)
sys.exit(1 if failures else 0)
