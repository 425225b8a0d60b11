;; The export's float32 → bfloat16 cast in WebAssembly with 128-bit SIMD: eight elements per step,
;; rounded to nearest, ties to even, NaN as torch's 0x7fc0 — bit for bit what elementCast.ts's
;; bfloat16FromFloat32Bits gives. The TypeScript side (../castKernel.ts) copies a piece of the
;; tensor to IN, calls the kernel, and copies the result back from OUT. Built into
;; castKernelsBytes.ts by scripts/build-wasm.mjs.
(module
  (memory (export "memory") 1)

  ;; n float32 at $in (16-byte aligned, n a multiple of 8) to n bfloat16 at $out.
  (func (export "f32ToBf16") (param $in i32) (param $out i32) (param $n i32)
    (local $end i32) (local $a v128) (local $b v128)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
        (local.set $a (call $round (v128.load (local.get $in))))
        (local.set $b (call $round (v128.load offset=16 (local.get $in))))
        ;; Every lane is at most 0xffff: the unsigned saturating narrow keeps it exactly.
        (v128.store (local.get $out) (i16x8.narrow_i32x4_u (local.get $a) (local.get $b)))
        (local.set $in (i32.add (local.get $in) (i32.const 32)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $next))))

  ;; Four float32 bit patterns to their bfloat16 bits in the low half of each lane.
  (func $round (param $bits v128) (result v128)
    (local $rounded v128)
    (local.set $rounded
      (i32x4.shr_u
        (i32x4.add
          (i32x4.add (local.get $bits) (i32x4.splat (i32.const 0x7fff)))
          (v128.and (i32x4.shr_u (local.get $bits) (i32.const 16)) (i32x4.splat (i32.const 1))))
        (i32.const 16)))
    (v128.bitselect
      (i32x4.splat (i32.const 0x7fc0))
      (local.get $rounded)
      (i32x4.gt_u (v128.and (local.get $bits) (i32x4.splat (i32.const 0x7fffffff))) (i32x4.splat (i32.const 0x7f800000))))))
