// How the page writes a fraction as a percentage: two decimals unless a label says fewer.
export const pct = (v: number, digits = 2) => `${(100 * v).toFixed(digits)}%`;
