"""A tiny, safe arithmetic evaluator for calculated questions: the formula is parsed with
`ast` and only numbers, the question's variables, + - * / % **, and a few math functions
are allowed. Nothing is ever passed to eval()."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping

MAX_LENGTH = 500
MAX_EXPONENT = 64.0

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
}
_FUNCTIONS: dict[str, Callable[..., float]] = {
    "sqrt": math.sqrt,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
    "exp": math.exp,
    "log": math.log,
    "log10": math.log10,
    "abs": abs,
    "round": round,
    "min": min,
    "max": max,
}
_CONSTANTS = {"pi": math.pi, "e": math.e}


class FormulaError(ValueError):
    """The formula is not allowed or cannot be evaluated with these values."""


def parse(formula: str) -> ast.Expression:
    if len(formula) > MAX_LENGTH:
        raise FormulaError(f"a formula has at most {MAX_LENGTH} characters")
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"not a formula: {exc.msg}") from exc
    return tree


def names(formula: str) -> set[str]:
    """The variables a formula uses (function names and constants excluded)."""
    tree = parse(formula)
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return {
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and n.id not in called and n.id not in _CONSTANTS
    }


def evaluate(formula: str, values: Mapping[str, float]) -> float:
    """The formula's value; FormulaError for anything outside the allowed grammar, an
    unknown variable, a domain error (sqrt(-1), 1/0) or a non-finite result."""
    try:
        result = _eval(parse(formula).body, values)
    except (ArithmeticError, ValueError, TypeError) as exc:
        if isinstance(exc, FormulaError):
            raise
        raise FormulaError(f"cannot evaluate: {exc}") from exc
    if not math.isfinite(result):
        raise FormulaError("the result is not a finite number")
    return result


def _eval(node: ast.AST, values: Mapping[str, float]) -> float:
    match node:
        case ast.Constant(value=bool()):
            raise FormulaError("booleans are not numbers here")
        case ast.Constant(value=int() | float() as number):
            return float(number)
        case ast.Name(id=name):
            if name in values:
                return float(values[name])
            if name in _CONSTANTS:
                return _CONSTANTS[name]
            raise FormulaError(f"unknown variable {name!r}")
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return -_eval(operand, values)
        case ast.UnaryOp(op=ast.UAdd(), operand=operand):
            return _eval(operand, values)
        case ast.BinOp(left=left, op=ast.Pow(), right=right):
            base, exponent = _eval(left, values), _eval(right, values)
            # A bound on the exponent keeps 9**9**9 from eating the CPU.
            if abs(exponent) > MAX_EXPONENT:
                raise FormulaError(f"exponents are at most {MAX_EXPONENT:g}")
            return float(base**exponent)
        case ast.BinOp(left=left, op=op, right=right) if type(op) in _BINARY:
            return _BINARY[type(op)](_eval(left, values), _eval(right, values))
        case ast.Call(func=ast.Name(id=name), args=args, keywords=[]) if name in _FUNCTIONS:
            return float(_FUNCTIONS[name](*(_eval(a, values) for a in args)))
    raise FormulaError(f"{type(node).__name__} is not allowed in a formula")
