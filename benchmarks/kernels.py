"""Time the kernels catalog against PyTorch (one thread) and against a plain copy.

    python benchmarks/kernels.py            # 1e6 and 1e7 elements, float32 and float64
    python benchmarks/kernels.py --sizes 1000000 --functions gelu,sigmoid --no-write

Each cell is the median of several runs of ``forward`` on a fresh-output call (ours and
PyTorch's both allocate their result); ``copy`` is ``np.copyto`` into a preallocated array,
the memory-bandwidth floor. The markdown table is printed and written into the "## kernels"
section of benchmarks/RESULTS.md (other sections are kept).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from results_file import write_section  # noqa: E402

import kernels  # noqa: E402
from kernels.torch_peers import torch_peers  # noqa: E402

SOFTMAX_ROW = 1000


def load_torch():
    import torch

    torch.set_num_threads(1)
    peers = torch_peers()
    softmax = peers["softmax"]
    peers["softmax"] = lambda t: softmax(t.view(-1, SOFTMAX_ROW))
    return torch, peers


def median_ms(fn, repeats: int) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def run(sizes, dtypes, names, repeats):
    torch, peers = load_torch()
    rows = []
    rng = np.random.default_rng(0)
    for n in sizes:
        for dtype in dtypes:
            x = (rng.standard_normal(n) * 3).astype(dtype)
            sink = np.empty_like(x)
            copy_ms = median_ms(lambda x=x, sink=sink: np.copyto(sink, x), repeats)
            tx = torch.from_numpy(x)
            for name in names:
                act = kernels.get(name)
                if act.elementwise:
                    ours = median_ms(lambda act=act, x=x: act.forward(x), repeats)
                else:
                    rows2d = x.reshape(-1, SOFTMAX_ROW)
                    ours = median_ms(lambda act=act, r=rows2d: act.forward(r), repeats)
                theirs = median_ms(lambda f=peers[name], t=tx: f(t), repeats)
                rows.append((name, np.dtype(dtype).name, n, ours, theirs, copy_ms))
                print(
                    f"{name:13s} {np.dtype(dtype).name:8s} {n:>9d} ours {ours:8.2f} ms  "
                    f"torch {theirs:8.2f} ms  ratio {ours / theirs:5.2f}",
                    flush=True,
                )
    return rows


def _spread(ratios) -> str:
    if not ratios:
        return "not measured"
    return f"median **{statistics.median(ratios):.2f}**, worst **{max(ratios):.2f}**"


def markdown(rows, command: str) -> str:
    ratios = [r[3] / r[4] for r in rows]
    largest = max(x[2] for x in rows)
    f32_large = [r[3] / r[4] for r in rows if r[1] == "float32" and r[2] == largest]
    f64_large = [r[3] / r[4] for r in rows if r[1] == "float64" and r[2] == largest]
    worst = max(rows, key=lambda r: r[3] / r[4])
    lines = [
        "## kernels",
        "",
        f"Command: `{command}`  ",
        f"Date: {datetime.date.today().isoformat()}; machine: {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}, "
        f"torch {__import__('torch').__version__} (1 thread).",
        "",
        f"Median ratio ours/PyTorch over all cells: **{statistics.median(ratios):.2f}**; "
        f"float32 at the largest size: {_spread(f32_large)}; "
        f"float64 at the largest size: {_spread(f64_large)}; "
        f"worst cell overall: {worst[0]} {worst[1]} n={worst[2]:,} at {worst[3] / worst[4]:.2f}.",
        "",
        "| function | dtype | n | ours ms | PyTorch ms | ours/PyTorch | copy ms | ours/copy |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, dtype, n, ours, theirs, copy_ms in rows:
        lines.append(
            f"| {name} | {dtype} | {n:,} | {ours:.2f} | {theirs:.2f} | {ours / theirs:.2f} "
            f"| {copy_ms:.2f} | {ours / copy_ms:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--dtypes", default="float32,float64")
    parser.add_argument("--functions", default=",".join(kernels.canonical_names()))
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    rows = run(sizes, args.dtypes.split(","), args.functions.split(","), args.repeats)
    command = "python " + " ".join(["benchmarks/kernels.py", *sys.argv[1:]])
    section = markdown(rows, command)
    print()
    print(section)
    if not args.no_write:
        write_section("kernels", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
