"""A formula of the answer language as LaTeX, from its syntax tree: nothing is evaluated.

The quiz page shows a learner's formula as they type it; the web process parses the text
(:func:`kernels.expressions.compile_expression` checks it) and this module writes the tree
back as LaTeX, which ``learning.rendering`` turns into MathML.
"""

from __future__ import annotations

import ast

from kernels.expressions import compile_expression

_NAMED = {"exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh"}
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}
_UNARY_PRECEDENCE = 3


def formula_latex(text: str, variables: tuple[str, ...] | list[str] = ()) -> str:
    """LaTeX for ``text``; raises :class:`~kernels.expressions.ExpressionError` if the text
    is not a valid formula in ``variables``."""
    compile_expression(text, tuple(variables))
    return _latex(ast.parse(text.strip(), mode="eval").body)


def _latex(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return f"{node.value:g}" if isinstance(node.value, float) else str(node.value)
    if isinstance(node, ast.Name):
        return {"pi": r"\pi", "e": "e"}.get(node.id, _identifier(node.id))
    if isinstance(node, ast.UnaryOp):
        sign = "-" if isinstance(node.op, ast.USub) else "+"
        return sign + _wrapped(node.operand, _UNARY_PRECEDENCE)
    if isinstance(node, ast.BinOp):
        return _binary(node)
    if isinstance(node, ast.Call):
        return _call(node)
    raise ValueError(f"cannot typeset {type(node).__name__}")  # compile_expression refused it


def _precedence(node: ast.AST) -> int:
    if isinstance(node, ast.BinOp):
        return _PRECEDENCE[type(node.op)]
    if isinstance(node, ast.UnaryOp):
        return _UNARY_PRECEDENCE
    return 5


def _wrapped(node: ast.AST, outer: int) -> str:
    text = _latex(node)
    return rf"\left({text}\right)" if _precedence(node) < outer else text


def _binary(node: ast.BinOp) -> str:
    op = type(node.op)
    if op is ast.Div:
        return rf"\frac{{{_latex(node.left)}}}{{{_latex(node.right)}}}"
    if op is ast.Pow:
        base = _latex(node.left)
        if _precedence(node.left) <= _PRECEDENCE[ast.Pow] or isinstance(node.left, ast.Call):
            base = rf"\left({base}\right)"
        return f"{{{base}}}^{{{_latex(node.right)}}}"
    level = _PRECEDENCE[op]
    left = _wrapped(node.left, level)
    right = _wrapped(node.right, level + (op is ast.Sub))
    symbol = {ast.Add: " + ", ast.Sub: " - ", ast.Mult: r" \cdot "}[op]
    return left + symbol + right


def _call(node: ast.Call) -> str:
    args = ", ".join(_latex(arg) for arg in node.args)
    func = node.func
    if isinstance(func, ast.Attribute):  # f.derivative(z)
        return rf"\operatorname{{{_escaped(func.value.id)}}}'\left({args}\right)"
    name = func.id
    if name == "sqrt":
        return rf"\sqrt{{{args}}}"
    if name == "abs":
        return rf"\left|{args}\right|"
    if name in _NAMED:
        return rf"\{name}\left({args}\right)"
    return rf"\operatorname{{{_escaped(name)}}}\left({args}\right)"


def _escaped(name: str) -> str:
    return name.replace("_", r"\_")


def _identifier(name: str) -> str:
    return name if len(name) == 1 else r"\mathrm{" + _escaped(name) + "}"
