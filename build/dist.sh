#!/usr/bin/env bash
# `npm run dist`: the desktop app's packages (Linux AppImage and deb here;
# macOS dmg and Windows nsis on those systems) into desktop/release/.
# electron-builder rebuilds native modules for Electron's ABI in place, so
# Node's build is restored afterwards for the server and the tests.
set -uo pipefail
cd "$(dirname "$0")/.."
npm run build && npm run build:electron -w desktop && npx electron-builder --config electron-builder.yml "$@"
status=$?
npm rebuild better-sqlite3 >/dev/null 2>&1 || echo "[dist] run 'npm rebuild better-sqlite3' before using the server again" >&2
exit "$status"
