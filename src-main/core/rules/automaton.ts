// Aho–Corasick over UTF-16 code units: every pattern occurrence in one left-to-right pass, whatever the number
// of patterns. Built and flattened into typed arrays, so that a scan allocates nothing but its matches: the
// root (which has thousands of children) gets a dense table, every other node a short sorted edge list.

export interface PatternMatch {
  /** Index of the pattern in the list given to `buildAutomaton`. */
  pattern: number;
  /** Code-unit offsets in the scanned text, end exclusive. */
  start: number;
  end: number;
}

export interface Automaton {
  readonly patternCount: number;
  readonly nodeCount: number;
  /** All occurrences, overlapping ones included, ordered by end offset (then longest first). */
  scan(text: string): PatternMatch[];
}

const NONE = -1;

/** Growable Int32Array, so that building the trie allocates a handful of arrays rather than a map per node. */
class IntList {
  data = new Int32Array(1024);
  length = 0;
  push(value: number): number {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length] = value;
    return this.length++;
  }
}

export function buildAutomaton(patterns: readonly string[]): Automaton {
  // 1. Trie: the root's children in a dense table, every other node's children in a sibling list sorted by code.
  const rootNext = new Int32Array(0x10000); // 0 = stay at the root
  const firstChild = new IntList();
  const nextSibling = new IntList();
  const nodeCode = new IntList();
  const depth = new IntList();
  const output = new IntList();
  const newNode = (code: number, d: number): number => {
    firstChild.push(NONE);
    nextSibling.push(NONE);
    nodeCode.push(code);
    depth.push(d);
    return output.push(NONE);
  };
  newNode(0, 0);
  patterns.forEach((pattern, index) => {
    if (pattern.length === 0) throw new Error(`pattern ${index} is empty`);
    let node = 0;
    for (let i = 0; i < pattern.length; i += 1) {
      const code = pattern.charCodeAt(i);
      if (node === 0) {
        let next = rootNext[code]!;
        if (next === 0) rootNext[code] = next = newNode(code, 1);
        node = next;
        continue;
      }
      let prev = NONE;
      let child = firstChild.data[node]!;
      while (child !== NONE && nodeCode.data[child]! < code) {
        prev = child;
        child = nextSibling.data[child]!;
      }
      if (child === NONE || nodeCode.data[child] !== code) {
        const created = newNode(code, depth.data[node]! + 1);
        nextSibling.data[created] = child;
        if (prev === NONE) firstChild.data[node] = created;
        else nextSibling.data[prev] = created;
        child = created;
      }
      node = child;
    }
    // Duplicate patterns share a node; the first one is reported.
    if (output.data[node] === NONE) output.data[node] = index;
  });

  const nodeCount = output.length;
  // 2. Flatten the sibling lists into edge arrays (already sorted by code).
  const edgeStart = new Int32Array(nodeCount + 1);
  const edgeCode = new Uint16Array(nodeCount);
  const edgeTarget = new Int32Array(nodeCount);
  let edgeTotal = 0;
  for (let n = 0; n < nodeCount; n += 1) {
    edgeStart[n] = edgeTotal;
    if (n === 0) continue;
    for (let c = firstChild.data[n]!; c !== NONE; c = nextSibling.data[c]!) {
      edgeCode[edgeTotal] = nodeCode.data[c]!;
      edgeTarget[edgeTotal] = c;
      edgeTotal += 1;
    }
  }
  edgeStart[nodeCount] = edgeTotal;

  const goTo = (node: number, code: number): number => {
    if (node === 0) return rootNext[code]!;
    let lo = edgeStart[node]!;
    let hi = edgeStart[node + 1]!;
    // Short lists (most nodes) are scanned; long ones (a common first character) are bisected.
    if (hi - lo <= 8) {
      for (; lo < hi; lo += 1) {
        const c = edgeCode[lo]!;
        if (c === code) return edgeTarget[lo]!;
        if (c > code) break;
      }
      return NONE;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = edgeCode[mid]!;
      if (c === code) return edgeTarget[mid]!;
      if (c < code) lo = mid + 1;
      else hi = mid;
    }
    return NONE;
  };

  // 3. Failure links and dictionary links (nearest proper suffix node that ends a pattern), breadth first.
  const outputs = output.data.subarray(0, nodeCount);
  const depths = depth.data.subarray(0, nodeCount);
  const fail = new Int32Array(nodeCount);
  const dictLink = new Int32Array(nodeCount).fill(NONE);
  const queue = new Int32Array(nodeCount);
  let head = 0;
  let tail = 0;
  for (let code = 0; code < 0x10000; code += 1) {
    const target = rootNext[code]!;
    if (target !== 0) queue[tail++] = target; // fail = root (0)
  }
  while (head < tail) {
    const node = queue[head++]!;
    const childrenEnd = node === 0 ? 0 : edgeStart[node + 1]!;
    for (let e = edgeStart[node]!; e < childrenEnd; e += 1) {
      const child = edgeTarget[e]!;
      const code = edgeCode[e]!;
      let f = fail[node]!;
      let next = goTo(f, code);
      while (next === NONE) {
        f = fail[f]!;
        next = goTo(f, code);
      }
      fail[child] = next;
      dictLink[child] = outputs[next] !== NONE ? next : dictLink[next]!;
      queue[tail++] = child;
    }
  }

  return {
    patternCount: patterns.length,
    nodeCount,
    scan(text) {
      const matches: PatternMatch[] = [];
      let node = 0;
      for (let i = 0; i < text.length; i += 1) {
        const code = text.charCodeAt(i);
        let next = goTo(node, code);
        while (next === NONE) {
          node = fail[node]!;
          next = goTo(node, code);
        }
        node = next;
        const end = i + 1;
        let hit = outputs[node] !== NONE ? node : dictLink[node]!;
        while (hit !== NONE) {
          matches.push({ pattern: outputs[hit]!, start: end - depths[hit]!, end });
          hit = dictLink[hit]!;
        }
      }
      return matches;
    },
  };
}
