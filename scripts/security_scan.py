"""CI's security scans: bandit over our code (any finding fails; justified exceptions are
`# nosec <id>` lines with the reason beside them, or skips in pyproject.toml), and
pip-audit over the installed packages where it can reach its vulnerability data.

pip-audit needs pypi.org (or osv.dev); a machine without that route gets a notice, not a
silent pass: the output says how many packages could not be audited.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def bandit() -> int:
    print("bandit:", flush=True)
    return subprocess.call([BIN / "bandit", "-q", "-c", "pyproject.toml", "-r", "."], cwd=ROOT)


def pip_audit() -> int:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.call(
            [BIN / "pip-audit", "--progress-spinner", "off", "-f", "json", "-o", out.name],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=300,
        )
        try:
            report = json.loads(Path(out.name).read_text() or "{}")
        except json.JSONDecodeError:
            report = {}
    dependencies = report.get("dependencies", [])
    audited = [dep for dep in dependencies if not dep.get("skip_reason")]
    vulnerable = [dep for dep in audited if dep.get("vulns")]
    for dep in vulnerable:
        ids = ", ".join(vuln["id"] for vuln in dep["vulns"])
        print(f"pip-audit: {dep['name']} {dep['version']}: {ids}")
    if dependencies and not audited:
        print(
            f"pip-audit: NOTICE: none of {len(dependencies)} packages could be audited "
            "(no route to the vulnerability data from this machine); not a pass."
        )
    else:
        print(f"pip-audit: {len(audited)} packages audited, {len(vulnerable)} vulnerable")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(bandit() or pip_audit())
