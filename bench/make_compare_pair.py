"""Writes the checkpoints bench/compare.mjs compares, about SIZE_MIB MiB each: a GPT-like state dict
(float32 matrices of 64 MiB at most, one bfloat16 embedding) as one step of a run, the next step
(every weight nudged, as an optimizer step moves them) and a byte-for-byte copy of the first.
Usage: make_compare_pair.py SIZE_MIB DIR"""
import os
import shutil
import sys

import torch

size_mib, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)
g = torch.Generator().manual_seed(1)
per_tensor = min(64, size_mib)
count = max(1, size_mib // per_tensor)
rows = per_tensor * 1024 * 1024 // 4 // 1024
step, nxt = {}, {}
for i in range(count):
    if i == 0:
        name, a = 'transformer.wte.weight', torch.randn(rows * 2, 1024, generator=g).bfloat16()
    else:
        name, a = f'transformer.h.{i}.mlp.c_fc.weight', torch.randn(rows, 1024, generator=g) * 0.02
    step[name] = a
    nxt[name] = (a.float() + 1e-4 * torch.randn(a.shape, generator=g)).to(a.dtype)
torch.save({'model': step, 'step': 1000}, os.path.join(out, 'step_a.pt'))
torch.save({'model': nxt, 'step': 1001}, os.path.join(out, 'step_b.pt'))
shutil.copyfile(os.path.join(out, 'step_a.pt'), os.path.join(out, 'step_a_copy.pt'))
