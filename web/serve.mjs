// A tiny static server for the dashboard, on 127.0.0.1 only:
//   node web/serve.mjs --root web/dist --port 8765
// Correct MIME types (.wasm as application/wasm, so it compiles while streaming) and a strict
// Content-Security-Policy on every response; the page can talk to this origin and nothing else.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

export const kCsp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; " +
  "img-src 'self' data: blob:; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const kTypes = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json; charset=utf-8',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.map': 'application/json; charset=utf-8',
  '.rapport': 'application/octet-stream', '.csv': 'text/csv; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
};

// The demo storefront (/store/, widget/build.mjs) may be framed by the dashboard's own Widget page (live preview).
export const kStoreCsp = kCsp.replace("frame-ancestors 'none'", "frame-ancestors 'self'");

/** Starts the server; resolves with the http.Server once listening (port 0 = any free port). */
export function serve(root, port = 8765, host = '127.0.0.1') {
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    const headers = {
      'Content-Security-Policy': kCsp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
      'Cache-Control': 'no-cache',
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400, headers);
      res.end();
      return;
    }
    if (pathname.endsWith('/')) pathname += 'index.html';
    if (pathname.startsWith('/store/')) headers['Content-Security-Policy'] = kStoreCsp;
    const file = path.resolve(base, '.' + pathname);
    if (file !== base && !file.startsWith(base + path.sep)) {
      res.writeHead(403, headers);
      res.end();
      return;
    }
    fs.stat(file, (error, stat) => {
      if (error || !stat.isFile()) {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Not found\n');
        return;
      }
      res.writeHead(200, {
        ...headers,
        'Content-Type': kTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': stat.size,
      });
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(file).pipe(res);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
  };
  const root = arg('root', 'web/dist');
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    console.error(`web/serve.mjs: no index.html in ${root} (run: make web)`);
    process.exit(1);
  }
  const server = await serve(root, Number(arg('port', '8765')));
  const { port } = server.address();
  console.log(`Serving ${root} at http://127.0.0.1:${port}/`);
}
