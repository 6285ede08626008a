"""The core names no service: everything a built-in service has, it declares in its folder.

The words are taken from the installed services themselves (their names, prefixes, settings,
conflicting variables and the environment they set), so a new built-in service is covered
without an edit here. Docstrings and comments may mention services; code may not.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest_mimic
from pytest_mimic.cloud import MimicCloud
from pytest_mimic.registry import installed_services

PACKAGE = Path(pytest_mimic.__file__).parent


def _builtin_words() -> tuple[set[str], set[str]]:
    """(folders of built-in services, words that name one of them or its settings/env)."""
    cloud = MimicCloud(port=0)
    folders: set[str] = set()
    words: set[str] = set()
    for factory in installed_services():
        module = factory.__module__.split(".")
        if module[:2] != ["pytest_mimic", "services"]:
            continue  # a third-party service installed in this environment
        folders.add(module[2])
        service = cloud.service(factory.name)
        words |= {service.name, service.prefix.strip("/")}
        words |= {setting.name for setting in service.settings}
        words |= set(service.conflicting_environment)
        words |= set(service.environment("http://127.0.0.1:1"))
    return folders, {word for word in words if word}


def _code_words(path: Path) -> list[tuple[int, str]]:
    """Identifiers and string constants of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                found.append((node.lineno, node.value))
        elif isinstance(node, ast.Name):
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute):
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            found.append((node.lineno, node.name))
        elif isinstance(node, ast.alias):
            found.append((0, node.name))
    return found


def _core_modules(folders: set[str]) -> list[Path]:
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) > 2 and parts[0] == "services" and parts[1] in folders:
            continue
        modules.append(path)
    return modules


def test_no_core_module_names_a_builtin_service_in_code():
    folders, words = _builtin_words()
    assert {"nova", "sqs"} <= folders  # the scan knows what it looks for
    pattern = re.compile(
        r"(?<![A-Za-z0-9])(" + "|".join(map(re.escape, sorted(words))) + r")(?![A-Za-z0-9])",
        re.IGNORECASE,
    )
    offences = [
        f"{path.relative_to(PACKAGE)}:{line}: {text[:70]!r}"
        for path in _core_modules(folders)
        for line, text in _code_words(path)
        if pattern.search(text)
    ]
    assert not offences, "core modules name a built-in service:\n" + "\n".join(offences)


def test_the_scan_finds_a_service_name_in_code(tmp_path):
    """The check above would fail: a module that names a service in code is caught."""
    _, words = _builtin_words()
    module = tmp_path / "leaky.py"
    module.write_text('"""Docstrings may say nova."""\nURL = "/sqs"\n', encoding="utf-8")
    texts = [text for _, text in _code_words(module)]
    assert "/sqs" in texts
    assert "Docstrings may say nova." not in texts
    assert "sqs" in words
