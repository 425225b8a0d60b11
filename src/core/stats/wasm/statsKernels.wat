;; The statistics passes' inner loops over float32 and float64 elements, in WebAssembly with
;; 128-bit SIMD: four float32 (or two float64) elements per step. The TypeScript side
;; (../wasmKernels.ts) copies a piece of a tensor into this module's memory at DATA, calls a
;; kernel, and reads the results back; pieces holding a NaN or an infinity are left to the exact
;; TypeScript loops, which count them. Built into wasmBytes.ts by scripts/build-wasm.mjs.
;;
;; Memory: [0, 64) results, [64, 64 + 8 * (bins + 1)) the histogram's edges, then four
;; sub-histograms of `bins` u32 counters each (one per lane, so that consecutive elements in one
;; bin do not wait on each other's stores), then the data. The host sets the layout per call.
(module
  (memory (export "memory") 1)

  ;; Moments of n float32 at ptr (16-byte aligned, n a multiple of 4), each element taken as
  ;; float64 minus `shift`. Results at 0: min, max (float64), sum, sum of squares, zeros.
  (func (export "momentsF32") (param $ptr i32) (param $n i32) (param $shift f64)
    (local $end i32) (local $v v128) (local $mn v128) (local $mx v128) (local $z v128)
    (local $sa v128) (local $sb v128) (local $qa v128) (local $qb v128) (local $sh v128)
    (local $lo v128) (local $hi v128)
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $mn (f32x4.splat (f32.const inf)))
    (local.set $mx (f32x4.splat (f32.const -inf)))
    (local.set $sh (f64x2.splat (local.get $shift)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $v (v128.load (local.get $ptr)))
        (local.set $mn (f32x4.pmin (local.get $v) (local.get $mn)))
        (local.set $mx (f32x4.pmax (local.get $v) (local.get $mx)))
        ;; A lane equal to zero is all ones, -1: subtracting it counts one.
        (local.set $z (i32x4.sub (local.get $z) (f32x4.eq (local.get $v) (v128.const f32x4 0 0 0 0))))
        (local.set $lo (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $sh)))
        (local.set $hi (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $sh)))
        (local.set $sa (f64x2.add (local.get $sa) (local.get $lo)))
        (local.set $sb (f64x2.add (local.get $sb) (local.get $hi)))
        (local.set $qa (f64x2.add (local.get $qa) (f64x2.mul (local.get $lo) (local.get $lo))))
        (local.set $qb (f64x2.add (local.get $qb) (f64x2.mul (local.get $hi) (local.get $hi))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $next)))
    (f64.store (i32.const 0) (f64.promote_f32 (f32.min
      (f32.min (f32x4.extract_lane 0 (local.get $mn)) (f32x4.extract_lane 1 (local.get $mn)))
      (f32.min (f32x4.extract_lane 2 (local.get $mn)) (f32x4.extract_lane 3 (local.get $mn))))))
    (f64.store (i32.const 8) (f64.promote_f32 (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $mx)) (f32x4.extract_lane 1 (local.get $mx)))
      (f32.max (f32x4.extract_lane 2 (local.get $mx)) (f32x4.extract_lane 3 (local.get $mx))))))
    (call $storeSums (f64x2.add (local.get $sa) (local.get $sb)) (f64x2.add (local.get $qa) (local.get $qb)))
    (f64.store (i32.const 32) (f64.convert_i32_u (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $z)) (i32x4.extract_lane 1 (local.get $z)))
      (i32.add (i32x4.extract_lane 2 (local.get $z)) (i32x4.extract_lane 3 (local.get $z)))))))

  ;; The same over n float64 at ptr (16-byte aligned, n a multiple of 2).
  (func (export "momentsF64") (param $ptr i32) (param $n i32) (param $shift f64)
    (local $end i32) (local $v v128) (local $mn v128) (local $mx v128) (local $z v128)
    (local $s v128) (local $q v128) (local $sh v128) (local $d v128)
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $mn (f64x2.splat (f64.const inf)))
    (local.set $mx (f64x2.splat (f64.const -inf)))
    (local.set $sh (f64x2.splat (local.get $shift)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $v (v128.load (local.get $ptr)))
        (local.set $mn (f64x2.pmin (local.get $v) (local.get $mn)))
        (local.set $mx (f64x2.pmax (local.get $v) (local.get $mx)))
        (local.set $z (i64x2.sub (local.get $z) (f64x2.eq (local.get $v) (v128.const f64x2 0 0))))
        (local.set $d (f64x2.sub (local.get $v) (local.get $sh)))
        (local.set $s (f64x2.add (local.get $s) (local.get $d)))
        (local.set $q (f64x2.add (local.get $q) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $next)))
    (f64.store (i32.const 0) (f64.min (f64x2.extract_lane 0 (local.get $mn)) (f64x2.extract_lane 1 (local.get $mn))))
    (f64.store (i32.const 8) (f64.max (f64x2.extract_lane 0 (local.get $mx)) (f64x2.extract_lane 1 (local.get $mx))))
    (call $storeSums (local.get $s) (local.get $q))
    (f64.store (i32.const 32) (f64.convert_i64_u (i64.add (i64x2.extract_lane 0 (local.get $z)) (i64x2.extract_lane 1 (local.get $z))))))

  (func $storeSums (param $s v128) (param $q v128)
    (f64.store (i32.const 16) (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
    (f64.store (i32.const 24) (f64.add (f64x2.extract_lane 0 (local.get $q)) (f64x2.extract_lane 1 (local.get $q)))))

  ;; One finite-or-not value into the sub-histogram at $counts, exactly as histogram.ts places it:
  ;; by interpolation, then checked against the edges on either side.
  (func $place (param $v f64) (param $bins i32) (param $counts i32)
    (local $pos i32) (local $last i32) (local $lo f64) (local $hi f64) (local $a i32)
    (local.set $last (i32.sub (local.get $bins) (i32.const 1)))
    (local.set $lo (f64.load (i32.const 64)))
    (local.set $hi (f64.load (i32.add (i32.const 64) (i32.shl (local.get $bins) (i32.const 3)))))
    ;; False for NaN too.
    (if (i32.eqz (i32.and (f64.ge (local.get $v) (local.get $lo)) (f64.le (local.get $v) (local.get $hi)))) (then (return)))
    (local.set $pos (i32.trunc_sat_f64_s (f64.div
      (f64.mul (f64.sub (local.get $v) (local.get $lo)) (f64.convert_i32_s (local.get $bins)))
      (f64.sub (local.get $hi) (local.get $lo)))))
    (if (i32.gt_s (local.get $pos) (local.get $last)) (then (local.set $pos (local.get $last))))
    (local.set $a (i32.add (i32.const 64) (i32.shl (local.get $pos) (i32.const 3))))
    (if (f64.lt (local.get $v) (f64.load (local.get $a)))
      (then (local.set $pos (i32.sub (local.get $pos) (i32.const 1))))
      (else (if (i32.and (i32.lt_s (local.get $pos) (local.get $last)) (f64.ge (local.get $v) (f64.load offset=8 (local.get $a))))
        (then (local.set $pos (i32.add (local.get $pos) (i32.const 1)))))))
    (local.set $a (i32.add (local.get $counts) (i32.shl (local.get $pos) (i32.const 2))))
    (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1))))

  ;; In the loops below, a step whose positions (in bins) are all farther than 1e-7 of a bin from
  ;; an edge takes the truncated positions as its bins: the exact check would find the same (the
  ;; edges' own rounding is some 1e-14 of a bin). NaN and infinities fail the test and go to $place.

  ;; Bin counts of n float32 at ptr (16-byte aligned, n a multiple of 4) into the four
  ;; sub-histograms at $counts, against the bins + 1 edges at 64.
  (func (export "histogramF32") (param $ptr i32) (param $n i32) (param $bins i32) (param $counts i32)
    (local $end i32) (local $stride i32) (local $v v128) (local $t0 v128) (local $t1 v128)
    (local $lo v128) (local $scale v128) (local $lanes v128) (local $a v128) (local $c i32)
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $n) (i32.const 2))))
    (call $setup (local.get $bins))
    (local.set $lo (f64x2.splat (f64.load (i32.const 64))))
    (local.set $scale (v128.load (i32.const 48)))
    (local.set $stride (i32.shl (local.get $bins) (i32.const 2)))
    (local.set $lanes (i32x4.add (i32x4.splat (local.get $counts)) (i32x4.mul (i32x4.splat (local.get $stride)) (v128.const i32x4 0 1 2 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $v (v128.load (local.get $ptr)))
        (local.set $t0 (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (local.get $lo)) (local.get $scale)))
        (local.set $t1 (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $lo)) (local.get $scale)))
        (if (i32.and (i64x2.all_true (f64x2.gt (f64x2.abs (f64x2.sub (local.get $t0) (f64x2.nearest (local.get $t0)))) (v128.const f64x2 1e-7 1e-7)))
                   (i64x2.all_true (f64x2.gt (f64x2.abs (f64x2.sub (local.get $t1) (f64x2.nearest (local.get $t1)))) (v128.const f64x2 1e-7 1e-7))))
          (then
            (local.set $a (i32x4.add (local.get $lanes) (i32x4.shl
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (i32x4.trunc_sat_f64x2_s_zero (local.get $t0)) (i32x4.trunc_sat_f64x2_s_zero (local.get $t1)))
              (i32.const 2))))
            ;; The four counters whose byte addresses are the lanes of $a, bumped.
            (local.set $c (i32x4.extract_lane 0 (local.get $a)))
            (i32.store (local.get $c) (i32.add (i32.load (local.get $c)) (i32.const 1)))
            (local.set $c (i32x4.extract_lane 1 (local.get $a)))
            (i32.store (local.get $c) (i32.add (i32.load (local.get $c)) (i32.const 1)))
            (local.set $c (i32x4.extract_lane 2 (local.get $a)))
            (i32.store (local.get $c) (i32.add (i32.load (local.get $c)) (i32.const 1)))
            (local.set $c (i32x4.extract_lane 3 (local.get $a)))
            (i32.store (local.get $c) (i32.add (i32.load (local.get $c)) (i32.const 1))))
          (else
            (call $place (f64.promote_f32 (f32.load (local.get $ptr))) (local.get $bins) (local.get $counts))
            (call $place (f64.promote_f32 (f32.load offset=4 (local.get $ptr))) (local.get $bins) (i32.add (local.get $counts) (local.get $stride)))
            (call $place (f64.promote_f32 (f32.load offset=8 (local.get $ptr))) (local.get $bins) (i32.add (local.get $counts) (i32.shl (local.get $stride) (i32.const 1))))
            (call $place (f64.promote_f32 (f32.load offset=12 (local.get $ptr))) (local.get $bins) (i32.add (local.get $counts) (i32.mul (local.get $stride) (i32.const 3))))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $next))))

  ;; The same over n float64 at ptr (16-byte aligned, n a multiple of 4).
  (func (export "histogramF64") (param $ptr i32) (param $n i32) (param $bins i32) (param $counts i32)
    (local $end i32) (local $stride i32) (local $t0 v128) (local $t1 v128)
    (local $lo v128) (local $scale v128) (local $lanes v128) (local $a v128) (local $c i32)
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $n) (i32.const 3))))
    (call $setup (local.get $bins))
    (local.set $lo (f64x2.splat (f64.load (i32.const 64))))
    (local.set $scale (v128.load (i32.const 48)))
    (local.set $stride (i32.shl (local.get $bins) (i32.const 2)))
    (local.set $lanes (i32x4.add (i32x4.splat (local.get $counts)) (i32x4.mul (i32x4.splat (local.get $stride)) (v128.const i32x4 0 1 2 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $t0 (f64x2.mul (f64x2.sub (v128.load (local.get $ptr)) (local.get $lo)) (local.get $scale)))
        (local.set $t1 (f64x2.mul (f64x2.sub (v128.load offset=16 (local.get $ptr)) (local.get $lo)) (local.get $scale)))
        (if (i32.and (i64x2.all_true (f64x2.gt (f64x2.abs (f64x2.sub (local.get $t0) (f64x2.nearest (local.get $t0)))) (v128.const f64x2 1e-7 1e-7)))
                   (i64x2.all_true (f64x2.gt (f64x2.abs (f64x2.sub (local.get $t1) (f64x2.nearest (local.get $t1)))) (v128.const f64x2 1e-7 1e-7))))
          (then
            (local.set $a (i32x4.add (local.get $lanes) (i32x4.shl
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (i32x4.trunc_sat_f64x2_s_zero (local.get $t0)) (i32x4.trunc_sat_f64x2_s_zero (local.get $t1)))
              (i32.const 2))))
            ;; The four counters whose byte addresses are the lanes of $a, bumped.
            (local.set $c (i32x4.extract_lane 0 (local.get $a)))
            (i32.store (local.get $c) (i32.add (i32.load (local.get $c)) (i32.const 1)))
            (local.set $c (i32x4.extract_lane 1 (local.get $a)))
            (i32.store (local.get $c) (i32.add (i32.load (local.get $c)) (i32.const 1)))
            (local.set $c (i32x4.extract_lane 2 (local.get $a)))
            (i32.store (local.get $c) (i32.add (i32.load (local.get $c)) (i32.const 1)))
            (local.set $c (i32x4.extract_lane 3 (local.get $a)))
            (i32.store (local.get $c) (i32.add (i32.load (local.get $c)) (i32.const 1))))
          (else
            (call $place (f64.load (local.get $ptr)) (local.get $bins) (local.get $counts))
            (call $place (f64.load offset=8 (local.get $ptr)) (local.get $bins) (i32.add (local.get $counts) (local.get $stride)))
            (call $place (f64.load offset=16 (local.get $ptr)) (local.get $bins) (i32.add (local.get $counts) (i32.shl (local.get $stride) (i32.const 1))))
            (call $place (f64.load offset=24 (local.get $ptr)) (local.get $bins) (i32.add (local.get $counts) (i32.mul (local.get $stride) (i32.const 3))))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 32)))
        (br $next))))

  ;; bins / (hi - lo) in both lanes at 48, from the edges at 64.
  (func $setup (param $bins i32)
    (v128.store (i32.const 48) (f64x2.splat (f64.div (f64.convert_i32_s (local.get $bins))
      (f64.sub (f64.load (i32.add (i32.const 64) (i32.shl (local.get $bins) (i32.const 3)))) (f64.load (i32.const 64)))))))
)
