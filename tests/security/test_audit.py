"""`make audit` (issue 13, item 9): the local OSV endpoint over PyPA's advisory database answers
as OSV does (explicit versions, ranges, withdrawn entries left out), and a finding counts as
assessed only when docs/reliability.md names it by its id or an alias."""

from __future__ import annotations

from pathlib import Path

import httpx
import yaml

from ops.audit import REGISTER, osv_endpoint, undocumented

ADVISORIES = {
    "PYSEC-2099-1": {
        "aliases": ["CVE-2099-0001"],
        "affected": [{"package": {"name": "Some_Lib", "ecosystem": "PyPI"},
                      "ranges": [{"type": "ECOSYSTEM",
                                  "events": [{"introduced": "1.2"}, {"fixed": "1.4.1"}]}]}],
    },
    "PYSEC-2099-2": {
        "affected": [{"package": {"name": "some-lib", "ecosystem": "PyPI"},
                      "versions": ["0.9"]}],
    },
    "PYSEC-2099-3": {
        "withdrawn": "2099-01-01T00:00:00Z",
        "affected": [{"package": {"name": "some-lib", "ecosystem": "PyPI"},
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}],
    },
}  # fmt: skip


def test_the_local_endpoint_answers_like_osv(tmp_path: Path) -> None:
    folder = tmp_path / "vulns" / "some-lib"
    folder.mkdir(parents=True)
    for advisory_id, body in ADVISORIES.items():
        text = yaml.safe_dump({"id": advisory_id, "published": "2099-01-01T00:00:00Z", **body})
        (folder / f"{advisory_id}.yaml").write_text(text)
    with osv_endpoint(tmp_path) as url:

        def ids(name: str, version: str) -> list[str]:
            query = {"package": {"name": name, "ecosystem": "PyPI"}, "version": version}
            return [v["id"] for v in httpx.post(url, json=query).json()["vulns"]]

        assert ids("some-lib", "1.3") == ["PYSEC-2099-1"]
        assert ids("SOME.LIB", "1.2") == ["PYSEC-2099-1"]  # names compared canonically
        assert ids("some-lib", "1.4.1") == []
        assert ids("some-lib", "0.9") == ["PYSEC-2099-2"]
        assert ids("other", "1.3") == []


def test_a_finding_is_assessed_only_when_the_register_names_it() -> None:
    found = [{"name": "x", "version": "1", "vulns": [
        {"id": "GHSA-aaaa-bbbb-cccc", "aliases": ["CVE-2099-0001"]},
        {"id": "PYSEC-2099-2", "aliases": []},
    ]}]  # fmt: skip
    register = "| x 1 | CVE-2099-0001 | install time only: not reachable |"
    assert undocumented(found, register) == ["PYSEC-2099-2"]
    assert "PYSEC-2023-228" not in undocumented(
        [{"name": "pip", "version": "23.2.1", "vulns": [{"id": "PYSEC-2023-228"}]}],
        REGISTER.read_text(encoding="utf-8"),
    )
