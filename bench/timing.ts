/** How the benchmarks time a step: the median of several runs, in milliseconds (one slow run does not move it). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function timeMs(iterations: number, run: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let k = 0; k < iterations; k++) {
    const start = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}
