"""The README tells the truth: two quick-start commands, the CI runs the test one, paths it and docs/ name exist."""

from __future__ import annotations

import re

from tests.support import paths

ROOT = paths.ROOT
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [b.strip() for b in blocks[:2]]


def test_quick_start_is_two_commands_install_and_serve_then_install_and_test() -> None:
    serve, test = quick_start_commands()
    assert "\n" not in serve and "\n" not in test
    assert "pip install" in serve and "isic-graph init --samples" in serve and serve.endswith("isic-graph serve")
    assert "pip install" in test and "pytest" in test
    assert "ruff check" in test and "mypy --strict" in test  # the linter and the type checker run with the suite


def test_ci_runs_the_readme_test_command() -> None:
    _, test = quick_start_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test.replace(" -q", "") in ci.replace(" -q", "")


def test_files_named_in_the_readme_and_the_docs_exist() -> None:
    texts = [README, *(page.read_text(encoding="utf-8") for page in sorted((ROOT / "docs").glob("*.md")))]
    named = r"(?<![/\w])((?:queries|samples|templates|ontology|shapes|tests|isic_graph|bench)/[\w./-]+\.\w+)"
    for text in texts:
        for path in set(re.findall(named, text)):
            if "*" not in path:
                assert (ROOT / path).exists(), path


def test_server_module_exposes_the_app_factory() -> None:
    import server
    from isic_graph.web import create_app

    assert server.create_app is create_app
