// The protobuf → rawjson conversion the recorder relies on, checked against hand-built wire bytes
// (field numbers from BuildKit's control.proto) and Go's encoding/json output rules.
import protobuf from 'protobufjs';
import { goJson, goTime, traceToRawjson } from './buildkit-status.js';

const { Writer } = protobuf;

function timestamp(seconds: number, nanos: number): Uint8Array {
  return Writer.create().uint32(8).int64(seconds).uint32(16).int32(nanos).finish();
}

describe('goTime', () => {
  test('prints RFC3339Nano in UTC with the fraction trimmed', () => {
    expect(goTime({ seconds: '1714557600', nanos: 123456789 })).toBe('2024-05-01T10:00:00.123456789Z');
    expect(goTime({ seconds: '1714557600', nanos: 120000000 })).toBe('2024-05-01T10:00:00.12Z');
    expect(goTime({ seconds: '1714557600' })).toBe('2024-05-01T10:00:00Z');
    expect(goTime(undefined)).toBe('0001-01-01T00:00:00Z');
  });
});

describe('goJson', () => {
  test('escapes HTML characters like json.Encoder', () => {
    expect(goJson({ name: 'RUN a && b > c <d>' })).toBe('{"name":"RUN a \\u0026\\u0026 b \\u003e c \\u003cd\\u003e"}');
  });
});

describe('traceToRawjson', () => {
  test('renders a StatusResponse as client.SolveStatus JSON', () => {
    const vertex = Writer.create()
      .uint32((1 << 3) | 2)
      .string('sha256:b')
      .uint32((2 << 3) | 2)
      .string('sha256:a')
      .uint32((3 << 3) | 2)
      .string('[2/2] RUN echo hi')
      .uint32((4 << 3) | 0)
      .bool(true)
      .uint32((5 << 3) | 2)
      .bytes(timestamp(1714557600, 500000000))
      .uint32((6 << 3) | 2)
      .bytes(timestamp(1714557601, 0))
      .finish();
    const status = Writer.create()
      .uint32((1 << 3) | 2)
      .string('transferring context:')
      .uint32((2 << 3) | 2)
      .string('sha256:a')
      .uint32((4 << 3) | 0)
      .int64(88)
      .uint32((6 << 3) | 2)
      .bytes(timestamp(1714557600, 0))
      .finish();
    const log = Writer.create()
      .uint32((1 << 3) | 2)
      .string('sha256:b')
      .uint32((2 << 3) | 2)
      .bytes(timestamp(1714557600, 7))
      .uint32((3 << 3) | 0)
      .int64(2)
      .uint32((4 << 3) | 2)
      .bytes(Buffer.from('hi\n'))
      .finish();
    const resp = Writer.create()
      .uint32((1 << 3) | 2)
      .bytes(vertex)
      .uint32((2 << 3) | 2)
      .bytes(status)
      .uint32((3 << 3) | 2)
      .bytes(log)
      .finish();

    expect(JSON.parse(traceToRawjson(Buffer.from(resp).toString('base64')))).toEqual({
      vertexes: [
        {
          digest: 'sha256:b',
          inputs: ['sha256:a'],
          name: '[2/2] RUN echo hi',
          started: '2024-05-01T10:00:00.5Z',
          completed: '2024-05-01T10:00:01Z',
          cached: true,
        },
      ],
      statuses: [{ id: 'transferring context:', vertex: 'sha256:a', current: 88, timestamp: '2024-05-01T10:00:00Z' }],
      logs: [
        {
          vertex: 'sha256:b',
          stream: 2,
          data: Buffer.from('hi\n').toString('base64'),
          timestamp: '2024-05-01T10:00:00.000000007Z',
        },
      ],
    });
  });

  test('keeps Go key order and drops empty members', () => {
    const vertex = Writer.create()
      .uint32((1 << 3) | 2)
      .string('sha256:x')
      .uint32((3 << 3) | 2)
      .string('n')
      .finish();
    const resp = Writer.create()
      .uint32((1 << 3) | 2)
      .bytes(vertex)
      .finish();
    expect(traceToRawjson(Buffer.from(resp).toString('base64'))).toBe(
      '{"vertexes":[{"digest":"sha256:x","name":"n"}]}',
    );
  });
});
