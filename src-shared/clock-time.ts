/** HH:MM in the machine's time zone, as the operator reads a clock ("unreachable since 09:41"). */
export function clockTime(at: number): string {
  const date = new Date(at);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}
