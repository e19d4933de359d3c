// How a recorded body is shown: JSON pretty-printed, text as text, anything else as a hex dump; a gzip or deflate
// body as the API decoded it. Only textContent is ever set, so a body cannot inject markup.

const HEX_LIMIT = 64 * 1024;

function bytesOf(base64) {
  const raw = atob(base64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function asText(bytes) {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // Control characters other than tab and line breaks mean a binary body that happens to be valid UTF-8.
    return /[\u0000-\u0008\u000e-\u001f\u007f]/.test(text) ? null : text;
  } catch (e) {
    return null;
  }
}

export function hexDump(bytes) {
  const lines = [];
  const end = Math.min(bytes.length, HEX_LIMIT);
  for (let offset = 0; offset < end; offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, end));
    const hex = Array.from(row, b => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, b => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(offset.toString(16).padStart(8, '0') + '  ' + hex.padEnd(48) + '  ' + ascii);
  }
  if (bytes.length > end) lines.push(`… ${bytes.length - end} more bytes not shown`);
  return lines.join('\n');
}

/** {kind: 'json'|'text'|'hex'|'empty', text} for the bytes of a body with its Content-Type. */
export function render(bytes, contentType) {
  if (bytes.length === 0) return { kind: 'empty', text: '' };
  const text = asText(bytes);
  if (text !== null && /json/i.test(contentType || '')) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2) };
    } catch (e) {
      // Not valid JSON after all (or cut at maxBodyBytes): shown as the text it is.
    }
  }
  if (text !== null) return { kind: 'text', text };
  return { kind: 'hex', text: hexDump(bytes) };
}

/** An element showing a body of the API ({size, kept, truncated, base64, contentType, contentEncoding, decoded}). */
export function bodyElement(body, id) {
  const wrap = document.createElement('div');
  const note = document.createElement('div');
  note.className = 'body-note';
  const pre = document.createElement('pre');
  pre.className = 'body';
  if (id) pre.id = id;
  wrap.append(note, pre);
  if (!body) {
    note.textContent = 'not received yet';
    pre.hidden = true;
    return wrap;
  }
  const notes = [`${body.size} bytes`];
  let bytes = bytesOf(body.base64);
  if (body.truncated) notes.push(`first ${body.kept} kept (maxBodyBytes)`);
  if (body.decoded) {
    bytes = bytesOf(body.decoded.base64);
    notes.push(`${body.contentEncoding} decoded to ${body.decoded.size} bytes${body.decoded.complete ? '' : ' (partly)'}`);
  }
  const shown = render(bytes, body.contentType);
  notes.push(shown.kind);
  note.textContent = notes.join(' · ');
  pre.dataset.kind = shown.kind;
  pre.textContent = shown.text;
  if (shown.kind === 'empty') pre.hidden = true;
  return wrap;
}
