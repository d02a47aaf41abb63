import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * wrk (Debian package `wrk`), when it is installed: a load generator written in C. On the
 * 2-core machine the server and the load generator share the cores, and Node's own HTTP
 * client needs about as much CPU per request as the server's cheaper routes, so with it a
 * bare Fastify route topped out at ~4,500 answers/s while wrk drove the same route to ~41,000.
 * Figures that ask "how many can the server answer" use wrk; latency percentiles still come
 * from the Node client (bench/load-worker.mjs): wrk reports a tail of 0.5–1 s at the 98th–99th
 * percentile even against a stand-in server whose every answer leaves within 50 ms (measured
 * at the server, and by the Node client against the same server), so its tail is its own.
 */
export function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

export interface WrkBuyer { cookie: string; csrf: string; addressId: string }
export interface WrkResult { ok: number; soldOut: number; other: number; secs: number }

/** A Lua script that places one-unit checkouts, rotating over the buyers and the SKUs. */
function checkoutScript(buyers: WrkBuyer[], skuIds: string[]): string {
  const run = randomBytes(6).toString('hex'); // wrk's Lua random numbers repeat from run to run
  const q = (s: string) => JSON.stringify(s);
  return `
local buyers = {${buyers.map((b) => `{${q(b.cookie)}, ${q(b.csrf)}, ${q(b.addressId)}}`).join(',\n')}}
local skus = {${skuIds.map(q).join(',')}}
local threads = {}
function setup(thread) table.insert(threads, thread); thread:set("tid", #threads) end
local n = 0
ok = 0; soldout = 0; other = 0
function request()
  n = n + 1
  local b = buyers[(n % #buyers) + 1]
  local body = '{"items":[{"skuId":"' .. skus[((n * 7919) % #skus) + 1] .. '","quantity":1}],"addressId":"' .. b[3] .. '"}'
  return wrk.format("POST", "/api/v1/checkouts", {["Content-Type"] = "application/json", ["Cookie"] = b[1],
    ["x-csrf-token"] = b[2], ["Idempotency-Key"] = "wrk-${run}-" .. tid .. "-" .. n}, body)
end
function response(status, headers, body)
  if status == 201 then ok = ok + 1 elseif status == 409 and string.find(body, '"sold_out"', 1, true) then soldout = soldout + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local o, s, x = 0, 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); s = s + t:get("soldout"); x = x + t:get("other") end
  io.write(string.format("RESULT %d %d %d %d\\n", o, s, x, summary.duration))
end`;
}

/** Runs wrk for `seconds` over `connections` connections, placing checkouts on `skuIds`. */
export async function wrkCheckouts(base: string, buyers: WrkBuyer[], skuIds: string[], seconds: number, connections = 100): Promise<WrkResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengshou-wrk-'));
  const script = path.join(dir, 'checkout.lua');
  fs.writeFileSync(script, checkoutScript(buyers, skuIds));
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, base]);
      let text = '';
      child.stdout.on('data', (d) => { text += d; });
      child.stderr.on('data', (d) => { text += d; });
      child.on('error', reject);
      // 'close', not 'exit': the output may still be unread when the process exits.
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}:\n${text}`))));
    });
    const m = /RESULT (\d+) (\d+) (\d+) (\d+)/.exec(out);
    if (!m) throw new Error(`wrk printed no result:\n${out}`);
    const [ok, soldOut, other, micros] = m.slice(1).map(Number) as [number, number, number, number];
    return { ok, soldOut, other, secs: micros / 1e6 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
