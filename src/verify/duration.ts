/** `10m`, `90s`, `1h`, `1m30s` or plain seconds (`600`) → seconds; null when it is none of them. */
export function parseDuration(value: string): number | null {
  const v = value.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(v)) return Number(v);
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$/.exec(v);
  if (!m || !v) return null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
