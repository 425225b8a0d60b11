"""Writes a training checkpoint of many small tensors for bench/manyTensors.mjs: a deep model's
state dict (LAYERS blocks of attention, MLP and two norms, 12 tensors each) and the AdamW state
dict after one step (step, exp_avg and exp_avg_sq per parameter), nested as nanoGPT saves them.
LAYERS=1250 gives 60,000 tensors in about 21 MiB. Usage: make_many_tensors.py LAYERS OUT"""
import sys
import torch
from torch import nn

layers, out = int(sys.argv[1]), sys.argv[2]
torch.manual_seed(0)
WIDTH = 6


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(WIDTH)
        self.attn = nn.ModuleDict({"c_attn": nn.Linear(WIDTH, 3 * WIDTH), "c_proj": nn.Linear(WIDTH, WIDTH)})
        self.ln_2 = nn.LayerNorm(WIDTH)
        self.mlp = nn.ModuleDict({"c_fc": nn.Linear(WIDTH, 2 * WIDTH), "c_proj": nn.Linear(2 * WIDTH, WIDTH)})


model = nn.ModuleDict({"h": nn.ModuleList(Block() for _ in range(layers))})
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.95), weight_decay=0.1)
for p in model.parameters():
    p.grad = torch.ones_like(p)
optimizer.step()
torch.save(
    {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "model_args": {"n_layer": layers, "n_embd": WIDTH},
        "iter_num": 1000,
        "best_val_loss": 2.5,
    },
    out,
)
