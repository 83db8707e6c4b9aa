"""Known vulnerabilities in the locked dependencies: pip-audit over uv.lock's export.

    python bench/dependency_audit.py     # part of `make audit`

Every package pinned in uv.lock (production and development) is looked up in pip-audit's
vulnerability source (PyPI's advisory data unless --service says otherwise). A run passes
only when every package was actually checked: pip-audit itself says "No known
vulnerabilities found" even when it could check none of them, so its JSON report is read
instead of its summary line.

Exit status: 0 when every package was checked and none has a known vulnerability; 1 when
some have; 2 when the source could not be reached or some packages could not be checked, so
the run proves nothing about them.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEAN, VULNERABLE, UNCHECKED = 0, 1, 2


def export_requirements(target: Path) -> None:
    """uv.lock as a pinned, hashed requirements file (``uv run`` tells us where uv is)."""
    uv = shlex.split(os.environ.get("UV", "uv"))
    subprocess.run(
        [
            *uv,
            "export",
            "--frozen",
            "--format",
            "requirements-txt",
            "--no-emit-project",
            "--quiet",
            "--output-file",
            str(target),
        ],
        cwd=ROOT,
        check=True,
    )


def summarize(report: dict) -> tuple[int, list[str]]:
    """The exit status and the lines to print for one pip-audit JSON report."""
    dependencies = report.get("dependencies", [])
    unchecked = [d for d in dependencies if "skip_reason" in d]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    lines = [
        f"{len(dependencies)} locked packages: {len(dependencies) - len(unchecked)} checked, "
        f"{len(unchecked)} not checked, {len(vulnerable)} with known vulnerabilities."
    ]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release yet"
            lines.append(
                f"  VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']}"
                f" (fixed in {fixed})"
            )
    for dependency in unchecked:
        lines.append(f"  NOT CHECKED {dependency['name']}: {dependency['skip_reason']}")
    if vulnerable:
        return VULNERABLE, lines
    if unchecked or not dependencies:
        lines.append(
            "The vulnerability source could not vouch for these packages: this run proves "
            "nothing about them."
        )
        return UNCHECKED, lines
    lines.append("No known vulnerabilities in any locked package.")
    return CLEAN, lines


def audit(requirements: Path, *, service: str = "pypi", cache_dir: Path | None = None) -> int:
    with tempfile.TemporaryDirectory(prefix="comparator-pip-audit-") as workdir:
        output = Path(workdir) / "report.json"
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(requirements),
            "--disable-pip",  # every requirement is pinned and hashed: nothing to resolve
            "--vulnerability-service",
            service,
            "--format",
            "json",
            "--output",
            str(output),
            "--progress-spinner",
            "off",
        ]
        if cache_dir:
            command += ["--cache-dir", str(cache_dir)]
        done = subprocess.run(command, capture_output=True, text=True)
        try:
            report = json.loads(output.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # No report at all: pip-audit stopped, typically on a network error.
            reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"Dependency audit: could not reach the vulnerability source ({service}).")
            print(f"  pip-audit exited with status {done.returncode}: {reason}")
            print("Nothing was checked: this is not a clean result.")
            return UNCHECKED
    status, lines = summarize(report)
    print(f"Dependency audit ({service}):")
    print("\n".join(lines))
    return status


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requirements", type=Path, help="audit this file instead of uv.lock's export"
    )
    parser.add_argument("--service", default="pypi", choices=["pypi", "osv"])
    parser.add_argument("--cache-dir", type=Path, help="pip-audit's HTTP cache")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="comparator-audit-") as workdir:
        requirements = args.requirements
        if requirements is None:
            requirements = Path(workdir) / "requirements.txt"
            export_requirements(requirements)
        return audit(requirements, service=args.service, cache_dir=args.cache_dir)


if __name__ == "__main__":
    sys.exit(main())
