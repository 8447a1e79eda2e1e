/** Keeps the head and tail of a long text (what an operator needs of an execution's output). */
export function headTail(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const half = Math.floor(maxChars / 2);
  const dropped = text.length - 2 * half;
  return `${text.slice(0, half)}\n… [${dropped} characters truncated] …\n${text.slice(text.length - half)}`;
}
