// Display names shared by the panels (architectures: archs.ts).
export const PRECISIONS = [
  ['fp32', 'FP32'],
  ['w8a8', 'W8/A8'],
  ['w4a8', 'W4/A8'],
  ['w4a4', 'W4/A4'],
] as const;
