"""`make audit`'s dependency audit: a source it cannot reach is never a clean result."""

from bench.dependency_audit import CLEAN, UNCHECKED, VULNERABLE, audit, summarize
from bench.serving import free_port

# One pinned, hashed requirement, as uv export writes them.
REQUIREMENTS = """\
asgiref==3.13.0 \\
    --hash=sha256:034cc8cbf72d00553b4be256703ac545120b4e50af13b49dec99da899aeeecb4 \\
    --hash=sha256:f9596a2434512686473d50f96ff6207fbba49ae1a785dfac614df4aeb085674d
"""


def test_an_unreachable_vulnerability_source_fails_the_audit(tmp_path, monkeypatch, capsys):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(REQUIREMENTS)
    # Every request goes through a proxy on a closed local port: the source is unreachable.
    closed = f"http://127.0.0.1:{free_port()}"
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.setenv(name, closed)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    status = audit(requirements, cache_dir=tmp_path / "cache")
    out = capsys.readouterr().out
    assert status == UNCHECKED
    assert "could not reach the vulnerability source (pypi)" in out
    assert "not a clean result" in out
    assert "No known vulnerabilities" not in out


def test_packages_pip_audit_skipped_are_not_reported_clean():
    # pip-audit's own report when the source answers "not found" for everything: it prints
    # "No known vulnerabilities found" and exits 0 for this.
    report = {
        "dependencies": [
            {
                "name": "asgiref",
                "skip_reason": "Dependency not found on PyPI and could not be audited: "
                "asgiref (3.13.0)",
            },
            {"name": "django", "version": "6.1", "vulns": []},
        ]
    }
    status, lines = summarize(report)
    assert status == UNCHECKED
    assert lines[0] == "2 locked packages: 1 checked, 1 not checked, 0 with known vulnerabilities."
    assert any(line.startswith("  NOT CHECKED asgiref:") for line in lines)
    assert summarize({"dependencies": []})[0] == UNCHECKED


def test_known_vulnerabilities_and_a_clean_run():
    vulnerable = {
        "dependencies": [
            {
                "name": "django",
                "version": "6.1",
                "vulns": [{"id": "PYSEC-2026-1", "fix_versions": ["6.1.1"]}],
            },
            {"name": "asgiref", "version": "3.13.0", "vulns": []},
        ]
    }
    status, lines = summarize(vulnerable)
    assert status == VULNERABLE
    assert "  VULNERABLE django 6.1: PYSEC-2026-1 (fixed in 6.1.1)" in lines
    clean = {"dependencies": [{"name": "asgiref", "version": "3.13.0", "vulns": []}]}
    status, lines = summarize(clean)
    assert status == CLEAN
    assert lines[-1] == "No known vulnerabilities in any locked package."
