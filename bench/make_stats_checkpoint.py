"""Writes the statistics bench's checkpoint: one 1 GiB float32 tensor and one 1 GiB bfloat16
tensor of normal values (with a few NaN), as torch.save does. Usage: make_stats_checkpoint.py OUT"""
import sys
import torch

torch.manual_seed(0)
n = 256 * 1024 * 1024
w = torch.randn(n // 1024, 1024)
w.view(-1)[::10_000_019] = float("nan")
h = torch.randn(2 * n // 1024, 1024).to(torch.bfloat16)
torch.save({"w": w, "h": h}, sys.argv[1])
