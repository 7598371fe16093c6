// Turns buildx's rawjson stream into readable lines for the job log, so a user watching the
// build sees steps and their output rather than a wall of JSON.

interface EchoVertex {
  n: number;
  name: string;
  shown: boolean;
  done: boolean;
  partial: string;
}

interface WireVertex {
  digest?: string;
  name?: string;
  started?: string;
  completed?: string;
  cached?: boolean;
  error?: string;
}

function seconds(from?: string, to?: string): string {
  const a = from ? Date.parse(from) : NaN;
  const b = to ? Date.parse(to) : NaN;
  return Number.isFinite(a) && Number.isFinite(b) ? ` ${((b - a) / 1000).toFixed(1)}s` : '';
}

export class RawJsonEcho {
  private readonly vertices = new Map<string, EchoVertex>();

  constructor(private readonly write: (line: string) => void) {}

  line(line: string): void {
    if (!line.startsWith('{')) {
      if (line.trim()) this.write(line);
      return;
    }
    let msg: { vertexes?: WireVertex[]; logs?: { vertex?: string; data?: string }[] };
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    for (const v of msg.vertexes ?? []) this.vertex(v);
    for (const l of msg.logs ?? []) this.log(l.vertex, l.data);
  }

  private get(digest: string, name = ''): EchoVertex {
    let v = this.vertices.get(digest);
    if (!v) {
      v = { n: this.vertices.size + 1, name, shown: false, done: false, partial: '' };
      this.vertices.set(digest, v);
    }
    if (name) v.name = name;
    return v;
  }

  private show(v: EchoVertex): void {
    if (!v.shown) this.write(`#${v.n} ${v.name}`);
    v.shown = true;
  }

  private vertex(w: WireVertex): void {
    if (!w.digest) return;
    const v = this.get(w.digest, w.name);
    if (!w.started && !w.cached) return;
    this.show(v);
    if (!w.completed || v.done) return;
    v.done = true;
    if (v.partial) this.write(`#${v.n} ${v.partial}`);
    v.partial = '';
    if (w.error) this.write(`#${v.n} ERROR: ${w.error}`);
    else if (w.cached) this.write(`#${v.n} CACHED`);
    else this.write(`#${v.n} DONE${seconds(w.started, w.completed)}`);
  }

  private log(digest?: string, data?: string): void {
    if (!digest || !data) return;
    const v = this.get(digest);
    this.show(v);
    const text = v.partial + Buffer.from(data, 'base64').toString('utf8');
    const parts = text.split('\n');
    v.partial = (parts.pop() ?? '').slice(-4096);
    for (const p of parts) this.write(`#${v.n} ${p.replace(/\r$/, '')}`);
  }
}
