// RFC 4180 CSV: CRLF line ends; a field with a comma, a quote, CR or LF is quoted, and its
// quotes doubled. Null and undefined are empty fields.

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
