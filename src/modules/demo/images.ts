/** Generated pictures for the demo: no downloads, deterministic from the text. */
function hue(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.codePointAt(0)!) % 360;
  return h;
}

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

export function productSvg(title: string, subtitle: string): Buffer {
  const h = hue(title);
  const short = [...title].slice(0, 8).join('');
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800" viewBox="0 0 800 800">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${h},60%,78%)"/><stop offset="1" stop-color="hsl(${(h + 40) % 360},55%,52%)"/></linearGradient></defs>
<rect width="800" height="800" fill="url(#g)"/>
<circle cx="400" cy="330" r="170" fill="hsl(${(h + 180) % 360},45%,40%)" opacity="0.35"/>
<circle cx="330" cy="300" r="60" fill="#fff" opacity="0.35"/>
<text x="400" y="600" font-size="64" font-family="sans-serif" text-anchor="middle" fill="#fff" font-weight="bold">${esc(short)}</text>
<text x="400" y="680" font-size="32" font-family="sans-serif" text-anchor="middle" fill="#fff" opacity="0.9">${esc([...subtitle].slice(0, 16).join(''))}</text>
</svg>`);
}

export function licenceSvg(kindLabel: string, holder: string, number: string): Buffer {
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="700" viewBox="0 0 1000 700">
<rect width="1000" height="700" fill="#fdf8ec"/><rect x="30" y="30" width="940" height="640" fill="none" stroke="#b8860b" stroke-width="6"/>
<text x="500" y="140" font-size="56" font-family="serif" text-anchor="middle" fill="#8b0000">${esc(kindLabel)}</text>
<text x="120" y="280" font-size="34" font-family="serif" fill="#333">经营者名称：${esc(holder)}</text>
<text x="120" y="360" font-size="34" font-family="serif" fill="#333">编号：${esc(number || '（无编号）')}</text>
<text x="120" y="440" font-size="28" font-family="serif" fill="#666">演示用扫描件 · Demo scan</text>
<circle cx="800" cy="540" r="90" fill="none" stroke="#c00" stroke-width="6" opacity="0.7"/>
<text x="800" y="552" font-size="30" font-family="serif" text-anchor="middle" fill="#c00" opacity="0.7">审批专用章</text>
</svg>`);
}
