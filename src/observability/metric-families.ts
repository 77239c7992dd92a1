/**
 * Metric families in the shape a prom-client Registry reads (`get()`, `reset()`): counters
 * and histograms whose cells are plain objects the recorder holds on to and bumps directly,
 * and gauges computed when scraped. A prom-client Counter hashes its labels on every `inc()`
 * (about 0.4 µs); a held cell costs an addition, which keeps metrics off the call budget.
 */

export type Labels = Readonly<Record<string, string>>;

/** One exported sample, as prom-client's registry formats it. */
interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

/** What Registry.registerMetric() and Registry.metrics() use of a metric. */
export interface RegistryMetric {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge" | "histogram";
  readonly aggregator: "sum";
  get(): { name: string; help: string; type: string; values: Sample[]; aggregator: "sum" };
  reset(): void;
}

abstract class Family<C extends { labels: Labels }> implements RegistryMetric {
  readonly aggregator = "sum" as const;
  abstract readonly type: "counter" | "histogram";
  private readonly cells = new Map<string, C>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
  ) {}

  /** The cell of these label values (made on first use; callers keep it). */
  cell(labels: Labels): C {
    const key = this.labelNames.map((n) => labels[n]).join("\u0000");
    let cell = this.cells.get(key);
    if (!cell) {
      cell = this.makeCell(labels);
      this.cells.set(key, cell);
    }
    return cell;
  }

  get() {
    const values: Sample[] = [];
    for (const cell of this.cells.values()) this.samples(cell, values);
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    };
  }

  /** Zeroes every cell; the cells stay, since recorders hold them. */
  reset(): void {
    for (const cell of this.cells.values()) this.zero(cell);
  }

  protected abstract makeCell(labels: Labels): C;
  protected abstract samples(cell: C, out: Sample[]): void;
  protected abstract zero(cell: C): void;
}

export interface CounterCell {
  readonly labels: Labels;
  value: number;
}

export class CounterFamily extends Family<CounterCell> {
  readonly type = "counter" as const;

  protected makeCell(labels: Labels): CounterCell {
    return { labels, value: 0 };
  }

  protected samples(cell: CounterCell, out: Sample[]): void {
    out.push({ labels: cell.labels, value: cell.value });
  }

  protected zero(cell: CounterCell): void {
    cell.value = 0;
  }
}

export interface HistogramCell {
  readonly labels: Labels;
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  readonly counts: number[];
  sum: number;
}

export class HistogramFamily extends Family<HistogramCell> {
  readonly type = "histogram" as const;

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    /** Upper bounds, ascending. */
    private readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames);
  }

  observe(cell: HistogramCell, value: number): void {
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    cell.counts[i]!++;
    cell.sum += value;
  }

  protected makeCell(labels: Labels): HistogramCell {
    return { labels, counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0 };
  }

  protected samples(cell: HistogramCell, out: Sample[]): void {
    let cumulative = 0;
    for (let i = 0; i <= this.buckets.length; i++) {
      cumulative += cell.counts[i]!;
      const le = i < this.buckets.length ? String(this.buckets[i]) : "+Inf";
      out.push({
        labels: { ...cell.labels, le },
        value: cumulative,
        metricName: `${this.name}_bucket`,
      });
    }
    out.push({ labels: cell.labels, value: cell.sum, metricName: `${this.name}_sum` });
    out.push({ labels: cell.labels, value: cumulative, metricName: `${this.name}_count` });
  }

  protected zero(cell: HistogramCell): void {
    cell.counts.fill(0);
    cell.sum = 0;
  }
}

/** A gauge computed when scraped: `read()` returns its samples. */
export class GaugeFamily implements RegistryMetric {
  readonly type = "gauge" as const;
  readonly aggregator = "sum" as const;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => Sample[],
  ) {}

  get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values: this.read(),
      aggregator: this.aggregator,
    };
  }

  reset(): void {}
}
