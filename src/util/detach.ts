/**
 * A copy of a string that does not share memory with the string it was cut from. V8 keeps the
 * whole parent alive behind a slice: a 100-character log line kept in a tail would pin the
 * 1 MiB chunk it came from. Everything a parser keeps goes through this.
 */
export function detach(s: string): string {
  return (' ' + s).slice(1);
}
