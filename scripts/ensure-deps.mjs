// Installs the npm dependencies when they are missing or older than package-lock.json.
// Run by `npm test` and `npm start` (pretest/prestart), so a fresh clone needs no other step.
import { existsSync, statSync } from 'node:fs';
import { execSync } from 'node:child_process';

const lock = 'package-lock.json';
const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
if (stale) {
  const cmd = existsSync(lock) ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund';
  console.log(`[perflens] installing dependencies: ${cmd}`);
  execSync(cmd, { stdio: 'inherit' });
}
