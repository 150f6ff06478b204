/** `2024-05-01 10:00:00+00`, or with microseconds `...00.123456+00` when not whole seconds. */
export function formatUtc(value: Date): string {
  const iso = value.toISOString(); // 2024-05-01T10:00:00.123Z
  const ms = value.getUTCMilliseconds();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms ? `.${String(ms).padStart(3, "0")}` : ""}+00`;
}
