/**
 * An online read's values: per entity row, per requested feature, a serialized `feast.types.Value`
 * as a slice of a buffer the row's values share (the SQLite row's blob, the Redis reply), or
 * absent. Slices are offsets, not views: a 100-entity x 50-feature read would otherwise make
 * 5,000 objects per request, and their garbage collection is what sets the latency tail.
 *
 * @example
 * const [result] = await store.read([{ table, features: ["clicks"], entityKeys }]);
 * result.values.get(0, 0);   // the first entity's clicks, as bytes (or undefined)
 */
export class ValueGrid {
  private readonly buffers: (Uint8Array | undefined)[];
  /** `starts[row * width + f]`; -1 when the value is absent. */
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;

  constructor(readonly rows: number, readonly width: number) {
    this.buffers = new Array(rows).fill(undefined);
    this.starts = new Int32Array(rows * width).fill(-1);
    this.ends = new Int32Array(rows * width);
  }

  /** The buffer `row`'s values are slices of (set before its values). */
  setBuffer(row: number, buffer: Uint8Array): void {
    this.buffers[row] = buffer;
  }

  /** Feature `f` of `row` is `buffer(row)[start, end)`. */
  set(row: number, f: number, start: number, end: number): void {
    const at = row * this.width + f;
    this.starts[at] = start;
    this.ends[at] = end;
  }

  /** Gives row `to` the values of row `from` (a repeated entity). */
  copyRow(from: number, to: number): void {
    this.buffers[to] = this.buffers[from];
    this.starts.copyWithin(to * this.width, from * this.width, (from + 1) * this.width);
    this.ends.copyWithin(to * this.width, from * this.width, (from + 1) * this.width);
  }

  /** Feature `to` of `row` takes feature `from`'s slice (a feature asked for twice). */
  copyValue(row: number, from: number, to: number): void {
    this.starts[row * this.width + to] = this.starts[row * this.width + from];
    this.ends[row * this.width + to] = this.ends[row * this.width + from];
  }

  has(row: number, f: number): boolean {
    return this.starts[row * this.width + f] >= 0;
  }

  /** The buffer holding `row`'s values (undefined when the row has none). */
  buffer(row: number): Uint8Array | undefined {
    return this.buffers[row];
  }

  start(row: number, f: number): number {
    return this.starts[row * this.width + f];
  }

  end(row: number, f: number): number {
    return this.ends[row * this.width + f];
  }

  /** Feature `f` of `row` as bytes (a view of the shared buffer), or undefined when absent. */
  get(row: number, f: number): Uint8Array | undefined {
    const at = row * this.width + f;
    const start = this.starts[at];
    return start < 0 ? undefined : this.buffers[row]!.subarray(start, this.ends[at]);
  }

  /** Every feature of `row`, as {@link get} gives them. */
  row(row: number): (Uint8Array | undefined)[] {
    return Array.from({ length: this.width }, (_v, f) => this.get(row, f));
  }

  /** Every row, as {@link row} gives them. */
  toArrays(): (Uint8Array | undefined)[][] {
    return Array.from({ length: this.rows }, (_v, row) => this.row(row));
  }
}

/**
 * For requested features, the index of each name's first occurrence, and the later occurrences
 * of names asked for more than once as [later, first] pairs: stores fill the first, then copy.
 */
export function featureSlots(features: readonly string[]): { first: Map<string, number>; repeats: [number, number][] } {
  const first = new Map<string, number>();
  const repeats: [number, number][] = [];
  features.forEach((feature, f) => {
    const seen = first.get(feature);
    if (seen === undefined) first.set(feature, f);
    else repeats.push([f, seen]);
  });
  return { first, repeats };
}
