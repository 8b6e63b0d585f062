"""Markup is written in templates only: none is built in Python, or in a template's expressions,
where a string joined to escaped text is escaped again and shows on screen as `<h2 ...>`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from app.templating import APP_DIR, environment, template_dirs

# An opening tag (`<h2 `, `<code>`, `<br/`) or a closing one (`</p`): not `a < b` or `<= 3`.
TAG = re.compile(r"<[a-zA-Z][\w-]*(?=[\s/>])|</[a-zA-Z]")


def _python_files() -> list[Path]:
    return sorted(
        p for p in APP_DIR.rglob("*.py") if "piccolo_migrations" not in p.relative_to(APP_DIR).parts
    )


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def markup_in_python(source: str, name: str) -> list[str]:
    """Where `source` builds markup: a Markup(...) call, or a string (f-strings included, but not
    docstrings) holding a tag."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called == "Markup":
                found.append(f"{name}:{node.lineno}: Markup(...)")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and TAG.search(node.value)
        ):
            found.append(f"{name}:{node.lineno}: {node.value[:60]!r}")
    return found


def markup_in_template_expressions(source: str, name: str) -> list[str]:
    """Where a template puts a tag inside a string literal of an expression (`{{ ... }}`,
    `{% ... %}`) instead of writing it as template text (in a `{% set x %}` block)."""
    return [
        f"{name}:{lineno}: {value[:60]}"
        for lineno, kind, value in environment().lex(source)
        if kind == "string" and TAG.search(value)
    ]


def test_no_python_outside_templating_builds_markup() -> None:
    found = []
    for path in _python_files():
        if path == APP_DIR / "templating.py":
            continue
        found += markup_in_python(path.read_text(), str(path.relative_to(APP_DIR)))
    assert found == []


def test_no_template_builds_markup_in_an_expression() -> None:
    found = []
    for folder in template_dirs():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".html", ".svg"):
                found += markup_in_template_expressions(path.read_text(), str(path))
    assert found == []


def test_the_checks_catch_what_put_markup_on_screen() -> None:
    """The two shapes that showed `<code>e369…</code>` and `<h2 ...>` as text are caught; code
    that only compares numbers, or mentions a tag in its docstring, is not."""
    assert markup_in_python("x = Markup(f'<code>{h}</code>')", "a.py") != []
    assert markup_in_python("x = '<p class=\"govuk-body\">' + reason", "a.py") != []
    assert markup_in_python('"""An <img> with alt text."""\nok = a < b and c<=d', "a.py") == []
    assert (
        markup_in_template_expressions(
            "{{ govukInsetText({'html': '<h2 class=\"x\">Returned</h2>' ~ (r | e)}) }}", "t.html"
        )
        != []
    )
    assert (
        markup_in_template_expressions(
            "{% set h %}<code>{{ sha }}</code>{% endset %}{{ x({'html': h, 'text': a ~ ' < b'}) }}",
            "t.html",
        )
        == []
    )
