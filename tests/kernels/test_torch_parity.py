"""PyTorch as a peer: same definitions, defaults and kink conventions (float64 autograd)."""

from __future__ import annotations

import numpy as np
import pytest

import kernels
from kernels.torch_peers import torch_peers

torch = pytest.importorskip("torch")
F = torch.nn.functional

PEERS = {name: fn for name, fn in torch_peers().items() if name not in ("softmax", "step")}
X = np.concatenate([np.linspace(-12, 12, 2401), [-3.0, 0.0, 3.0, 6.0, -1e-12, 1e-12]])


@pytest.mark.parametrize("name", sorted(PEERS))
def test_forward_and_derivative_match_pytorch(name):
    t = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    y = PEERS[name](t)
    (grad,) = torch.autograd.grad(y.sum(), t)
    act = kernels.get(name)
    np.testing.assert_allclose(act.forward(X), y.detach().numpy(), rtol=1e-13, atol=1e-15)
    # PyTorch's backward loses the gelu_tanh tail (1 + tanh cancels) and takes 1/6 in float32
    rtol = 1e-7 if name == "hard_sigmoid" else 1e-12
    atol = 1e-14 if name == "gelu_tanh" else 1e-15
    np.testing.assert_allclose(act.derivative(X), grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", sorted(PEERS))
def test_float32_matches_pytorch_closely(name):
    x = X.astype(np.float32)
    expected = PEERS[name](torch.from_numpy(x)).numpy()
    got = kernels.get(name).forward(x)
    assert got.dtype == np.float32
    # PyTorch's float32 gelu is off by up to 7e-7 absolute in its negative tail; ours is
    # checked against mpmath in test_accuracy
    np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-6)


def test_parameters_match_pytorch():
    t = torch.tensor(X)
    pairs = [
        (kernels.get("leaky_relu").forward(X, negative_slope=0.2), F.leaky_relu(t, 0.2)),
        (kernels.get("elu").forward(X, alpha=0.5), F.elu(t, alpha=0.5)),
        (kernels.get("softplus").forward(X, beta=2.0), F.softplus(t, beta=2.0, threshold=1e4)),
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-13, atol=1e-15)


def test_softplus_differs_from_pytorch_threshold_shortcut_on_purpose():
    ours = kernels.get("softplus").forward(25.0)
    theirs = F.softplus(torch.tensor(25.0, dtype=torch.float64)).item()
    assert theirs == 25.0 and ours > 25.0


def test_softmax_matches_pytorch():
    x = np.random.default_rng(3).normal(scale=10, size=(5, 9))
    expected = torch.softmax(torch.from_numpy(x), dim=0).numpy()
    np.testing.assert_allclose(kernels.get("softmax").forward(x, axis=0), expected, rtol=1e-14)
    v = torch.from_numpy(x[0])
    jac = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, 0), v).numpy()
    np.testing.assert_allclose(kernels.get("softmax").jacobian_kernel(x[0]), jac, atol=1e-16)
