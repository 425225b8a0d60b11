"""Writes a torch checkpoint of about SIZE_MIB MiB for the benchmarks: a GPT-like state dict of
float32 weights (64 MiB per tensor at most), a step and a small config. Usage: make_checkpoint.py SIZE_MIB OUT"""
import sys
import torch

size_mib, out = int(sys.argv[1]), sys.argv[2]
per_tensor = min(64, size_mib)
count = max(1, size_mib // per_tensor)
numel = per_tensor * 1024 * 1024 // 4
state = {}
for i in range(count):
    state[f"transformer.h.{i}.mlp.c_fc.weight"] = torch.empty(numel // 1024, 1024).fill_(i * 0.5)
torch.save({"model": state, "step": 1000, "config": {"n_layer": count, "n_embd": 1024}}, out)
