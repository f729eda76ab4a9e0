// Short explanations for teaching, and presets that ask the study's questions, each opening the view
// that answers it (the paper's figure is named in the button's description).
import type { AppStore } from '../store';
import type { Settings } from '../../core/experiment/settings';

const PRESETS: { question: string; figure: string; patch: Partial<Settings> }[] = [
  {
    question: 'Does quantization make models over-confident?',
    figure: "ECE against top-1 error for every model and precision (the paper's Figure 1)",
    patch: { view: 'scatter' },
  },
  {
    question: 'Where does it go wrong, bin by bin?',
    figure: 'reliability diagrams for every model and precision, before scaling (Figures 2-3)',
    patch: { view: 'grid', scaling: 'before' },
  },
  {
    question: 'Does temperature scaling repair it?',
    figure: 'the same grid after temperature scaling (Figures 4-5)',
    patch: { view: 'grid', scaling: 'after' },
  },
  {
    question: 'Does 4-bit quantization break calibration?',
    figure: 'one model at W4/A4, before and after scaling, with a temperature to drag',
    patch: { view: 'single', precision: 'w4a4' },
  },
];

export function Presets({ store }: { store: AppStore }) {
  return (
    <nav aria-label="Presets" className="presets">
      {PRESETS.map(({ question, figure, patch }) => (
        <button
          key={question}
          type="button"
          title={figure}
          aria-description={figure}
          onClick={() => store.getState().setSettings(patch)}
        >
          {question}
        </button>
      ))}
    </nav>
  );
}

/** Where the page introduces the study it reproduces: named once, with its citation. */
export function Study() {
  return (
    <p className="muted study">
      What post-training quantization does to the calibration of small CNNs, live in this browser: a
      reproduction of J. Kuang and A. Wong,{' '}
      <cite>On Calibration of Modern Quantized Efficient Neural Networks</cite>, arXiv:2309.13866 (2023).
    </p>
  );
}

export function Explanations() {
  return (
    <details className="panel explain">
      <summary>How to read these charts</summary>
      <p>
        <b>Calibration.</b> A model is calibrated when its confidence matches how often it is right: of all
        images it labels with 80% confidence, 80% should be correct.
      </p>
      <p>
        <b>Reliability diagram.</b> Test images are grouped by confidence into bins. The blue bar is each
        bin's accuracy; the red hatching spans the gap to the bin's mean confidence. On the diagonal a model
        is perfectly calibrated; bars below it mean over-confidence. Bins with few images are drawn faint, and
        the histogram beneath shows how many images fall in each bin, with the overall accuracy and average
        confidence as lines: gaps in nearly empty bins say little.
      </p>
      <p>
        <b>ECE</b> (expected calibration error) is the average gap, weighted by the share of images in each
        bin, with bins (lo, hi]. With few test images (RetinaMNIST has 400) it is noisy, so the lab shows a
        bootstrap interval.
      </p>
      <p>
        <b>Quantization.</b> W8/A8 stores weights and activations in 8 bits, W4/A4 in 4 bits. Ranges are
        chosen from 1,024 calibration images (three random draws = three trials). Coarser grids change the
        logits, and with them both accuracy and confidence. When the logits themselves sit on a coarse grid,
        two classes can get exactly the same score: the metrics table then counts these tied images; the first
        class wins them, and no temperature can split them.
      </p>
      <p>
        <b>Arithmetic.</b> "Fake quant" is the paper's model: each layer computes in float and rounds its
        output to the grid, as PyTorch's reference model does. "int8 kernels" computes as the deployed int8
        model does on one of PyTorch's engines: whole-number sums, then one rescaling in a fixed float order.
        On oneDNN (x86 servers) the two round a few values differently, which changes the prediction on a few
        images in a thousand. QNNPACK (ARM phones) also rounds each bias to a whole number of input steps
        first; where a layer's rescaling is large (MobileOne's depthwise layers) that moves outputs by whole
        steps, so the same quantized model can score differently on a phone than on a server (MobileOne-S0 on
        PneumoniaMNIST at W4/A4: 34% error on QNNPACK, 18% on oneDNN).
      </p>
      <p>
        <b>Integer range below 8 bits.</b> A true 4-bit activation has 16 levels: values past the calibrated
        range are clipped to the last one. PyTorch 1.13's conversion keeps the step size of a 4-bit grid but
        stores into 8-bit integers, so values past the range survive (up to 256 levels), and each weight
        channel gains one level at its positive end. The second setting computes that model, the one a study
        using PyTorch's tools measured; it changes 4-bit results by up to 13 points of error here.
      </p>
      <p>
        <b>Temperature scaling</b> divides all logits by one number T fitted on the validation set. It fixes
        over- or under-confidence overall, but it cannot change which class wins (the error stays the same)
        nor fix a model that is over-confident in some bins and under-confident in others.
      </p>
    </details>
  );
}
