/** One round of a paired measurement: the gateway's figure and its ceiling's, taken back to back. */
export interface Round {
  gateway: number;
  ceiling: number;
  ratio: number;
}

export interface Paired {
  rounds: Round[];
  /** Medians over the rounds. `ratio` is the median of the rounds' ratios, not gateway ÷ ceiling. */
  gateway: number;
  ceiling: number;
  ratio: number;
  /** The lowest and highest ratio of a round. */
  range: [number, number];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Measures the gateway and its ceiling in alternating rounds, in ABBA order
 * (gateway first in even rounds, ceiling first in odd ones), and compares
 * each round's pair. This machine's speed drifts by tens of percent within
 * a minute (shared cores): two figures taken seconds apart compare under the
 * same conditions, two taken a minute apart do not. The median of the
 * rounds' ratios is the result; a single slow or fast moment moves it little.
 */
export async function paired(rounds: number, gateway: () => Promise<number>, ceiling: () => Promise<number>): Promise<Paired> {
  const all: Round[] = [];
  for (let i = 0; i < rounds; i++) {
    let g: number;
    let c: number;
    if (i % 2 === 0) {
      g = await gateway();
      c = await ceiling();
    } else {
      c = await ceiling();
      g = await gateway();
    }
    all.push({ gateway: g, ceiling: c, ratio: c === 0 ? 0 : g / c });
  }
  const ratios = all.map((r) => r.ratio);
  return {
    rounds: all,
    gateway: median(all.map((r) => r.gateway)),
    ceiling: median(all.map((r) => r.ceiling)),
    ratio: median(ratios),
    range: [Math.min(...ratios), Math.max(...ratios)],
  };
}
