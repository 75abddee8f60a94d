"""`vigie audit` (`make audit`): pip-audit of both environments (.venv and .venv-rasa), one table
each, and a check that every known vulnerability found has its line in docs/reliability.md (what
the network can reach of it). Against PyPI's vulnerability data by default, or, with
`--advisory-db DIR`, against a local copy of PyPA's advisory database served on 127.0.0.1 in
OSV's query format.

Never installs, upgrades or removes a package: it reads and reports.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from vigie.settings import PROJECT_ROOT

ENVIRONMENTS = {
    "application (.venv)": PROJECT_ROOT / ".venv" / "bin" / "python",
    "Rasa (.venv-rasa)": PROJECT_ROOT / ".venv-rasa" / "bin" / "python",
}
PIP_AUDIT = PROJECT_ROOT / ".venv" / "bin" / "pip-audit"
REGISTER = PROJECT_ROOT / "docs" / "reliability.md"
NOT_FOUND = "Dependency not found on PyPI"


# ----- a local OSV query endpoint over PyPA's advisory database -----------------------------
def _plain(value: Any) -> Any:
    """YAML timestamps as OSV's RFC 3339 strings; everything else as JSON has it."""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def load_advisories(root: Path) -> dict[str, list[dict[str, Any]]]:
    """Advisories by canonical package name, from `vulns/<package>/*.yaml` (OSV format)."""
    index: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(root.glob("vulns/*/*.yaml")):
        advisory = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
        if advisory.get("withdrawn"):
            continue
        for affected in advisory.get("affected", []):
            package = affected.get("package", {})
            if package.get("ecosystem") == "PyPI":
                index.setdefault(canonicalize_name(package["name"]), []).append(advisory)
    return index


def _in_ranges(version: Version, ranges: list[dict[str, Any]]) -> bool:
    for span in ranges:
        if span.get("type") != "ECOSYSTEM":
            continue
        affected = False
        for event in span.get("events", []):
            try:
                if "introduced" in event:
                    start = event["introduced"]
                    affected = affected or start == "0" or version >= Version(start)
                elif ("fixed" in event and version >= Version(event["fixed"])) or (
                    "last_affected" in event and version > Version(event["last_affected"])
                ):
                    affected = False
            except InvalidVersion:
                continue
        if affected:
            return True
    return False


def affecting(advisories: list[dict[str, Any]], name: str, version: str) -> list[dict[str, Any]]:
    """The advisories that name this exact version of the package."""
    try:
        parsed = Version(version)
    except InvalidVersion:
        return []
    found = []
    for advisory in advisories:
        for affected in advisory.get("affected", []):
            if canonicalize_name(affected["package"]["name"]) != name:
                continue
            listed = version in [str(v) for v in affected.get("versions", [])]
            if listed or _in_ranges(parsed, affected.get("ranges", [])):
                found.append(advisory)
                break
    return found


@contextmanager
def osv_endpoint(root: Path) -> Iterator[str]:
    """POST /v1/query as OSV answers it, on a free 127.0.0.1 port, for the block."""
    index = load_advisories(root)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            name = canonicalize_name(query["package"]["name"])
            body = {"vulns": affecting(index.get(name, []), name, query["version"])}
            payload = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    finally:
        server.shutdown()
        server.server_close()


# ----- the audit -----------------------------------------------------------------------------
def audit(python: Path, osv_url: str | None) -> tuple[list[dict[str, Any]], int, int]:
    """pip-audit of the environment of `python`: (vulnerable packages, audited, not audited);
    prints pip-audit's own table."""
    service = ["-s", "osv", "--osv-url", osv_url] if osv_url else []
    command = [str(PIP_AUDIT), "--skip-editable", "--progress-spinner", "off", "-f", "json",
               "--desc", "off", *service]  # fmt: skip
    env = os.environ | {"PIPAPI_PYTHON_LOCATION": str(python)}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    if result.returncode not in (0, 1):
        raise RuntimeError(result.stderr.strip()[-2000:] or "pip-audit failed")
    report = json.loads(result.stdout)
    dependencies = report["dependencies"]
    skipped = [d for d in dependencies if "skip_reason" in d]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    return vulnerable, len(dependencies) - len(skipped), len(skipped)


def table(vulnerable: list[dict[str, Any]]) -> str:
    rows = [("package", "version", "advisory", "aliases", "fixed in")]
    for dependency in sorted(vulnerable, key=lambda d: d["name"]):
        for vuln in dependency["vulns"]:
            rows.append(
                (
                    dependency["name"],
                    dependency["version"],
                    vuln["id"],
                    ", ".join(a for a in vuln.get("aliases", []) if a.startswith("CVE")) or "-",
                    ", ".join(vuln.get("fix_versions", [])) or "-",
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def undocumented(vulnerable: list[dict[str, Any]], register: str) -> list[str]:
    """Advisories found that docs/reliability.md does not name (by id or by an alias)."""
    named = set(re.findall(r"\b(?:PYSEC|GHSA|CVE)-[\w-]+", register))
    return sorted(
        vuln["id"]
        for dependency in vulnerable
        for vuln in dependency["vulns"]
        if not ({vuln["id"], *vuln.get("aliases", [])} & named)
    )


def run(advisory_db: Path | None = None) -> int:
    """Audit both environments, print a table each; 0 only when every finding is assessed."""
    register = REGISTER.read_text(encoding="utf-8")
    missing: list[str] = []
    unreachable = False
    with osv_endpoint(advisory_db) if advisory_db else nullcontext() as osv_url:
        source = f"PyPA advisory database in {advisory_db}" if osv_url else "PyPI"
        for label, python in ENVIRONMENTS.items():
            vulnerable, audited, skipped = audit(python, osv_url)
            count = sum(len(d["vulns"]) for d in vulnerable)
            print(
                f"\n== {label}: {audited} packages audited against {source}, {skipped} not "
                f"audited; {count} known vulnerabilities in {len(vulnerable)} packages =="
            )
            if vulnerable:
                print(table(vulnerable))
            unreachable = unreachable or (audited == 0 and skipped > 0)
            missing += undocumented(vulnerable, register)
    if unreachable:
        print(
            "\nNo package could be audited: this machine does not reach PyPI's vulnerability "
            "data. Run `make audit ADVISORY_DB=<a copy of github.com/pypa/advisory-database>`.",
            file=sys.stderr,
        )
        return 2
    if missing:
        print(
            f"\nNot yet assessed in {REGISTER.relative_to(PROJECT_ROOT)}: {', '.join(missing)}",
            file=sys.stderr,
        )
        return 1
    print(f"\nEvery vulnerability found is assessed in {REGISTER.relative_to(PROJECT_ROOT)}.")
    return 0
