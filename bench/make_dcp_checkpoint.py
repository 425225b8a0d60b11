"""Writes the DCP bench's folder with Debian's torch 1.13 (test/fixtures/dcp/dcp_compat.py lets
its torch.distributed._shard.checkpoint import): two ranks over gloo on loopback, each saving its
chunks of
- `rows`: a 256 MiB float32 [8192, 8192] tensor split by rows (each chunk one block of the tensor),
- `cols`: the same split by columns (every row of the tensor alternates between the two chunks),
- `small.<i>`: 2,000 float32 [64, 64] tensors split by rows (4,000 chunks),
as __0_0.distcp and __1_0.distcp. Usage: make_dcp_checkpoint.py OUT"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "dcp"))
import dcp_compat  # noqa: E402,F401

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
import torch.distributed._shard.checkpoint as dcp  # noqa: E402
import torch.multiprocessing as mp  # noqa: E402
from torch.distributed._shard.sharded_tensor import Shard, init_from_local_shards  # noqa: E402

N = 8192


def sharded(full, dim, rank):
    half = full.shape[dim] // 2
    piece = full.narrow(dim, rank * half, half).clone()
    offsets = [0, 0]
    offsets[dim] = rank * half
    return init_from_local_shards([Shard.from_tensor_and_offsets(piece, offsets, rank)], list(full.shape))


def worker(rank, out):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT="29547")
    dist.init_process_group("gloo", rank=rank, world_size=2)
    g = torch.Generator().manual_seed(0)
    big = torch.randn(N, N, generator=g)
    state = {"rows": sharded(big, 0, rank), "cols": sharded(big, 1, rank)}
    for i in range(2000):
        state[f"small.{i}"] = sharded(torch.full((64, 64), float(i)), 0, rank)
    dcp.save_state_dict(state, dcp.FileSystemWriter(out, single_file_per_rank=True, sync_files=False))
    dist.destroy_process_group()


if __name__ == "__main__":
    mp.spawn(worker, args=(sys.argv[1],), nprocs=2)
