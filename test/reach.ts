// Property tests must reach the sizes where structures break (a heap of hundreds, not the ~10
// elements fast-check's default size gives `fc.array`). Each sized property records the largest
// structure each generated case built; reached() states that most cases got deep enough.

export interface Reach {
  /** Records the largest size one generated case reached. */
  record(size: number): void;
  /** The median and the largest of the recorded sizes. */
  summary(): { cases: number; median: number; max: number };
}

export function reach(): Reach {
  const sizes: number[] = [];
  return {
    record: (size) => void sizes.push(size),
    summary: () => {
      const sorted = [...sizes].sort((a, b) => a - b);
      return { cases: sorted.length, median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
    },
  };
}
