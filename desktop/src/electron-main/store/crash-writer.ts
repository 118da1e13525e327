// Test fixture: appends updates to a local store as fast as it can and prints
// the sequence number of each one after it is committed, until it is killed.
import * as Y from 'yjs';
import { LocalStore } from './local-store.js';

const [path, name] = process.argv.slice(2);
if (!path || !name) throw new Error('usage: crash-writer <db path> <doc name>');
const store = new LocalStore(path);
const doc = new Y.Doc();
const text = doc.getText('t');
let n = 0;
doc.on('update', (update: Uint8Array) => {
  store.appendDoc(name, update);
  process.stdout.write(`${n}\n`);
});
for (;;) {
  text.insert(text.length, `${n},`);
  n += 1;
  // Yield now and then so the parent's kill can land mid-stream.
  if (n % 50 === 0) await new Promise((r) => setImmediate(r));
}
