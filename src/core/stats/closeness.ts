// torch.testing.assert_close's default tolerances per dtype, and its closeness test. An element
// pair (a from A, b from B) is close when a == b, or when |a - b| is finite and at most
// atol + rtol * |a| (A is the expected side). assert_close promotes both inputs to float64 (ints
// to int64) before it compares, so the test runs in float64 here too.

export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * `_DTYPE_PRECISIONS` in torch/testing/_comparison.py (torch 1.13 to 2.x): (rtol, atol). Every
 * other dtype (integers, bool, the float8 formats, which the table does not list) gets (0, 0):
 * only equal values are close. The complex dtypes are in the table but not compared here.
 */
const PRECISIONS: Record<string, Tolerance> = {
  float16: { rtol: 0.001, atol: 1e-5 },
  bfloat16: { rtol: 0.016, atol: 1e-5 },
  float32: { rtol: 1.3e-6, atol: 1e-5 },
  float64: { rtol: 1e-7, atol: 1e-7 },
};

export function defaultTolerance(dtype: string): Tolerance {
  return PRECISIONS[dtype] ?? { rtol: 0, atol: 0 };
}
