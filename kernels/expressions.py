"""The answer language: Python arithmetic syntax, checked and evaluated without ``eval``.

A text is parsed with :mod:`ast`, every node is checked against a whitelist, and the tree is
turned into nested closures over numpy calls. Allowed: numbers, the declared variables, ``pi``
and ``e``, ``+ - * / **`` and unary ``+``/``-``, the functions in :data:`FUNCTIONS`, every
elementwise catalog function by name (``sigmoid(z)``, extra positional arguments set its
parameters in declaration order: ``leaky_relu(z, 0.2)``) and its derivative
(``sigmoid.derivative(z)``). Nothing else: no other attribute, no keyword argument, no
subscript, comparison, comprehension or string. Texts are limited to 500 characters and 200
expression nodes, and all arithmetic is float64 with floating-point errors ignored, so
``9**9**9`` is ``inf`` rather than a hang.
"""

from __future__ import annotations

import ast
import math
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from scipy import special

from kernels import catalog

MAX_LENGTH = 500
MAX_NODES = 200

FUNCTIONS: dict[str, tuple[Callable[..., Any], int]] = {
    "exp": (np.exp, 1),
    "log": (np.log, 1),
    "log1p": (np.log1p, 1),
    "expm1": (np.expm1, 1),
    "sqrt": (np.sqrt, 1),
    "abs": (np.abs, 1),
    "sin": (np.sin, 1),
    "cos": (np.cos, 1),
    "tan": (np.tan, 1),
    "sinh": (np.sinh, 1),
    "cosh": (np.cosh, 1),
    "tanh": (np.tanh, 1),
    "erf": (special.erf, 1),
    "erfc": (special.erfc, 1),
    "minimum": (np.minimum, 2),
    "maximum": (np.maximum, 2),
}
CONSTANTS = {"pi": np.float64(math.pi), "e": np.float64(math.e)}
_OPERATORS = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}
_UNARY = {ast.UAdd: np.positive, ast.USub: np.negative}
_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}

Evaluator = Callable[[Mapping[str, np.ndarray]], Any]


class ExpressionError(ValueError):
    """An expression that cannot be used, with the 0-based column where it goes wrong."""

    def __init__(self, message: str, position: int | None = None, *, hint: str | None = None):
        self.message = message
        self.position = position
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = self.message
        if self.position is not None:
            text += f" at column {self.position}"
        return f"{text}; {self.hint}" if self.hint else text


def catalog_functions() -> list[str]:
    """Catalog names usable in expressions (softmax is not elementwise, so it is not)."""
    return [name for name in catalog.names() if catalog.get(name).elementwise]


class Expression:
    """A checked expression; :meth:`evaluate` runs it on float64 arrays."""

    def __init__(self, text: str, variables: tuple[str, ...], run: Evaluator, names: tuple):
        self.text = text
        self.variables = variables
        self.names = names
        self._run = run

    def evaluate(self, values: Mapping[str, Any] | None = None, /, **kwargs: Any):
        """Evaluate with variable values from a mapping and/or keywords; arrays broadcast."""
        given = {**(values or {}), **kwargs}
        env = {}
        for name in self.names:
            if name not in given:
                raise ExpressionError(f"no value given for variable {name!r}")
            try:
                env[name] = np.asarray(given[name], dtype=np.float64)
            except (TypeError, ValueError):
                raise ExpressionError(f"variable {name!r} must be numeric") from None
        with np.errstate(all="ignore"):
            result = np.asarray(self._run(env), dtype=np.float64)
        return np.float64(result) if result.ndim == 0 else result

    def __repr__(self) -> str:
        return f"Expression({self.text!r}, variables={self.variables!r})"


def compile_expression(text: str, variables: tuple[str, ...] | list[str] = ()) -> Expression:
    """Parse and check ``text``; raises :class:`ExpressionError` saying what is wrong."""
    if not isinstance(text, str):
        raise ExpressionError("the expression must be text")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise ExpressionError("the expression is empty")
    for index, char in enumerate(text):
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") and char != " ":
            raise ExpressionError("the expression must be one line of printable text", index)
    variables = tuple(variables)
    for name in variables:
        if not name.isidentifier() or name in CONSTANTS or name in FUNCTIONS:
            raise ValueError(f"bad variable name {name!r}")
    tree = _parse(text)
    count = sum(isinstance(node, ast.expr) for node in ast.walk(tree))
    if count > MAX_NODES:
        raise ExpressionError(f"the expression is too complex ({count} > {MAX_NODES} parts)")
    builder = _Builder(text, variables)
    run = builder.build(tree.body)
    return Expression(text, variables, run, tuple(sorted(builder.used)))


def _parse(text: str) -> ast.Expression:
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        lead = len(text) - len(text.lstrip())
        offset = (error.offset or len(text.strip()) + 1) - 1  # 0 means: at the end
        position = max(0, min(len(text), offset + lead))
        raise ExpressionError(f"syntax error ({error.msg})", position) from None
    except (ValueError, RecursionError, MemoryError, OverflowError):
        raise ExpressionError("the expression cannot be parsed") from None


class _Builder:
    """Checks each node and turns it into a closure ``env -> value``."""

    def __init__(self, text: str, variables: tuple[str, ...]):
        self.text = text.strip()
        self.lead = len(text) - len(text.lstrip())
        self.variables = variables
        self.used: set[str] = set()

    def where(self, node: ast.AST) -> int:
        prefix = self.text.encode("utf-8")[: getattr(node, "col_offset", 0)]
        return self.lead + len(prefix.decode("utf-8", errors="ignore"))

    def fail(self, message: str, node: ast.AST, hint: str | None = None) -> ExpressionError:
        return ExpressionError(message, self.where(node), hint=hint)

    def allowed(self) -> str:
        names = [*self.variables, *CONSTANTS, *FUNCTIONS, *catalog_functions()]
        return "allowed: " + ", ".join(dict.fromkeys(names))

    def build(self, node: ast.AST) -> Evaluator:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            op, left, right = (
                _OPERATORS[type(node.op)],
                self.build(node.left),
                self.build(node.right),
            )
            return lambda env: op(left(env), right(env))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            op, operand = _UNARY[type(node.op)], self.build(node.operand)
            return lambda env: op(operand(env))
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.BinOp):
            raise self.fail("operator not allowed (use + - * / **)", node)
        if isinstance(node, ast.Attribute):
            raise self.fail("only a catalog function's .derivative may be used, and called", node)
        kind = type(node).__name__.lower()
        raise self.fail(f"{kind} is not allowed in an expression", node)

    def constant(self, node: ast.Constant) -> Evaluator:
        value = node.value
        if type(value) not in (int, float):
            raise self.fail(f"only numbers may be written, not {type(value).__name__}", node)
        try:
            number = np.float64(value)
        except OverflowError:
            number = np.float64(np.inf)
        return lambda env: number

    def name(self, node: ast.Name) -> Evaluator:
        key = node.id
        if key in self.variables:
            self.used.add(key)
            return lambda env: env[key]
        if key in CONSTANTS:
            value = CONSTANTS[key]
            return lambda env: value
        if key in FUNCTIONS or key in catalog_functions():
            raise self.fail(f"{key!r} is a function: call it, as in {key}(...)", node)
        raise self.fail(f"unknown name {key!r}", node, self.allowed())

    def call(self, node: ast.Call) -> Evaluator:
        if node.keywords:
            raise self.fail("keyword arguments are not allowed", node.keywords[0].value)
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self.fail("starred arguments are not allowed", node)
        func = node.func
        if isinstance(func, ast.Name) and func.id in FUNCTIONS:
            args = [self.build(arg) for arg in node.args]
            fn, arity = FUNCTIONS[func.id]
            if len(args) != arity:
                raise self.fail(f"{func.id}() takes {arity} argument(s), got {len(args)}", node)
            return lambda env: fn(*(arg(env) for arg in args))
        derivative = (
            isinstance(func, ast.Attribute)
            and func.attr == "derivative"
            and isinstance(func.value, ast.Name)
        )
        if isinstance(func, ast.Attribute) and not derivative:
            raise self.fail(f"attribute {func.attr!r} is not allowed", func)
        target = func.value if derivative else func
        if not isinstance(target, ast.Name):
            raise self.fail("only named functions may be called", func)
        if target.id not in catalog_functions():
            if target.id in catalog.names():
                raise self.fail(f"{target.id} is not elementwise and cannot be used here", func)
            raise self.fail(f"unknown function {target.id!r}", func, self.allowed())
        args = [self.build(arg) for arg in node.args]
        return self.activation(node, target.id, derivative, args)

    def activation(self, node: ast.Call, name: str, derivative: bool, args) -> Evaluator:
        act = catalog.get(name)
        keys = list(act.params)
        if not 1 <= len(args) <= 1 + len(keys):
            extra = f" and its parameters {', '.join(keys)}" if keys else ""
            raise self.fail(f"{name}() takes the input{extra}, got {len(args)} argument(s)", node)
        method = act.derivative if derivative else act.forward
        position = self.where(node)

        def run(env):
            params = {}
            for key, arg in zip(keys, args[1:]):
                value = np.asarray(arg(env))
                if value.ndim != 0:
                    raise ExpressionError(f"{name}(): parameter {key} must be a number", position)
                params[key] = float(value)
            try:
                return method(args[0](env), **params)
            except (TypeError, ValueError) as error:
                raise ExpressionError(f"{name}(): {error}", position) from None

        return run
