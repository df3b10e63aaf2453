// Numbers, times and payloads as the pages show them.

export function number(n) {
  return n === undefined || n === null ? '–' : Number(n).toLocaleString('en');
}

export function rate(n) {
  return n === undefined || n === null ? '–' : (n >= 100 ? Math.round(n) : Math.round(n * 10) / 10).toLocaleString('en');
}

export function duration(seconds) {
  if (seconds === undefined || seconds === null) {
    return '–';
  }
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (d > 0) {
    return `${d}d ${h}h ${m}m`;
  }
  if (h > 0) {
    return `${h}h ${m}m`;
  }
  return m > 0 ? `${m}m ${s}s` : `${s}s`;
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '–';
}

export function bytes(n) {
  if (n === undefined || n === null) {
    return '–';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

export function base64ToBytes(b64) {
  const raw = atob(b64 || '');
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    out[i] = raw.charCodeAt(i);
  }
  return out;
}

/** Text when the bytes are UTF-8, null when they are not. */
export function utf8(bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    return null;
  }
}

/** A hex dump: offset, 16 bytes, their printable characters. */
export function hexDump(bytes) {
  const lines = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = Array.from(bytes.slice(i, i + 16));
    const hex = row.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const chars = row.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    lines.push(i.toString(16).padStart(8, '0') + '  ' + hex.padEnd(48) + '  ' + chars);
  }
  return lines.join('\n');
}

/** Indented JSON when the text is JSON, null when it is not. */
export function prettyJson(text) {
  if (text === null) {
    return null;
  }
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (e) {
    return null;
  }
}
