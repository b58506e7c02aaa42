/**
 * The parts of Drive's query language (`q`) and partial-response selector (`fields`) a client of
 * the uploader's kind uses, parsed strictly: anything else is a 400 "Invalid Value", as Drive
 * answers a query it cannot read.
 */
export interface QueryFile {
  name: string;
  mimeType: string;
  parents: string[];
  trashed: boolean;
  appProperties: Record<string, string>;
}

export type Predicate = (file: QueryFile) => boolean;

export class QueryError extends Error {
  override readonly name = 'QueryError';
}

type Token =
  | { type: 'string'; value: string }
  | { type: 'word'; value: string }
  | { type: 'op'; value: string };

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i] as string;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= q.length) throw new QueryError('unterminated string');
        const d = q[i] as string;
        if (d === '\\') {
          const next = q[i + 1];
          if (next !== "'" && next !== '\\') throw new QueryError(`bad escape \\${next ?? ''}`);
          value += next;
          i += 2;
        } else if (d === "'") {
          i += 1;
          break;
        } else {
          value += d;
          i += 1;
        }
      }
      tokens.push({ type: 'string', value });
    } else if (c === '!' && q[i + 1] === '=') {
      tokens.push({ type: 'op', value: '!=' });
      i += 2;
    } else if ('={}'.includes(c)) {
      tokens.push({ type: 'op', value: c });
      i += 1;
    } else {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(q.slice(i));
      if (match === null) throw new QueryError(`unexpected "${c}"`);
      tokens.push({ type: 'word', value: match[0] });
      i += match[0].length;
    }
  }
  return tokens;
}

class Parser {
  readonly #tokens: Token[];
  #at = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parse(): Predicate {
    const clauses = [this.#clause()];
    while (this.#peekWord('and')) {
      this.#at += 1;
      clauses.push(this.#clause());
    }
    if (this.#at < this.#tokens.length) throw new QueryError(`unexpected ${this.#describe()}`);
    return (file) => clauses.every((clause) => clause(file));
  }

  #clause(): Predicate {
    const first = this.#next();
    if (first.type === 'string') {
      this.#word('in');
      this.#word('parents');
      return (file) => file.parents.includes(first.value);
    }
    if (first.type !== 'word') throw new QueryError(`unexpected "${first.value}"`);
    switch (first.value) {
      case 'name':
      case 'mimeType': {
        const op = this.#op(['=', '!=']);
        const value = this.#string();
        const key = first.value;
        return (file) => (file[key] === value) === (op === '=');
      }
      case 'trashed': {
        const op = this.#op(['=', '!=']);
        const word = this.#next();
        if (word.type !== 'word' || (word.value !== 'true' && word.value !== 'false')) {
          throw new QueryError('trashed compares with true or false');
        }
        const value = word.value === 'true';
        return (file) => (file.trashed === value) === (op === '=');
      }
      case 'appProperties': {
        this.#word('has');
        this.#op(['{']);
        this.#word('key');
        this.#op(['=']);
        const key = this.#string();
        this.#word('and');
        this.#word('value');
        this.#op(['=']);
        const value = this.#string();
        this.#op(['}']);
        return (file) => file.appProperties[key] === value;
      }
      default:
        throw new QueryError(`unsupported term ${first.value}`);
    }
  }

  #next(): Token {
    const token = this.#tokens[this.#at];
    if (token === undefined) throw new QueryError('query ends too early');
    this.#at += 1;
    return token;
  }

  #peekWord(word: string): boolean {
    const token = this.#tokens[this.#at];
    return token?.type === 'word' && token.value.toLowerCase() === word;
  }

  #word(word: string): void {
    const token = this.#next();
    if (token.type !== 'word' || token.value.toLowerCase() !== word) {
      throw new QueryError(`expected ${word}, found "${token.value}"`);
    }
  }

  #op(ops: string[]): string {
    const token = this.#next();
    if (token.type !== 'op' || !ops.includes(token.value)) {
      throw new QueryError(`expected ${ops.join(' or ')}, found "${token.value}"`);
    }
    return token.value;
  }

  #string(): string {
    const token = this.#next();
    if (token.type !== 'string') throw new QueryError(`expected a quoted string, found "${token.value}"`);
    return token.value;
  }

  #describe(): string {
    const token = this.#tokens[this.#at];
    return token === undefined ? 'end' : `"${token.value}"`;
  }
}

/** An empty `q` matches every file, as in Drive. */
export function parseQuery(q: string | null): Predicate {
  if (q === null || q.trim() === '') return () => true;
  return new Parser(tokenize(q)).parse();
}

/** A `fields` selection: `a,b(c,d),e/f`, or `*`. */
export type Selection = Map<string, Selection | true>;

export function parseFields(fields: string): Selection {
  let at = 0;
  const parseList = (): Selection => {
    const selection: Selection = new Map();
    for (;;) {
      const match = /^\s*([A-Za-z_*][A-Za-z0-9_]*)/.exec(fields.slice(at));
      if (match === null) throw new QueryError(`bad fields selector near "${fields.slice(at)}"`);
      at += match[0].length;
      let path = [match[1] as string];
      while (fields[at] === '/') {
        const more = /^\/([A-Za-z_][A-Za-z0-9_]*)/.exec(fields.slice(at));
        if (more === null) throw new QueryError('bad fields selector after "/"');
        path.push(more[1] as string);
        at += more[0].length;
      }
      let leaf: Selection | true = true;
      if (fields[at] === '(') {
        at += 1;
        leaf = parseList();
        if (fields[at] !== ')') throw new QueryError('unbalanced parentheses in fields');
        at += 1;
      }
      path = path.reverse();
      let value: Selection | true = leaf;
      for (const step of path.slice(0, -1)) value = new Map([[step, value]]);
      merge(selection, path[path.length - 1] as string, value);
      while (fields[at] === ' ') at += 1;
      if (fields[at] !== ',') return selection;
      at += 1;
    }
  };
  const selection = parseList();
  if (at !== fields.length) throw new QueryError(`bad fields selector near "${fields.slice(at)}"`);
  return selection;
}

function merge(selection: Selection, key: string, value: Selection | true): void {
  const existing = selection.get(key);
  if (existing === undefined || existing === true || value === true) {
    selection.set(key, existing === true ? true : value);
    return;
  }
  for (const [k, v] of value) merge(existing, k, v);
}

/** Keeps only what the selection names; a list is selected element by element. */
export function select(value: unknown, selection: Selection | true): unknown {
  if (selection === true || selection.has('*')) return value;
  if (Array.isArray(value)) return value.map((element) => select(element, selection));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of selection) {
    if (record[key] !== undefined) out[key] = select(record[key], sub);
  }
  return out;
}
