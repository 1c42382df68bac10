#!/usr/bin/env python3
"""Independent oracle for the ugbench model family: golden scores from the written contract.

Step 2 of the oracle fixture (see README.md here). Shares no code with models/: it parses the
safetensors bytes itself, implements every variant from the contract in float64 numpy, one
(user, candidate) sample at a time on the full [T, D] grid (the monolithic form; the project's
split execution must equal it), and quantizes W8A16 weights with its own int8 per-channel
quantizer. Writes fixtures/golden.json.

    python3 test/oracle/oracle.py        # needs numpy (Debian: apt-get install python3-numpy)
"""
import json
import math
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
CASES = ["even", "uneven"]
VARIANTS = {
    # name: (UG mask, information compensation, int8 weights + fp16 activations into those matmuls)
    "baseline": (False, False, False),
    "ugsep": (True, True, False),
    "ugsep-nocomp": (True, False, False),
    "ugsep-w8a16": (True, True, True),
}
LN_EPS = 1e-5
# W8A16 rounds every input of a quantized matmul to fp16, and a value within float32 noise of an
# fp16 tie may round either way (one such flip moves a score by ~1e-5). So for that variant only,
# the oracle keeps every activation as the float32 tensor the contract's runtimes hold (rounded to
# float32 after each operation) before the fp16 cast; the fp32 variants are pure float64.
# Printed for information: roundings that one float32 ulp of difference would flip (what the
# float32 storage above protects; a mismatch in the test on W8A16 alone would point here).
FRAGILE_RELATIVE = 2.0**-23


def read_safetensors(path):
    """Header: u64 little-endian length, then JSON; tensors are raw little-endian F32 after it."""
    with open(path, "rb") as f:
        raw = f.read()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len].decode("utf-8"))
    base = 8 + header_len
    meta = header.pop("__metadata__")
    config = {key: int(meta[key]) for key in ["T", "Tu", "D", "L", "k", "Fu", "Fg"]}
    tensors = {}
    for name, entry in header.items():
        assert entry["dtype"] == "F32", name
        start, end = entry["data_offsets"]
        values = np.frombuffer(raw[base + start : base + end], dtype="<f4").astype(np.float64)
        tensors[name] = values.reshape(entry["shape"])
    return config, tensors


def expect_shape(tensors, name, shape):
    got = list(tensors[name].shape)
    if got != list(shape):
        raise SystemExit(f"{name}: expected shape {shape}, got {got}")
    return tensors[name]


def f32(x):
    """Round to float32 and back: a value stored in a float32 tensor."""
    return np.asarray(x, dtype=np.float64).astype(np.float32).astype(np.float64)


def int8_per_channel(w):
    """W [K, N] -> q * scale as float32 values: scale[j] = max_i |W[i, j]| / 127 (a float32
    tensor, 1 for an all-zero column), q = clip(round(W / scale), -127, 127)."""
    col_max = np.abs(w).max(axis=0)
    scale = f32(np.where(col_max > 0, col_max / 127.0, 1.0))
    q = np.clip(np.round(w / scale), -127, 127)
    return f32(q * scale)


class Fp16Rounding:
    """Rounds matmul inputs to fp16 (the A16 of W8A16) and counts values near a rounding tie."""

    def __init__(self):
        self.count = 0
        self.fragile = 0

    def __call__(self, x):
        r = x.astype(np.float16).astype(np.float64)
        up = (x * (1 + FRAGILE_RELATIVE)).astype(np.float16).astype(np.float64)
        down = (x * (1 - FRAGILE_RELATIVE)).astype(np.float16).astype(np.float64)
        self.count += x.size
        self.fragile += int(np.count_nonzero((up != r) | (down != r)))
        return r


def layer_norm(x, gain, shift):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + LN_EPS) * gain + shift


def gelu(x):
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


class Oracle:
    def __init__(self, config, tensors, variant):
        self.c = config
        self.masked, self.comp, self.int8 = VARIANTS[variant]
        T, Tu, D, L, k, Fu, Fg = (config[key] for key in ["T", "Tu", "D", "L", "k", "Fu", "Fg"])
        Tg = T - Tu
        self.T, self.Tu, self.Tg, self.D, self.d = T, Tu, Tg, D, D // T
        self.wtu = expect_shape(tensors, "tokenizer.user.weight", [Tu, Fu // Tu, D])
        self.btu = expect_shape(tensors, "tokenizer.user.bias", [Tu, D])
        self.wtg = expect_shape(tensors, "tokenizer.group.weight", [Tg, Fg // Tg, D])
        self.btg = expect_shape(tensors, "tokenizer.group.bias", [Tg, D])
        self.layers = []
        for n in range(L):
            p = lambda suffix, shape: expect_shape(tensors, f"layers.{n}.{suffix}", shape)
            layer = {
                "ln1": (p("ln1.weight", [D]), p("ln1.bias", [D])),
                "w1": p("ffn.w1", [T, D, k * D]),
                "b1": p("ffn.b1", [T, k * D]),
                "w2": p("ffn.w2", [T, k * D, D]),
                "b2": p("ffn.b2", [T, D]),
                "ln2": (p("ln2.weight", [D]), p("ln2.bias", [D])),
            }
            if self.comp:
                layer["wc"] = p("comp.weight", [Tg, D, D])
                layer["bc"] = p("comp.bias", [Tg, D])
            if self.int8:
                for key in ["w1", "w2"] + (["wc"] if self.comp else []):
                    layer[key] = np.stack([int8_per_channel(m) for m in layer[key]])
            self.layers.append(layer)
        self.head_w = expect_shape(tensors, "head.weight", [D])
        self.head_b = expect_shape(tensors, "head.bias", [1])
        self.fp16 = Fp16Rounding()

    def act(self, x):
        """The input of a quantized matmul: fp16 for W8A16, as is otherwise."""
        return self.fp16(x) if self.int8 else x

    def store(self, x):
        """An activation tensor: float32 under W8A16 (see the note at the top), float64 otherwise."""
        return f32(x) if self.int8 else x

    def tokenize(self, user, group):
        cu = self.c["Fu"] // self.Tu
        cg = self.c["Fg"] // self.Tg
        rows = [user[i * cu : (i + 1) * cu] @ self.wtu[i] + self.btu[i] for i in range(self.Tu)]
        rows += [group[j * cg : (j + 1) * cg] @ self.wtg[j] + self.btg[j] for j in range(self.Tg)]
        return self.store(np.stack(rows))  # [T, D]

    def mixup(self, X):
        T, Tu, d = self.T, self.Tu, self.d
        # [T, T, d] blocks: M[h, t] = X[t, h]
        M = X.reshape(T, T, d).transpose(1, 0, 2).copy()
        if self.masked:
            M[:Tu, Tu:, :] = 0.0  # user heads never read group tokens
        return M.reshape(T, self.D)

    def sample(self, user, group):
        X = self.tokenize(user, group)
        for p in self.layers:
            S = self.store(layer_norm(self.store(self.mixup(X) + X), *p["ln1"]))  # [T, D]
            if self.comp:
                z = self.act(self.store(S[: self.Tu].mean(axis=0)))  # [D]
                for j in range(self.Tg):
                    S[self.Tu + j] = self.store(S[self.Tu + j] + self.store(z @ p["wc"][j] + p["bc"][j]))
            F = np.empty_like(S)  # [T, D]
            for t in range(self.T):
                hidden = self.store(gelu(self.store(self.act(S[t]) @ p["w1"][t] + p["b1"][t])))  # [kD]
                F[t] = self.store(self.act(hidden) @ p["w2"][t] + p["b2"][t])
            X = self.store(layer_norm(self.store(S + F), *p["ln2"]))  # [T, D]
        logit = X.mean(axis=0) @ self.head_w + self.head_b[0]
        return 1.0 / (1.0 + math.exp(-logit))

    def score(self, user, group, candidates):
        Fg = self.c["Fg"]
        return [self.sample(user, group[n * Fg : (n + 1) * Fg]) for n in range(candidates)]


def main():
    golden = {
        "generator": "test/oracle/oracle.py (float64 numpy, independent of models/)",
        "numpy": np.__version__,
        "cases": {},
    }
    for name in CASES:
        config, tensors = read_safetensors(os.path.join(FIXTURES, f"{name}.safetensors"))
        with open(os.path.join(FIXTURES, f"{name}.inputs.json")) as f:
            inputs = json.load(f)
        scores = {}
        for variant in VARIANTS:
            oracle = Oracle(config, tensors, variant)
            scores[variant] = [
                oracle.score(np.array(r["user"]), np.array(r["group"]), r["candidates"]) for r in inputs["requests"]
            ]
            if oracle.int8:
                print(f"{name} {variant}: {oracle.fp16.count} fp16 roundings, {oracle.fp16.fragile} within 1 float32 ulp of a tie")
        golden["cases"][name] = {"config": config, "scores": scores}
        print(f"{name}: {config}")
    with open(os.path.join(FIXTURES, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print("wrote fixtures/golden.json")


if __name__ == "__main__":
    main()
