// The attachments of the message being written: each added file is judged by
// the shared attachment policy first (so a bad one never uploads), then
// uploaded with progress. A rejected item gets an inline message naming it and
// the reason; the rest carry on.
import { checkAttachments, SNIFF_BYTES, type AttachmentCandidate, type AttachmentRef } from '@orrery/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '../../api/api-error.js';

export type Uploader = (
  file: File,
  options: { onProgress: (sent: number, total: number) => void; signal: AbortSignal },
) => Promise<AttachmentRef>;

export interface PendingAttachment {
  key: string;
  file: File;
  kind: 'image' | 'file';
  /** An object URL for image thumbnails. */
  previewUrl: string | null;
  status: 'uploading' | 'ready' | 'failed';
  /** 0..1 */
  progress: number;
  ref: AttachmentRef | null;
  error: string | null;
}

let seq = 0;

async function candidateOf(file: File): Promise<AttachmentCandidate> {
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  return { name: file.name, size: file.size, head, declaredType: file.type || undefined };
}

export function useAttachments(upload: Uploader | undefined) {
  const [items, setItems] = useState<PendingAttachment[]>([]);
  const [notes, setNotes] = useState<string[]>([]);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const aborts = useRef(new Map<string, AbortController>());

  const patch = useCallback((key: string, change: Partial<PendingAttachment>) => {
    setItems((list) => list.map((it) => (it.key === key ? { ...it, ...change } : it)));
  }, []);

  const start = useCallback(
    (item: PendingAttachment) => {
      if (!upload) return;
      const controller = new AbortController();
      aborts.current.set(item.key, controller);
      upload(item.file, {
        signal: controller.signal,
        onProgress: (sent, total) => patch(item.key, { progress: total ? sent / total : 0 }),
      }).then(
        (ref) => patch(item.key, { status: 'ready', progress: 1, ref }),
        (error: unknown) => {
          if (controller.signal.aborted) return;
          patch(item.key, { status: 'failed', error: `${item.file.name}: ${describeError(error)}` });
        },
      );
    },
    [upload, patch],
  );

  const add = useCallback(
    async (files: readonly File[]) => {
      if (!files.length) return;
      const kept = itemsRef.current.filter((it) => it.status !== 'failed');
      const candidates = await Promise.all([...kept.map((it) => it.file), ...files].map(candidateOf));
      const verdicts = checkAttachments(candidates).slice(kept.length);
      const added: PendingAttachment[] = [];
      const rejected: string[] = [];
      verdicts.forEach((verdict, i) => {
        const file = files[i]!;
        if (!verdict.accepted) return void rejected.push(verdict.reason);
        added.push({
          key: `att-${++seq}`,
          file,
          kind: verdict.kind,
          previewUrl: verdict.kind === 'image' ? URL.createObjectURL(file) : null,
          status: 'uploading',
          progress: 0,
          ref: null,
          error: null,
        });
      });
      setNotes(rejected);
      setItems((list) => [...list, ...added]);
      added.forEach(start);
    },
    [start],
  );

  const remove = useCallback((key: string) => {
    aborts.current.get(key)?.abort();
    aborts.current.delete(key);
    setItems((list) => {
      const gone = list.find((it) => it.key === key);
      if (gone?.previewUrl) URL.revokeObjectURL(gone.previewUrl);
      return list.filter((it) => it.key !== key);
    });
  }, []);

  /** After sending: forget the items (their uploads are done) and old notes. */
  const reset = useCallback(() => {
    for (const it of itemsRef.current) if (it.previewUrl) URL.revokeObjectURL(it.previewUrl);
    aborts.current.clear();
    setItems([]);
    setNotes([]);
  }, []);

  useEffect(
    () => () => {
      for (const controller of aborts.current.values()) controller.abort();
    },
    [],
  );

  return {
    items,
    notes,
    setNotes,
    add,
    remove,
    reset,
    uploading: items.some((it) => it.status === 'uploading'),
    refs: items.flatMap((it) => (it.status === 'ready' && it.ref ? [it.ref] : [])),
  };
}
