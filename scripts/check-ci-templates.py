#!/usr/bin/env python3
"""Checks the CI templates against docs/ci.md.

- action.yml, ci/gitlab/slac.yml and .pre-commit-hooks.yaml are valid YAML;
- the action's input names equal the names in the input table of docs/ci.md's "GitHub Actions"
  section, and every input has a description;
- the GitLab job publishes its JUnit file with artifacts:reports:junit, keeps the XML report and
  HTML page in artifacts:paths, with when: always, and its variables equal the documented ones;
- the pre-commit hook ids equal the documented ones, and every hook is for .sla files.

Usage: python3 scripts/check-ci-templates.py   (needs PyYAML: pip install pyyaml)
Exit 0 when everything matches, 1 with a list of the differences otherwise.
"""
import re
import sys
from pathlib import Path

try:
    import yaml
except ImportError:
    sys.exit("check-ci-templates.py: needs PyYAML (pip install pyyaml)")

ROOT = Path(__file__).resolve().parent.parent
problems = []


def load(relative):
    try:
        return yaml.safe_load((ROOT / relative).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        problems.append(f"{relative}: {error}")
        return None


def section(markdown, title):
    """The text of the `## title` section, up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    if not match:
        problems.append(f"docs/ci.md: no '## {title}' section")
        return ""
    return match.group(1)


def table_names(text):
    """The backticked names in the first column of the section's tables."""
    return {m.group(1) for m in re.finditer(r"^\|\s*`([^`]+)`\s*\|", text, re.M)}


def compare(what, actual, documented):
    for name in sorted(actual - documented):
        problems.append(f"{what}: '{name}' is not documented in docs/ci.md")
    for name in sorted(documented - actual):
        problems.append(f"{what}: docs/ci.md documents '{name}', which does not exist")


docs = (ROOT / "docs/ci.md").read_text(encoding="utf-8")
if "| exit | meaning | what CI should do |" not in docs:
    problems.append("docs/ci.md: the exit-code table is gone")

action = load("action.yml")
if action is not None:
    inputs = action.get("inputs") or {}
    compare("action.yml input", set(inputs), table_names(section(docs, "GitHub Actions")))
    for name, spec in inputs.items():
        if not (spec or {}).get("description"):
            problems.append(f"action.yml: input '{name}' has no description")
    runs = action.get("runs") or {}
    if runs.get("using") != "composite":
        problems.append("action.yml: not a composite action")
    scripts = " ".join(step.get("run", "") for step in runs.get("steps", []))
    if "slac verify" not in scripts and "(slac verify" not in scripts:
        problems.append("action.yml: no step runs slac verify")
    if "upload" in " ".join(str(step.get("uses", "")) for step in runs.get("steps", [])):
        problems.append("action.yml: the action uploads something itself")

gitlab = load("ci/gitlab/slac.yml")
if gitlab is not None:
    job = gitlab.get(".slac-verify")
    if not isinstance(job, dict):
        problems.append("ci/gitlab/slac.yml: no .slac-verify job")
    else:
        artifacts = job.get("artifacts") or {}
        junit = (artifacts.get("reports") or {}).get("junit")
        paths = artifacts.get("paths") or []
        if not junit:
            problems.append("ci/gitlab/slac.yml: no artifacts:reports:junit")
        if artifacts.get("when") != "always":
            problems.append("ci/gitlab/slac.yml: artifacts are not kept when: always")
        for suffix in (".xml", ".html"):
            if not any(p.endswith(suffix) and p != junit for p in paths):
                problems.append(f"ci/gitlab/slac.yml: no {suffix} report in artifacts:paths")
        script = " ".join(job.get("script") or [])
        if "slac verify" not in script or junit not in script:
            problems.append("ci/gitlab/slac.yml: the script does not run slac verify writing the JUnit file")
        compare("ci/gitlab/slac.yml variable", set(job.get("variables") or {}),
                table_names(section(docs, "GitLab CI")))

hooks = load(".pre-commit-hooks.yaml")
if hooks is not None:
    ids = {hook.get("id") for hook in hooks}
    documented = table_names(section(docs, "pre-commit"))
    compare(".pre-commit-hooks.yaml hook", ids, documented)
    for hook in hooks:
        if hook.get("files") != r"\.sla$" or hook.get("language") != "system":
            problems.append(f".pre-commit-hooks.yaml: {hook.get('id')} is not a system hook for .sla files")
        if not str(hook.get("entry", "")).startswith("slac "):
            problems.append(f".pre-commit-hooks.yaml: {hook.get('id')} does not run slac")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"check-ci-templates.py: OK (action inputs: {', '.join(inputs)}; "
      f"GitLab variables: {', '.join(job['variables'])}; hooks: {', '.join(sorted(ids))})")
