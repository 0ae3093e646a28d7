/**
 * Interns strings (user ids, page ids) into dense integer ids. The count store keys on
 * these ids, never on strings: this is the project's one key encoding.
 */
export class Dictionary {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  intern(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }

  get size(): number {
    return this.names.length;
  }

  /**
   * rank[id] = position of names[id] in code-unit order (never localeCompare), so that
   * sorting rows becomes sorting numbers.
   */
  ranks(): Uint32Array {
    const sorted = this.names.slice().sort(); // default sort compares UTF-16 code units
    const rank = new Uint32Array(this.names.length);
    for (let r = 0; r < sorted.length; r++) rank[this.ids.get(sorted[r])!] = r;
    return rank;
  }
}
