"""The catalog's calling convention, declarations and their numerical confirmation."""

from __future__ import annotations

import dataclasses
import json

import mpmath as mp
import numpy as np
import pytest

import kernels
from kernels import catalog
from kernels.softmax import jacobian
from kernels.traits import BOOLEAN_TRAITS, known_traits
from kernels.verify import gradient_check, probe
from tests.kernels.reference import ulp_error

REQUIRED = {
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
}


def test_names_are_sorted_and_include_aliases():
    names = kernels.names()
    assert names == sorted(names)
    assert REQUIRED <= set(names)
    assert kernels.get("silu") is kernels.get("swish")
    assert "silu" not in kernels.canonical_names()


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(KeyError) as info:
        kernels.get("sigmoud")
    message = str(info.value)
    assert "sigmoud" in message and "sigmoid" in message and "gelu_tanh" in message


@pytest.mark.parametrize("name", kernels.canonical_names())
def test_entry_is_complete_and_json_serialisable(name):
    act = kernels.get(name)
    assert act.name == name and act.title and act.description.endswith(".")
    assert act.latex and act.derivative_latex
    payload = {"params": dict(act.params), "properties": dict(act.properties)}
    json.loads(json.dumps(payload, allow_nan=False))
    props = act.properties
    assert all(isinstance(props[key], bool) for key in BOOLEAN_TRAITS)
    lo, hi = props["range"]
    assert props["bounded"] == (lo is not None and hi is not None)


def test_documented_examples():
    assert kernels.get("gelu").latex.startswith(r"z\,\Phi(z)")
    assert kernels.get("gelu").title == "GELU"
    assert dict(kernels.get("leaky_relu").params) == {"negative_slope": 0.01}
    assert dict(kernels.get("prelu").params) == {"weight": 0.25}
    assert dict(kernels.get("elu").params) == {"alpha": 1.0}
    assert dict(kernels.get("swish").params) == {"beta": 1.0}
    assert dict(kernels.get("softplus").params) == {"beta": 1.0}


@pytest.mark.parametrize(
    "x, dtype",
    [
        (np.float32(0.5), np.float32),
        (0.5, np.float64),
        (1, np.float64),
        (np.arange(6, dtype=np.int64).reshape(2, 3), np.float64),
        (np.ones((2, 2), np.float16), np.float64),
        (np.ones(3, np.float32), np.float32),
    ],
)
@pytest.mark.parametrize("name", ["sigmoid", "gelu", "relu", "mish"])
def test_dtype_and_shape_rules(name, x, dtype):
    act = kernels.get(name)
    for out in (act.forward(x), act.derivative(x)):
        assert out.dtype == dtype
        assert np.shape(out) == np.shape(x)
    if np.ndim(x) == 0:
        assert np.isscalar(act.forward(x))


def test_large_arrays_are_chunked_consistently():
    x = np.random.default_rng(1).normal(scale=4, size=(3, 30001))
    act = kernels.get("gelu")
    assert np.array_equal(act.forward(x), np.vstack([act.forward(row) for row in x]))
    strided = x[:, ::2]
    assert np.array_equal(act.forward(strided), act.forward(strided.copy()))


def test_parameters_are_keywords_and_unknown_ones_are_named():
    leaky = kernels.get("leaky_relu")
    assert leaky.forward(-2.0, negative_slope=0.2) == pytest.approx(-0.4)
    assert leaky.derivative(-2.0, negative_slope=0.2) == pytest.approx(0.2)
    assert kernels.get("prelu").forward(-2.0, weight=0.5) == -1.0
    assert kernels.get("elu").forward(-1e3, alpha=2.0) == -2.0
    assert kernels.get("swish").forward(1.0, beta=0.0) == 0.5
    assert kernels.get("softplus").forward(0.0, beta=2.0) == pytest.approx(np.log(2) / 2)
    with pytest.raises(TypeError, match="slope"):
        leaky.forward(1.0, slope=0.2)
    with pytest.raises(TypeError, match="beta"):
        kernels.get("relu").forward(1.0, beta=1.0)
    with pytest.raises(ValueError):
        kernels.get("softplus").forward(1.0, beta=0.0)


@pytest.mark.parametrize("beta", [0.5, 2.0, 10.0])
def test_swish_and_softplus_beta_within_4_ulp(beta):
    x = np.concatenate([np.linspace(-80, 30, 221), -np.logspace(-8, 3, 45)])
    b = mp.mpf(beta)
    references = {
        "swish": lambda v: v / (1 + mp.exp(-b * v)),
        "softplus": lambda v: mp.log1p(mp.exp(b * v)) / b,
    }
    for name, exact in references.items():
        with np.errstate(all="raise"):
            got = kernels.get(name).forward(x, beta=beta)
        errors = [ulp_error(g, exact(mp.mpf(v))) for g, v in zip(got, x)]
        assert max(errors) <= 4.0, (name, beta, max(errors))


@pytest.mark.parametrize("name", kernels.canonical_names())
def test_derivative_agrees_with_finite_differences(name):
    check = gradient_check(kernels.get(name))
    assert check.ok, check.detail


def test_gradient_check_catches_a_wrong_derivative():
    wrong = dataclasses.replace(kernels.get("tanh"), derivative_kernel=lambda x: 1 - np.tanh(x))
    assert not gradient_check(wrong).ok


@pytest.mark.parametrize("name", kernels.canonical_names())
def test_declared_properties_are_confirmed(name):
    failures = [c for c in probe(kernels.get(name)) if not c.ok]
    assert not failures, failures


def _perturbed(key, value):
    """Wrong versions of one declared value: a flipped boolean, a moved end, a nudged number
    (by 1% and by one part in a million), a changed text."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, float):
        return [value + step * max(1.0, abs(value)) for step in (1e-2, -1e-6)]
    if isinstance(value, str):
        return [("[" if value[0] == "(" else "(") + value[1:]]
    if key == "range":
        lo, hi = value
        return [(-1e3 if lo is None else lo - 0.1, hi), (lo, 1e3 if hi is None else hi + 0.1)]
    if key == "range_closed":
        return [(not value[0], value[1]), (value[0], not value[1])]
    raise AssertionError(f"no way to perturb {key}={value!r}: teach this test")


@pytest.mark.parametrize("name", kernels.canonical_names())
def test_probe_refutes_every_perturbed_declaration(name):
    act = kernels.get(name)
    for key, value in act.properties.items():
        for wrong in _perturbed(key, value):
            changed = dataclasses.replace(act, properties={**act.properties, key: wrong})
            refuted = {c.check.partition(".")[0] for c in probe(changed) if not c.ok}
            assert key in refuted, f"{name}: {key}={wrong!r} instead of {value!r} went unnoticed"


@pytest.mark.parametrize("name", kernels.canonical_names())
def test_every_declared_property_has_its_own_check(name):
    act = kernels.get(name)
    checked = {c.check.partition(".")[0] for c in probe(act)}
    assert set(act.properties) <= checked
    assert set(act.properties) <= set(known_traits(elementwise=act.elementwise))


@pytest.mark.parametrize(
    "name, key, value",
    [("elu", "range_at", "alpha=1"), ("relu", "sums_to_one", True), ("softmax", "max_slope", 0.25)],
)
def test_an_unknown_property_is_refused_and_fails_the_probe(name, key, value):
    act = kernels.get(name)
    unknown = dataclasses.replace(act, name=f"{name}_x", properties={**act.properties, key: value})
    with pytest.raises(ValueError, match=rf"'{name}_x'.*'{key}'"):
        catalog.register(unknown)
    assert f"{name}_x" not in kernels.names()
    failed = [c for c in probe(unknown) if not c.ok]
    assert [c.check for c in failed] == [key], failed


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "gelu"])
def test_probe_refutes_a_wrong_range(name):
    act = kernels.get(name)
    lo, hi = act.properties["range"]
    shifted = (None if lo is None else lo - 0.1, hi)
    wrong = dataclasses.replace(act, properties={**act.properties, "range": shifted})
    assert not all(c.ok for c in probe(wrong))


def test_selected_facts():
    assert kernels.get("sigmoid").derivative(0.0) == 0.25
    assert kernels.get("tanh").derivative(0.0) == 1.0
    assert kernels.get("step").forward(0.0) == 1.0
    assert kernels.get("relu").derivative(0.0) == 0.0  # PyTorch's choice at the kink
    assert kernels.get("hard_sigmoid").forward(3.0) == 1.0
    assert kernels.get("hard_swish").forward(-1.5) == -0.375
    assert kernels.get("gelu").forward(1.0) == pytest.approx(0.8413447460685429, rel=1e-15)
    assert kernels.get("softplus").forward(0.0) == pytest.approx(np.log(2), rel=1e-16)
    assert kernels.get("softplus").forward(25.0) > 25.0  # no threshold shortcut: 25 + 1.4e-11


class TestSoftmax:
    act = kernels.get("softmax")

    def test_rows_sum_to_one_along_axis(self):
        x = np.random.default_rng(2).normal(size=(4, 5))
        for axis in (0, 1, -1):
            s = self.act.forward(x, axis=axis)
            np.testing.assert_allclose(s.sum(axis=axis), 1.0, rtol=1e-15)
        np.testing.assert_allclose(self.act.forward(x)[0], np.exp(x[0]) / np.exp(x[0]).sum())

    @pytest.mark.parametrize(
        "row",
        [
            [1e300, -1e300, 0.0],
            [-1e308, 1.7e308, 0.0],
            [-1e300, -1e300 * (1 + 1e-15)],
            [5e-324, 0.0],
            [1000.0, 1000.0],
            [-745.0, 0.0, 745.0],
        ],
    )
    def test_stable_for_any_row(self, row):
        with np.errstate(all="raise"):
            s = self.act.forward(np.array(row))
            d = self.act.derivative(np.array(row))
        assert np.all(np.isfinite(s)) and np.all(np.isfinite(d))
        assert s.sum() == pytest.approx(1.0, rel=1e-15)

    def test_accuracy_against_mpmath(self):
        import mpmath as mp

        x = np.array([-700.0, -30.5, -1.25, 0.0, 3.0, 3.0 + 2**-40])
        exact = [mp.exp(mp.mpf(v)) for v in x]
        total = mp.fsum(exact)
        got = self.act.forward(x)
        for g, e in zip(got, exact):
            assert abs(mp.mpf(float(g)) - e / total) <= 4 * mp.mpf(2) ** -52 * (e / total)

    def test_derivative_is_the_jacobian_diagonal_and_precise_at_the_top(self):
        x = np.array([0.3, -1.2, 2.0, 0.0])
        j = jacobian(x)
        s = self.act.forward(x)
        np.testing.assert_allclose(j, np.diag(s) - np.outer(s, s), atol=1e-16)
        np.testing.assert_allclose(np.diag(j), self.act.derivative(x), rtol=1e-15)
        np.testing.assert_allclose(j.sum(axis=0), 0.0, atol=1e-16)
        top = self.act.derivative(np.array([0.0, -50.0]))  # 1 - s is e^-50: no cancellation
        assert top[0] == pytest.approx(np.exp(-50.0), rel=1e-12)

    def test_jacobian_needs_a_vector(self):
        with pytest.raises(ValueError):
            jacobian(np.ones((2, 2)))
        assert self.act.jacobian_kernel is jacobian
