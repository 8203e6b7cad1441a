// Strings that break careless clients: markup that runs if injected as HTML, bidi overrides
// that disguise text, control characters that corrupt terminals and CSV, emoji and
// combining marks that break width and slicing. The emulator plants them deterministically.

export const HOSTILE_STRINGS: readonly string[] = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '"><svg/onload=alert(document.domain)>',
  "javascript:alert('x')",
  "Robert'); DROP TABLE runs;--",
  'invoice_\u202Egnp.exe',
  'مرحبا \u200Fبالعالم\u200E (RTL)',
  'Zoë Ünïcødé 中文 日本語 한국어',
  '🚀🔥 emoji 👩‍👩‍👧‍👦 🏳️‍🌈',
  'null\u0000byte',
  'ansi \u001b[31mred\u001b[0m \u001b]0;title\u0007',
  'line1\nline2\r\nline3\ttab',
  '${process.env.HOME} {{constructor.constructor("alert(1)")()}}',
  '%s%s%n %d',
  '../../../../etc/passwd',
  'Z̷͓̈a̸̛͚l̵̮̈g̷̣̈́o̴̜͂ text',
];

/** Pick one hostile string by a number (any uint32). */
export function hostileString(n: number): string {
  return HOSTILE_STRINGS[n % HOSTILE_STRINGS.length]!;
}

/** One error message with every kind of trouble in it: the output of a "hostile" failed step. */
export const HOSTILE_ERROR =
  'Error: <img src=x onerror=alert(1)><script>alert(1)</script> failed for \u202Egnp.exe 🚀 ' + 'null\u0000byte \u001b[31mred\u001b[0m \ud800 (lone surrogate) مرحبا';
