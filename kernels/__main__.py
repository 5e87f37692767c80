"""``python -m kernels list [--markdown] | show NAME [--x -3,0,3] [--param k=v] | verify [NAME ...]``.

``list --markdown`` prints the whole catalog as one declarative table, one row per function
(like PyTorch's ``derivatives.yaml``); each property cell holds ``key=value`` code spans whose
values are JSON.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from kernels.catalog import aliases_of, canonical_names, get
from kernels.verify import verify_all


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


MARKDOWN_HEADER = ("name", "aliases", "f(z)", "f'(z)", "parameters", "properties")


def _cell(text: str) -> str:
    """Table-safe: no newlines, and a ``|`` (as in ``|z|``) escaped so it splits no cell."""
    return " ".join(text.split()).replace("|", r"\|")


def _spans(pairs) -> str:
    return ", ".join(f"`{key}={json.dumps(value)}`" for key, value in pairs)


def markdown_table() -> str:
    """The catalog as one Markdown table."""
    lines = [
        "| " + " | ".join(MARKDOWN_HEADER) + " |",
        "| " + " | ".join("---" for _ in MARKDOWN_HEADER) + " |",
    ]
    for name in canonical_names():
        act = get(name)
        row = (
            f"`{name}`",
            ", ".join(f"`{alias}`" for alias in aliases_of(name)),
            f"${act.latex}$",
            f"${act.derivative_latex}$",
            _spans(act.params.items()),
            _spans(act.properties.items()),
        )
        lines.append("| " + " | ".join(_cell(cell) for cell in row) + " |")
    return "\n".join(lines)


def _list(args: argparse.Namespace) -> int:
    if args.markdown:
        print(markdown_table())
        return 0
    rows = []
    for name in canonical_names():
        act = get(name)
        aka = ", ".join(aliases_of(name))
        params = ", ".join(f"{k}={v:g}" for k, v in act.params.items())
        rows.append((name, aka, act.title, params, act.properties["range_text"]))
    print(_table(rows, ("name", "aliases", "title", "parameters", "range")))
    return 0


def _show(args: argparse.Namespace) -> int:
    try:
        act = get(args.name)
    except KeyError as error:
        print(error.args[0], file=sys.stderr)
        return 2
    x = np.array([float(v) for v in args.x.split(",") if v.strip()])
    params = {}
    for item in args.param:
        key, _, value = item.partition("=")
        params[key.strip()] = float(value)
    y, dy = act.forward(x, **params), act.derivative(x, **params)
    print(f"{act.title}: f(z) = {act.latex}")
    print(f"f'(z) = {act.derivative_latex}")
    print(act.description)
    rows = [(f"{xi:g}", repr(float(yi)), repr(float(di))) for xi, yi, di in zip(x, y, dy)]
    print(_table(rows, ("z", "f(z)", "f'(z)")))
    return 0


def _verify(args: argparse.Namespace) -> int:
    unknown = [n for n in args.names if n not in canonical_names()]
    if unknown:
        print(f"unknown: {', '.join(unknown)}", file=sys.stderr)
        return 2
    checks = verify_all(args.names or None)
    print(
        _table(
            [(c.function, c.check, c.status, c.detail) for c in checks],
            ("function", "check", "status", "detail"),
        )
    )
    failed = sum(not c.ok for c in checks)
    print(f"\n{len(checks) - failed} of {len(checks)} checks passed")
    return 1 if failed else 0


def _join_negative_values(argv: list[str]) -> list[str]:
    """``--x -3,0,3`` would read as an option to argparse: glue it into ``--x=-3,0,3``."""
    out: list[str] = []
    for item in argv:
        if out and out[-1] in ("--x", "--param") and item.startswith("-"):
            out[-1] = f"{out[-1]}={item}"
        else:
            out.append(item)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kernels", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="list the functions")
    listing.add_argument("--markdown", action="store_true", help="the whole catalog as a table")
    listing.set_defaults(run=_list)
    show = sub.add_parser("show", help="values and derivatives of one function")
    show.add_argument("name")
    show.add_argument("--x", default="-3,-1,0,1,3", help="comma-separated inputs")
    show.add_argument("--param", action="append", default=[], help="parameter, e.g. beta=2")
    show.set_defaults(run=_show)
    verify = sub.add_parser("verify", help="gradient checks and property probes")
    verify.add_argument("names", nargs="*")
    verify.set_defaults(run=_verify)
    args = parser.parse_args(_join_negative_values(sys.argv[1:] if argv is None else argv))
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
