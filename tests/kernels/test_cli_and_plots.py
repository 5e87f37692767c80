"""``python -m kernels`` and the plot helpers."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys

import pytest
from matplotlib.figure import Figure

import kernels
from kernels import catalog
from kernels.__main__ import main
from kernels.plotting import plot_activation, render


def test_list_prints_every_name(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in kernels.canonical_names():
        assert name in out
    assert "silu" in out


def _cells(line: str) -> list[str]:
    """A Markdown table row split on its unescaped pipes."""
    assert line.startswith("| ") and line.endswith(" |"), line
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line[1:-1])]


def _spans(cell: str) -> dict:
    pairs = (span.partition("=") for span in re.findall(r"`([^`]*)`", cell))
    return {key: json.loads(value) for key, _, value in pairs}


def test_list_markdown_is_one_row_per_function_declaring_its_properties(capsys):
    assert main(["list", "--markdown"]) == 0
    header, rule, *rows = capsys.readouterr().out.splitlines()
    columns = _cells(header)
    assert columns[:2] == ["name", "aliases"] and columns[-1] == "properties"
    assert _cells(rule) == ["---"] * len(columns)
    named = {}
    for line in rows:
        cells = _cells(line)
        assert len(cells) == len(columns), line
        row = dict(zip(columns, cells))
        name = row["name"].strip("`")
        assert name not in named, f"{name} has two rows"
        named[name] = row
    assert sorted(named) == kernels.canonical_names()
    for name, row in named.items():
        act = kernels.get(name)
        assert re.findall(r"`([^`]*)`", row["aliases"]) == catalog.aliases_of(name)
        assert _spans(row["parameters"]) == dict(act.params)
        declared = json.loads(json.dumps(dict(act.properties)))  # tuples become lists
        assert _spans(row["properties"]) == declared, name
        assert list(_spans(row["properties"])) == list(act.properties)
        assert row["f(z)"] == "$" + act.latex.replace("|", r"\|") + "$"
        assert row["f'(z)"] == "$" + act.derivative_latex.replace("|", r"\|") + "$"


def test_show_prints_values_and_derivatives(capsys):
    assert main(["show", "gelu", "--x", "-3,0,3"]) == 0
    out = capsys.readouterr().out
    assert "-0.0040496940948902835" in out and "1.011945647204184" in out


def test_show_unknown_name(capsys):
    assert main(["show", "gelo"]) == 2
    assert "gelu" in capsys.readouterr().err


def test_verify_passes_and_fails_loudly(capsys, monkeypatch):
    assert main(["verify", "tanh", "relu"]) == 0
    out = capsys.readouterr().out
    assert "tanh" in out and "zero_centered" in out and "FAIL" not in out
    wrong = dataclasses.replace(
        kernels.get("relu"), properties={**kernels.get("relu").properties, "sparse": False}
    )
    monkeypatch.setitem(catalog._REGISTRY, "relu", wrong)
    assert main(["verify", "relu"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_module_runs_as_a_program():
    done = subprocess.run(
        [sys.executable, "-m", "kernels", "show", "sigmoid", "--x", "0"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0 and "0.25" in done.stdout


@pytest.mark.parametrize("name", kernels.canonical_names())
def test_every_function_plots(name):
    fig = plot_activation(name)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert ax.get_legend() is not None and len(ax.get_lines()) >= 2
    assert render(fig, "svg").count(b"<path") > 10  # draws without error


def test_render_is_deterministic_and_readable():
    first = render(plot_activation("gelu"), "svg")
    second = render(plot_activation("gelu"), "svg")
    assert first == second
    assert first.startswith(b"<?xml") and b"<dc:date>" not in first
    png = render(plot_activation("gelu", derivative=False), "png")
    assert png.startswith(b"\x89PNG") and png == render(
        plot_activation("gelu", derivative=False), "png"
    )


def test_plot_options_are_checked():
    fig = plot_activation("leaky_relu", x_min=-2, x_max=1, params={"negative_slope": 0.2})
    assert "negative_slope=0.2" in fig.axes[0].get_title()
    assert fig.axes[0].get_xlim() == (-2.0, 1.0)
    with pytest.raises(TypeError):
        plot_activation("relu", params={"alpha": 1})
    with pytest.raises(ValueError):
        plot_activation("relu", x_min=1, x_max=0)
    with pytest.raises(ValueError):
        render(plot_activation("relu"), "gif")
