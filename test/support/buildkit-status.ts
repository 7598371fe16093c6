// Turns one `moby.buildkit.trace` payload (a protobuf moby.buildkit.v1.StatusResponse, as the
// Engine API sends it) into the JSON line `buildx build --progress=rawjson` would print for the
// same update, so tests can record real rawjson without buildx.
//
// Field numbers checked against moby/buildkit api/services/control/control.proto and
// solver/pb/ops.proto; the JSON shape (key order, omitempty) follows client/graph.go, and
// buildx's rawjson display is `json.NewEncoder(w).Encode(ss)` (HTML escaping on).
import protobuf from 'protobufjs';

// Timestamp is declared locally rather than imported: same wire format as google.protobuf.Timestamp.
const PROTO = `
syntax = "proto3";
package moby.buildkit.v1;
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message ProgressGroup { string id = 1; string name = 2; bool weak = 3; }
message Position { int32 line = 1; int32 character = 2; }
message Range { Position start = 1; Position end = 2; }
message SourceInfo { string filename = 1; bytes data = 2; string language = 4; }
message StatusResponse {
  repeated Vertex vertexes = 1;
  repeated VertexStatus statuses = 2;
  repeated VertexLog logs = 3;
  repeated VertexWarning warnings = 4;
}
message Vertex {
  string digest = 1; repeated string inputs = 2; string name = 3; bool cached = 4;
  Timestamp started = 5; Timestamp completed = 6; string error = 7; ProgressGroup progressGroup = 8;
}
message VertexStatus {
  string ID = 1; string vertex = 2; string name = 3; int64 current = 4; int64 total = 5;
  Timestamp timestamp = 6; Timestamp started = 7; Timestamp completed = 8;
}
message VertexLog { string vertex = 1; Timestamp timestamp = 2; int64 stream = 3; bytes msg = 4; }
message VertexWarning {
  string vertex = 1; int64 level = 2; bytes short = 3; repeated bytes detail = 4; string url = 5;
  SourceInfo info = 6; repeated Range ranges = 7;
}
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const StatusResponse = root.lookupType('moby.buildkit.v1.StatusResponse');

// toObject with defaults:false keeps only fields present on the wire (proto3 never sends zero
// values), which is exactly Go's omitempty for strings, bools and numbers. int64 → string, bytes → base64.
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const CONVERT = { longs: String, bytes: String, defaults: false, arrays: false } as const;

/** Go's zero time.Time, which encoding/json prints for a non-nullable timestamp never set. */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** A protobuf Timestamp as Go's time.Time MarshalJSON prints it in UTC: RFC3339Nano, fraction's trailing zeros trimmed. */
export function goTime(ts: Obj | undefined | null): string {
  if (!ts) return GO_ZERO_TIME;
  const seconds = Number(ts.seconds ?? 0);
  const nanos = Number(ts.nanos ?? 0);
  const base = new Date(seconds * 1000).toISOString().slice(0, 19); // YYYY-MM-DDTHH:MM:SS
  const frac = nanos ? '.' + String(nanos).padStart(9, '0').replace(/0+$/, '') : '';
  return `${base}${frac}Z`;
}

const optTime = (ts: Obj | undefined): string | undefined => (ts ? goTime(ts) : undefined);
const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));

/** Drops undefined members so JSON.stringify keeps only what Go's omitempty keeps, in insertion order. */
function compact(o: Obj): Obj {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function vertex(v: Obj): Obj {
  const pg = v.progressGroup as Obj | undefined;
  return compact({
    digest: v.digest,
    inputs: v.inputs?.length ? v.inputs : undefined,
    name: v.name,
    started: optTime(v.started),
    completed: optTime(v.completed),
    cached: v.cached || undefined,
    error: v.error,
    progressGroup: pg ? compact({ id: pg.id, name: pg.name, weak: pg.weak || undefined }) : undefined,
  });
}

function status(s: Obj): Obj {
  // id, current and timestamp carry no omitempty in client.VertexStatus.
  return compact({
    id: s.ID ?? '',
    vertex: s.vertex,
    name: s.name,
    total: num(s.total),
    current: num(s.current) ?? 0,
    timestamp: goTime(s.timestamp),
    started: optTime(s.started),
    completed: optTime(s.completed),
  });
}

function log(l: Obj): Obj {
  // data has no omitempty: a nil []byte prints as null.
  return compact({ vertex: l.vertex, stream: num(l.stream), data: l.msg ?? null, timestamp: goTime(l.timestamp) });
}

function range(r: Obj): Obj {
  const pos = (p: Obj | undefined) => (p ? compact({ line: p.line, character: p.character }) : undefined);
  return compact({ start: pos(r.start), end: pos(r.end) });
}

function warning(w: Obj): Obj {
  const info = w.info as Obj | undefined;
  return compact({
    vertex: w.vertex,
    level: num(w.level),
    short: w.short,
    detail: w.detail?.length ? w.detail : undefined,
    url: w.url,
    sourceInfo: info ? compact({ filename: info.filename, data: info.data, language: info.language }) : undefined,
    range: w.ranges?.length ? w.ranges.map(range) : undefined,
  });
}

/** Decodes a StatusResponse into the object shape of client.SolveStatus. */
export function decodeStatus(payload: Uint8Array): Obj {
  const msg = StatusResponse.toObject(StatusResponse.decode(payload), CONVERT) as Obj;
  return compact({
    vertexes: msg.vertexes?.length ? msg.vertexes.map(vertex) : undefined,
    statuses: msg.statuses?.length ? msg.statuses.map(status) : undefined,
    logs: msg.logs?.length ? msg.logs.map(log) : undefined,
    warnings: msg.warnings?.length ? msg.warnings.map(warning) : undefined,
  });
}

/** JSON as Go's encoding/json writes it with HTML escaping on (json.Encoder's default). */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

/** One rawjson line (without newline) for one base64 `aux` payload of a moby.buildkit.trace message. */
export function traceToRawjson(auxBase64: string): string {
  return goJson(decodeStatus(Buffer.from(auxBase64, 'base64')));
}
