// UI state only (what is open, typed into filters, shown as a toast). Synced
// data lives in Yjs documents and the session list; nothing here is persisted
// or shared between devices. Slices combined into one store (zustand's slices pattern).
import type { SessionFilter } from '@orrery/shared';
import { create, type StateCreator } from 'zustand';

export interface LayoutSlice {
  /** The sidebar as a drawer on narrow screens. */
  drawerOpen: boolean;
  setDrawerOpen: (open: boolean) => void;
}

export interface SessionsPageSlice {
  sessionsQuery: string;
  sessionsFilter: SessionFilter;
  setSessionsQuery: (q: string) => void;
  setSessionsFilter: (f: SessionFilter) => void;
}

export interface PinnedSlice {
  pinnedFilterOpen: boolean;
  pinnedFilter: string;
  setPinnedFilterOpen: (open: boolean) => void;
  setPinnedFilter: (text: string) => void;
}

export interface Toast {
  id: number;
  level: 'info' | 'error';
  text: string;
}

export interface ToastSlice {
  toasts: Toast[];
  showToast: (level: Toast['level'], text: string) => void;
  dismissToast: (id: number) => void;
}

export interface HomeSlice {
  /** The Expert picked on Home, remembered while the app runs. */
  homeExpertId: string | null;
  setHomeExpertId: (id: string | null) => void;
}

export interface OverlaySlice {
  /** The Share dialog of the open session. */
  shareOpen: boolean;
  /** The keyboard shortcuts sheet. */
  shortcutsOpen: boolean;
  setShareOpen: (open: boolean) => void;
  setShortcutsOpen: (open: boolean) => void;
}

export interface SessionDialogSlice {
  /** Renaming or deleting one session, asked for from its header or any of its menus. */
  sessionDialog: { kind: 'rename' | 'delete'; sessionId: string } | null;
  setSessionDialog: (dialog: SessionDialogSlice['sessionDialog']) => void;
}

export type UiState = LayoutSlice &
  SessionsPageSlice &
  PinnedSlice &
  ToastSlice &
  HomeSlice &
  OverlaySlice &
  SessionDialogSlice;
type Slice<T> = StateCreator<UiState, [], [], T>;

const layoutSlice: Slice<LayoutSlice> = (set) => ({
  drawerOpen: false,
  setDrawerOpen: (drawerOpen) => set({ drawerOpen }),
});

const sessionsPageSlice: Slice<SessionsPageSlice> = (set) => ({
  sessionsQuery: '',
  sessionsFilter: 'all',
  setSessionsQuery: (sessionsQuery) => set({ sessionsQuery }),
  setSessionsFilter: (sessionsFilter) => set({ sessionsFilter }),
});

const pinnedSlice: Slice<PinnedSlice> = (set) => ({
  pinnedFilterOpen: false,
  pinnedFilter: '',
  setPinnedFilterOpen: (pinnedFilterOpen) =>
    set(pinnedFilterOpen ? { pinnedFilterOpen } : { pinnedFilterOpen, pinnedFilter: '' }),
  setPinnedFilter: (pinnedFilter) => set({ pinnedFilter }),
});

let nextToast = 1;
const toastSlice: Slice<ToastSlice> = (set, get) => ({
  toasts: [],
  showToast: (level, text) => {
    const id = nextToast++;
    set({ toasts: [...get().toasts.slice(-3), { id, level, text }] });
    setTimeout(() => get().dismissToast(id), level === 'error' ? 8_000 : 4_000);
  },
  dismissToast: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
});

const homeSlice: Slice<HomeSlice> = (set) => ({
  homeExpertId: null,
  setHomeExpertId: (homeExpertId) => set({ homeExpertId }),
});

const overlaySlice: Slice<OverlaySlice> = (set) => ({
  shareOpen: false,
  shortcutsOpen: false,
  setShareOpen: (shareOpen) => set({ shareOpen }),
  setShortcutsOpen: (shortcutsOpen) => set({ shortcutsOpen }),
});

const sessionDialogSlice: Slice<SessionDialogSlice> = (set) => ({
  sessionDialog: null,
  setSessionDialog: (sessionDialog) => set({ sessionDialog }),
});

export function createUiStore() {
  return create<UiState>()((...a) => ({
    ...layoutSlice(...a),
    ...sessionsPageSlice(...a),
    ...pinnedSlice(...a),
    ...toastSlice(...a),
    ...homeSlice(...a),
    ...overlaySlice(...a),
    ...sessionDialogSlice(...a),
  }));
}

export const useUi = createUiStore();
