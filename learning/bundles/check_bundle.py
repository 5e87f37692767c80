#!/usr/bin/env python3
"""Stand-alone checker for Studytree path bundles (format "studytree.path", version 1).

Plain Python, no Django and no project imports, so it can run before the app exists:

    python learning/bundles/check_bundle.py learning/bundles/activation-functions.json
    python learning/bundles/check_bundle.py BUNDLE --seed ../shared/seeds/000_....txt

It checks the structure (counts, uuids, choices, transcript timing, nesting), and
recomputes every numeric answer key, expression key and flashcard claim with a small
reference implementation of the activation catalog (stdlib ``math``; when ``mpmath``
is installed, every value is recomputed a second time at 50 digits and both must
agree).  Definitions follow torch.nn.functional defaults, except that softplus is the
exact log(1 + e^x).  With ``--seed`` it also reports word sequences shared with the
seed document, to catch sentences carried over verbatim.

Exit status 0 when everything passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import random
import re
import sys
import uuid

try:  # optional high-precision cross-check
    import mpmath as _mp
except ImportError:  # pragma: no cover
    _mp = None

SELU_LAMBDA = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772
LEAKY_SLOPE = 0.01
PRELU_WEIGHT = 0.25
ELU_ALPHA = 1.0
GELU_TANH_C = 0.044715

KERNEL_NAMES = (
    "identity",
    "step",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "prelu",
    "elu",
    "selu",
    "softplus",
    "softsign",
    "gelu",
    "gelu_tanh",
    "swish",
    "silu",
    "mish",
    "hard_sigmoid",
    "hard_swish",
    "relu6",
    "softmax",
)
PROPERTY_NAMES = ("monotonic", "smooth", "zero_centered", "saturating", "sparse", "bounded")
MATH_FUNCS = (
    "exp",
    "log",
    "log1p",
    "expm1",
    "sqrt",
    "abs",
    "sin",
    "cos",
    "tan",
    "sinh",
    "cosh",
    "tanh",
    "erf",
    "erfc",
    "minimum",
    "maximum",
)


# --------------------------------------------------------------------------- backends
class Backend:
    """Scalar arithmetic plus the activation catalog for one number type."""

    def __init__(self, name):
        self.name = name
        if name == "float":
            m = math
            self.num = float
            self.pi, self.e = math.pi, math.e
            self.exp = lambda x: _safe(math.exp, x)
            self.log = math.log
            self.log1p = math.log1p
            self.expm1 = lambda x: _safe(math.expm1, x)
            self.sqrt = math.sqrt
            self.sin, self.cos, self.tan = m.sin, m.cos, m.tan
            self.sinh = lambda x: _safe(math.sinh, x)
            self.cosh = lambda x: _safe(math.cosh, x)
            self.tanh, self.erf, self.erfc = m.tanh, m.erf, m.erfc
        else:
            mp = _mp
            mp.mp.dps = 50
            self.num = mp.mpf
            self.pi, self.e = +mp.pi, +mp.e
            self.exp, self.log, self.sqrt = mp.exp, mp.log, mp.sqrt
            self.log1p = lambda x: mp.log(1 + x)
            self.expm1 = mp.expm1
            self.sin, self.cos, self.tan = mp.sin, mp.cos, mp.tan
            self.sinh, self.cosh, self.tanh = mp.sinh, mp.cosh, mp.tanh
            self.erf, self.erfc = mp.erf, mp.erfc
        self.abs = abs
        self.minimum = min
        self.maximum = max

    # -- kernels: forward and derivative, scalar in, scalar out -------------
    def sigmoid(self, x):
        if x >= 0:
            return 1 / (1 + self.exp(-x))
        ex = self.exp(x)
        return ex / (1 + ex)

    def softplus(self, x):
        return max(x, 0) + self.log1p(self.exp(-abs(x)))

    def phi_cdf(self, x):
        return self.erfc(-x / self.sqrt(self.num(2))) / 2  # no cancellation for x << 0

    def phi_pdf(self, x):
        return self.exp(-x * x / 2) / self.sqrt(2 * self.pi)

    def kernel(self, name):
        """Return (forward, derivative) for a catalog name."""
        n = self.num
        sig = self.sigmoid
        sp = self.softplus
        lam, alp = n(SELU_LAMBDA), n(SELU_ALPHA)
        k = n(GELU_TANH_C)
        s2p = self.sqrt(2 / self.pi)

        def relu6(x):
            return min(max(x, 0), n(6))

        def gt_u(x):
            return s2p * (x + k * x**3)

        table = {
            "identity": (lambda x: x, lambda x: n(1)),
            "step": (lambda x: n(1) if x >= 0 else n(0), lambda x: n(0)),
            "sigmoid": (sig, lambda x: sig(x) * (1 - sig(x))),
            "tanh": (self.tanh, lambda x: 1 - self.tanh(x) ** 2),
            "relu": (lambda x: max(x, n(0)), lambda x: n(1) if x > 0 else n(0)),
            "leaky_relu": (
                lambda x: x if x >= 0 else n(LEAKY_SLOPE) * x,
                lambda x: n(1) if x > 0 else n(LEAKY_SLOPE),
            ),
            "prelu": (
                lambda x: x if x >= 0 else n(PRELU_WEIGHT) * x,
                lambda x: n(1) if x > 0 else n(PRELU_WEIGHT),
            ),
            "elu": (
                lambda x: x if x > 0 else n(ELU_ALPHA) * self.expm1(x),
                lambda x: n(1) if x > 0 else n(ELU_ALPHA) * self.exp(x),
            ),
            "selu": (
                lambda x: lam * x if x > 0 else lam * alp * self.expm1(x),
                lambda x: lam if x > 0 else lam * alp * self.exp(x),
            ),
            "softplus": (sp, sig),
            "softsign": (lambda x: x / (1 + abs(x)), lambda x: 1 / (1 + abs(x)) ** 2),
            "gelu": (
                lambda x: x * self.phi_cdf(x),
                lambda x: self.phi_cdf(x) + x * self.phi_pdf(x),
            ),
            "gelu_tanh": (
                lambda x: x * (1 + self.tanh(gt_u(x))) / 2,
                lambda x: (
                    (1 + self.tanh(gt_u(x))) / 2
                    + x * (1 - self.tanh(gt_u(x)) ** 2) * s2p * (1 + 3 * k * x * x) / 2
                ),
            ),
            "swish": (lambda x: x * sig(x), lambda x: sig(x) + x * sig(x) * (1 - sig(x))),
            "mish": (
                lambda x: x * self.tanh(sp(x)),
                lambda x: self.tanh(sp(x)) + x * sig(x) * (1 - self.tanh(sp(x)) ** 2),
            ),
            "hard_sigmoid": (
                lambda x: relu6(x + 3) / 6,
                lambda x: n(1) / 6 if -3 < x < 3 else n(0),
            ),
            "hard_swish": (
                lambda x: x * relu6(x + 3) / 6,
                lambda x: n(0) if x <= -3 else (n(1) if x >= 3 else (2 * x + 3) / 6),
            ),
            "relu6": (relu6, lambda x: n(1) if 0 < x < 6 else n(0)),
            # softmax of a single logit is 1; it is vector-valued and only probed specially
            "softmax": (lambda x: n(1), lambda x: n(0)),
        }
        table["silu"] = table["swish"]
        return table[name]


def _safe(fn, x):
    try:
        return fn(x)
    except OverflowError:
        return math.inf


BACKENDS = [Backend("float")] + ([Backend("mp")] if _mp is not None else [])


# --------------------------------------------------------------------------- evaluator
class ExprError(ValueError):
    pass


def evaluate(expr: str, backend: Backend, variables: dict | None = None):
    """Evaluate an answer-language expression (spec section 6) without eval()."""
    variables = variables or {}
    if len(expr) > 500:
        raise ExprError("expression longer than 500 characters")
    tree = ast.parse(expr, mode="eval")
    if sum(1 for _ in ast.walk(tree)) > 200:
        raise ExprError("expression has more than 200 syntax nodes")

    def call_target(func):
        if isinstance(func, ast.Name):
            name = func.id
            if name in MATH_FUNCS:
                return getattr(backend, name)
            if name in KERNEL_NAMES:
                return backend.kernel(name)[0]
            raise ExprError(f"unknown function {name!r}")
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "derivative"
            and isinstance(func.value, ast.Name)
            and func.value.id in KERNEL_NAMES
        ):
            return backend.kernel(func.value.id)[1]
        raise ExprError("only NAME(...) and KERNEL.derivative(...) calls are allowed")

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return (
                backend.num(node.value)
                if backend.name == "float"
                else backend.num(repr(node.value))
            )
        if isinstance(node, ast.Name):
            if node.id in variables:
                return backend.num(variables[node.id])
            if node.id == "pi":
                return backend.pi
            if node.id == "e":
                return backend.e
            raise ExprError(f"unknown name {node.id!r}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            v = ev(node.operand)
            return v if isinstance(node.op, ast.UAdd) else -v
        if isinstance(node, ast.BinOp) and isinstance(
            node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
        ):
            a, b = ev(node.left), ev(node.right)
            try:
                if isinstance(node.op, ast.Add):
                    return a + b
                if isinstance(node.op, ast.Sub):
                    return a - b
                if isinstance(node.op, ast.Mult):
                    return a * b
                if isinstance(node.op, ast.Div):
                    return a / b
                return a**b
            except (OverflowError, ZeroDivisionError):
                return math.inf
        if isinstance(node, ast.Call):
            if node.keywords:
                raise ExprError("keyword arguments are not allowed")
            fn = call_target(node.func)
            return fn(*[ev(a) for a in node.args])
        raise ExprError(f"syntax not allowed: {type(node).__name__}")

    return ev(tree)


def parse_tolerance(tol, value):
    tol = "0.1%" if tol in (None, "") else str(tol)
    if tol.endswith("%"):
        return abs(float(value)) * float(tol[:-1]) / 100.0
    return float(tol)


# --------------------------------------------------------------------------- property probes
def probe_property(kernel: str, prop: str) -> bool:
    """Decide a declared property numerically with the float backend."""
    if kernel == "softmax":
        raise ValueError("softmax properties are not probed here")
    f, df = BACKENDS[0].kernel(kernel)
    xs = [i / 100.0 for i in range(-2000, 2001)]
    ys = [f(x) for x in xs]
    big = [f(x) for x in (-1e6, -1e3, 1e3, 1e6)]
    if prop == "monotonic":
        return all(b >= a - 1e-15 for a, b in zip(ys, ys[1:]))
    if prop == "bounded":
        return all(abs(v) < 1e3 for v in big)
    if prop == "sparse":  # exact zeros on a whole interval, not just underflow
        return sum(1 for x, y in zip(xs, ys) if y == 0.0 and -5 <= x <= 5) > 50
    if prop == "saturating":
        return any(abs(df(x)) < 1e-6 for x in (-1e3, 1e3))
    if prop == "zero_centered":
        return (
            abs(f(0.0)) < 1e-12
            and min(ys) < -0.5
            and max(ys) > 0.5
            and abs(min(ys) + max(ys)) < 1e-6 * max(1.0, max(ys))
        )
    if prop == "smooth":
        h = 1e-7
        for c in [i / 10.0 for i in range(-60, 61)]:
            if abs(df(c + h) - df(c - h)) > 1e-4:
                return False
        return kernel != "step"
    raise ValueError(f"unknown property {prop!r}")


# --------------------------------------------------------------------------- checks
class Report:
    def __init__(self):
        self.errors: list[str] = []
        self.notes: list[str] = []

    def err(self, msg):
        self.errors.append(msg)

    def ok(self, msg):
        self.notes.append(msg)


def check_compute(rep, where, expr, value, tol):
    for be in BACKENDS:
        try:
            got = evaluate(expr, be)
        except Exception as exc:  # noqa: BLE001
            rep.err(f"{where}: cannot evaluate {expr!r}: {exc}")
            return
        t = parse_tolerance(tol, value)
        if not abs(float(got) - float(value)) <= t:
            rep.err(
                f"{where}: {expr} = {float(got)!r} [{be.name}] but key says {value!r} (tol {tol})"
            )
            return
    rep.ok(f"{where}: {expr} = {value} ok")


def check_expression(rep, where, answer):
    expr = answer.get("expression")
    variables = answer.get("variables") or {}
    if not expr or not variables:
        rep.err(f"{where}: expression answer needs 'expression' and 'variables'")
        return
    rng = random.Random(0)
    names = list(variables)
    for name, bounds in variables.items():
        if not (isinstance(bounds, list) and len(bounds) == 2 and bounds[0] < bounds[1]):
            rep.err(f"{where}: variable {name} needs [lo, hi]")
            return
    points = []
    for _ in range(20):
        points.append({n: rng.uniform(*variables[n]) for n in names})
    for n in names:
        lo, hi = variables[n]
        for v in (lo, hi, 0.0, 1e-9, -1e-9):
            if lo <= v <= hi:
                points.append(
                    {m: (v if m == n else (variables[m][0] + variables[m][1]) / 2) for m in names}
                )
    for p in points:
        vals = []
        for be in BACKENDS:
            try:
                vals.append(float(evaluate(expr, be, p)))
            except Exception as exc:  # noqa: BLE001
                rep.err(f"{where}: reference {expr!r} fails at {p}: {exc}")
                return
        if not all(math.isfinite(v) for v in vals):
            rep.err(f"{where}: reference {expr!r} not finite at {p}")
            return
        if len(vals) == 2 and abs(vals[0] - vals[1]) > 1e-9 * max(1.0, abs(vals[1])):
            rep.err(f"{where}: float/mpmath disagree at {p}: {vals}")
            return
    rep.ok(f"{where}: reference {expr!r} evaluates on {len(points)} points")


def is_uuid(s):
    try:
        return str(uuid.UUID(s)) == s
    except (ValueError, TypeError, AttributeError):
        return False


def check_bundle(b, rep, expect_cards=None, expect_questions=None):
    if b.get("format") != "studytree.path" or b.get("format_version") != 1:
        rep.err("format must be 'studytree.path' version 1")
    path = b.get("path") or {}
    for key in ("slug", "title", "summary", "key_points", "visibility"):
        if not path.get(key):
            rep.err(f"path.{key} missing")
    if path.get("visibility") not in ("public", "private"):
        rep.err("path.visibility must be public or private")
    kp = path.get("key_points") or []
    if not (6 <= len(kp) <= 10 and all(isinstance(k, str) and k.strip() for k in kp)):
        rep.err(f"key_points: need 6-10 non-empty strings, got {len(kp)}")

    uids = []

    # sections
    secs = b.get("sections") or []
    if not secs:
        rep.err("no sections")
    n_sections = 0
    for s in secs:
        n_sections += 1
        uids.append(s.get("origin_uid"))
        if not (s.get("title") and s.get("body")):
            rep.err(f"section {s.get('title')!r}: title and body required")
        for c in s.get("children") or []:
            n_sections += 1
            uids.append(c.get("origin_uid"))
            if not (c.get("title") and c.get("body")):
                rep.err(f"section {c.get('title')!r}: title and body required")
            if c.get("children"):
                rep.err(f"section {c.get('title')!r}: nested deeper than one level")
        for body in [s.get("body", "")] + [c.get("body", "") for c in s.get("children") or []]:
            if body.count("$$") % 2:
                rep.err(f"section {s.get('title')!r}: unbalanced $$")
            if body.count("```") % 2:
                rep.err(f"section {s.get('title')!r}: unbalanced code fence")
    rep.ok(f"{n_sections} sections ({len(secs)} top-level)")

    # flashcards
    cards = b.get("flashcards") or []
    if expect_cards is not None and len(cards) != expect_cards:
        rep.err(f"expected {expect_cards} flashcards, got {len(cards)}")
    n_claims = 0
    for i, c in enumerate(cards):
        uids.append(c.get("origin_uid"))
        where = f"flashcard[{i}]"
        if not (c.get("front") and c.get("back")):
            rep.err(f"{where}: front and back required")
        claim = c.get("claim")
        if claim is None:
            continue
        n_claims += 1
        if "compute" in claim:
            check_compute(rep, where, claim["compute"], claim["value"], claim.get("tolerance"))
        elif "kernel" in claim:
            k, p, v = claim.get("kernel"), claim.get("property"), claim.get("value")
            if k not in KERNEL_NAMES or p not in PROPERTY_NAMES or not isinstance(v, bool):
                rep.err(f"{where}: bad property claim {claim}")
                continue
            got = probe_property(k, p)
            if got != v:
                rep.err(f"{where}: {k}.{p} probes {got}, claim says {v}")
            else:
                rep.ok(f"{where}: {k}.{p} = {v} ok")
        else:
            rep.err(f"{where}: unknown claim shape {claim}")
    rep.ok(f"{len(cards)} flashcards, {n_claims} with claims")

    # quizzes
    n_q = 0
    kinds = {}
    for qz in b.get("quizzes") or []:
        uids.append(qz.get("origin_uid"))
        for j, q in enumerate(qz.get("questions") or []):
            n_q += 1
            uids.append(q.get("origin_uid"))
            kind = q.get("kind")
            kinds[kind] = kinds.get(kind, 0) + 1
            where = f"question[{j}] ({kind})"
            if not (q.get("prompt") and q.get("explanation")):
                rep.err(f"{where}: prompt and explanation required")
            ch = q.get("choices") or []
            right = sum(1 for c in ch if c.get("is_correct") is True)
            if kind in ("single", "multiple", "true_false"):
                if q.get("answer") not in (None, {}):
                    rep.err(f"{where}: choice question carries an answer key")
                if kind == "single" and (right != 1 or len(ch) < 2):
                    rep.err(f"{where}: single needs >=2 choices and exactly one correct")
                if kind == "multiple" and (right < 2 or len(ch) < 3):
                    rep.err(f"{where}: multiple needs >=2 correct choices")
                if kind == "true_false" and (
                    [c.get("text") for c in ch] != ["True", "False"] or right != 1
                ):
                    rep.err(f"{where}: true_false needs choices True, False with one correct")
            elif kind == "numeric":
                a = q.get("answer") or {}
                if "value" not in a:
                    rep.err(f"{where}: numeric answer needs a value")
                elif a.get("compute"):
                    check_compute(rep, where, a["compute"], a["value"], a.get("tolerance"))
                if ch:
                    rep.err(f"{where}: numeric question has choices")
            elif kind == "expression":
                check_expression(rep, where, q.get("answer") or {})
                if ch:
                    rep.err(f"{where}: expression question has choices")
            else:
                rep.err(f"{where}: unknown kind")
    if expect_questions is not None and n_q != expect_questions:
        rep.err(f"expected {expect_questions} questions, got {n_q}")
    for kind in ("single", "multiple", "true_false", "numeric", "expression"):
        if not kinds.get(kind):
            rep.err(f"no {kind} question")
    rep.ok(f"{n_q} questions: {kinds}")

    # podcast
    pod = b.get("podcast") or {}
    segs = pod.get("transcript") or []
    dur = pod.get("duration_seconds")
    if not (pod.get("title") and segs and isinstance(dur, (int, float))):
        rep.err("podcast needs title, duration_seconds and transcript")
    else:
        uids.append(pod.get("origin_uid"))
        t = 0.0
        words = 0
        for i, s in enumerate(segs):
            if abs(s["start"] - t) > 1e-9:
                rep.err(f"transcript[{i}] starts at {s['start']}, previous ended at {t}")
            if not s["end"] > s["start"]:
                rep.err(f"transcript[{i}] has end <= start")
            if not (s.get("speaker") and s.get("text")):
                rep.err(f"transcript[{i}] needs speaker and text")
            w = len(s["text"].split())
            rate = w / (s["end"] - s["start"]) if s["end"] > s["start"] else float("inf")
            if not 1.2 <= rate <= 3.6:
                rep.err(f"transcript[{i}] speaks {rate:.2f} words/s")
            words += w
            t = s["end"]
        if abs(t - dur) > 1e-9:
            rep.err(f"transcript ends at {t}, duration is {dur}")
        speakers = {s.get("speaker") for s in segs}
        rep.ok(
            f"podcast: {len(segs)} segments, {words} words, {words / dur:.2f} words/s, speakers {sorted(speakers)}"
        )

    # resources
    for i, r in enumerate(b.get("resources") or []):
        uids.append(r.get("origin_uid"))
        if not all(r.get(k) for k in ("title", "authors", "year", "kind", "url")):
            rep.err(f"resource[{i}]: title, authors, year, kind, url required")
        if r.get("kind") not in ("paper", "book", "article", "documentation", "video"):
            rep.err(f"resource[{i}]: bad kind {r.get('kind')}")
        if not str(r.get("url", "")).startswith("https://"):
            rep.err(f"resource[{i}]: url must be https")
    rep.ok(f"{len(b.get('resources') or [])} resources")

    # uuids
    bad = [u for u in uids if not is_uuid(u)]
    if bad:
        rep.err(f"invalid origin_uid values: {bad[:5]}")
    dup = {u for u in uids if uids.count(u) > 1}
    if dup:
        rep.err(f"duplicate origin_uid values: {sorted(dup)[:5]}")
    rep.ok(f"{len(uids)} origin_uids, all unique" if not dup else "duplicate uids")


def _words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def seed_overlap(bundle, seed_text, n=7):
    """Return word n-grams of the bundle's prose that also occur in the seed."""
    seed = _words(seed_text)
    grams = {tuple(seed[i : i + n]) for i in range(len(seed) - n + 1)}
    texts = []
    p = bundle["path"]
    texts += [p["summary"], *p["key_points"]]
    for s in bundle["sections"]:
        texts.append(s["body"])
        texts += [c["body"] for c in s["children"]]
    for c in bundle["flashcards"]:
        texts += [c["front"], c["back"]]
    for qz in bundle["quizzes"]:
        for q in qz["questions"]:
            texts += [q["prompt"], q["explanation"]] + [c["text"] for c in q.get("choices") or []]
    texts += [s["text"] for s in bundle["podcast"]["transcript"]]
    hits = []
    for t in texts:
        w = _words(t)
        for i in range(len(w) - n + 1):
            g = tuple(w[i : i + n])
            if g in grams:
                hits.append(" ".join(g))
    return sorted(set(hits))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bundle")
    ap.add_argument(
        "--flashcards", type=int, default=15, help="expected flashcard count (default 15)"
    )
    ap.add_argument(
        "--questions", type=int, default=13, help="expected question count (default 13)"
    )
    ap.add_argument("--seed", help="seed document to compare prose against")
    ap.add_argument(
        "--ngram", type=int, default=7, help="shared word run length to report with --seed"
    )
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    with open(args.bundle, encoding="utf-8") as fh:
        bundle = json.load(fh)
    rep = Report()
    check_bundle(bundle, rep, args.flashcards, args.questions)
    if args.seed:
        with open(args.seed, encoding="utf-8") as fh:
            shared = seed_overlap(bundle, fh.read(), args.ngram)
        if shared:
            rep.err(f"{len(shared)} {args.ngram}-word runs shared with the seed: {shared[:10]}")
        else:
            rep.ok(f"no {args.ngram}-word run shared with the seed")
    if args.verbose:
        for n in rep.notes:
            print("ok  ", n)
    for e in rep.errors:
        print("FAIL", e)
    print(
        f"{'PASS' if not rep.errors else 'FAIL'}: {len(rep.errors)} problem(s); "
        f"backends: {', '.join(b.name for b in BACKENDS)}"
    )
    return 0 if not rep.errors else 1


if __name__ == "__main__":
    sys.exit(main())
