"""Reads a NIR file with h5py the way NIR's reference reader does (nir.read: version, node/type,
node/nodes/<name>/type and parameters, node/edges as N x 2 byte strings) and prints one line per node.
Exits non-zero with a message on the first deviation."""
import sys

import h5py
import numpy as np

REQUIRED = {
    "Input": ["shape"],
    "Output": ["shape"],
    "Affine": ["weight", "bias"],
    "CubaLIF": ["tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "v_reset", "w_in"],
}


def text(v):
    return v.decode("utf8") if isinstance(v, bytes) else str(v)


def main(path):
    with h5py.File(path, "r") as f:
        version = text(f["version"][()])
        assert version.startswith("1."), version
        g = f["node"]
        assert g["type"][()] == b"NIRGraph", g["type"][()]
        nodes = g["nodes"]
        for name, node in nodes.items():
            kind = text(node["type"][()])
            assert kind in REQUIRED, f"{name}: unexpected type {kind}"
            for key in REQUIRED[kind]:
                assert key in node, f"{name}: missing {key}"
            if kind == "Affine":
                w, b = node["weight"][()], node["bias"][()]
                assert w.ndim == 2 and b.shape == (w.shape[0],), f"{name}: weight {w.shape} bias {b.shape}"
                print(f"{name} Affine {w.shape[0]}x{w.shape[1]} sum={float(np.sum(w.astype(np.float64))):.6f}")
            elif kind == "CubaLIF":
                shapes = {node[k][()].shape for k in REQUIRED[kind]}
                assert len(shapes) == 1, f"{name}: parameter shapes differ: {shapes}"
                print(f"{name} CubaLIF {node['tau_syn'][()].shape[0]} tau_syn={node['tau_syn'][0]:.6g} "
                      f"tau_mem={node['tau_mem'][0]:.6g} v_threshold={node['v_threshold'][0]:.6g}")
            else:
                print(f"{name} {kind} {list(node['shape'][()])}")
        edges = [(text(a), text(b)) for a, b in g["edges"][()]]
        for a, b in edges:
            assert a in nodes and b in nodes, f"edge {a}->{b} names a missing node"
        print("edges " + " ".join(f"{a}->{b}" for a, b in edges))
        meta = g["metadata"]
        print("metadata " + " ".join(sorted(meta.keys())))


if __name__ == "__main__":
    main(sys.argv[1])
