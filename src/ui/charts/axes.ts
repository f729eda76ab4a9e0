// The axes' look, shared by every chart: ticks and lines in the text colour, labels at the axis.
/** Props of a recharts XAxis or YAxis. interval 0: every tick given is drawn, and recharts measures no
 * label to thin them out (measuring forces a layout: a third of a chart's mount). */
export const axisStyle = (fontSize: number) => {
  const line = { stroke: 'currentColor', strokeOpacity: 0.6 };
  return { tick: { fill: 'currentColor', fontSize }, axisLine: line, tickLine: line, interval: 0 as const };
};

/** An axis title: along the bottom, or turned up the left side (angle -90). */
export const axisLabel = (value: string, fontSize: number, angle = 0) =>
  ({
    value,
    angle,
    position: angle ? 'insideLeft' : 'insideBottom',
    fill: 'currentColor',
    fontSize,
  }) as const;
