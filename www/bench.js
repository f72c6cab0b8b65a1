// Plain-JavaScript versions of the benchmark workloads, written the way a careful JS developer
// would (typed arrays, no allocation in the loop), so the Speed tab compares like with like.

// E(y) = −½ yᵀWy for a dense symmetric W (row-major Float32Array), y an Int8Array of ±1.
export function jsEnergy(w, y, n) {
  let pair = 0.0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let s = 0.0;
    for (let j = 0; j < i; j++) s += w[row + j] * y[j];
    pair += s * y[i];
  }
  return -pair;
}

export function now() {
  return performance.now();
}
