// PTQ on the float64 reference executor (graph/exact.ts): the same placement, observers, weight and
// activation fake quant as PtqModel, on node outputs that are each exact and rounded once to float32.
// torch run the same way (training/reference/golden_exact.py) must give the same qparams and logits, bit for
// bit, which checks the quantization itself apart from any float summation order.
import { ExactGraph } from '../graph/exact';
import type { ParsedGraph } from '../graph/format';
import { fakeQuantValues } from './fakeQuant';
import { type ActivationObservers, quantizeWeights } from './ptq';

/** One calibration batch of n inputs (NHWC): an FP32 pass of `fp` whose observed outputs go to every set
 * of observers (one set per activation width: the FP32 activations are the same for each). */
export function observeExact(fp: ExactGraph, sets: ActivationObservers[], x: Float32Array, n: number): void {
  for (const act of sets) act.checkCalibrating();
  fp.run(x, n, (node, y) => {
    for (const act of sets) act.observe(node.name, y);
    return y;
  });
  for (const act of sets) act.batchesObserved++;
}

/** The fake-quant model: weights on their wBits grid, activations on the calibrated observers' grids
 * (both clamped as the observers' `clamp` says). */
export class ExactPtq {
  private readonly q: ExactGraph;

  constructor(
    parsed: ParsedGraph,
    weights: Float32Array,
    wBits: number,
    private readonly act: ActivationObservers,
  ) {
    this.q = new ExactGraph(parsed, quantizeWeights(parsed, weights, wBits, act.clamp));
  }

  /** Fake-quant logits (n x classes) of n inputs (NHWC). */
  run(x: Float32Array, n: number): Float32Array {
    const act = this.act;
    act.freeze();
    return this.q.run(x, n, (node, y) =>
      act
        .fakeQuantsAt(node.name)
        .reduce((v, { qp, quantMin, quantMax }) => fakeQuantValues(v, qp, quantMin, quantMax), y),
    );
  }
}
