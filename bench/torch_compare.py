"""What a person writes today to compare two checkpoints: torch.load both, then per common tensor
the statistics `compare` reports, in float64 (mean/max |a-b|, ||a-b||/||a||, cosine, and the
elements torch.testing's default rtol/atol call not close). Prints one JSON line: time (import
excluded) and peak RSS."""
import json
import resource
import sys
import time

import torch
from torch.testing._comparison import _DTYPE_PRECISIONS

start = time.perf_counter()
a = torch.load(sys.argv[1], map_location='cpu')['model']
b = torch.load(sys.argv[2], map_location='cpu')['model']
out = {}
for k, ta in a.items():
    tb = b.get(k)
    if tb is None or tb.shape != ta.shape or tb.dtype != ta.dtype:
        continue
    if torch.equal(ta, tb):
        out[k] = 'identical'
        continue
    rtol, atol = _DTYPE_PRECISIONS.get(ta.dtype, (0.0, 0.0))
    a64, b64 = ta.double(), tb.double()
    d = a64 - b64
    na, nb = a64.norm().item(), b64.norm().item()
    out[k] = {
        'mean_abs_diff': d.abs().mean().item(),
        'max_abs_diff': d.abs().max().item(),
        'rel_l2': d.norm().item() / na if na else 0.0,
        'cosine': (a64 * b64).sum().item() / na / nb if na and nb else 0.0,
        'not_close': int((~torch.isclose(b64, a64, rtol=rtol, atol=atol)).sum()),
    }
ms = (time.perf_counter() - start) * 1000
print(json.dumps({'ms': ms, 'maxRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'tensors': len(out)}))
