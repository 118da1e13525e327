// Keeps one page's failure (a chunk that could not be fetched, a rendering
// bug) from blanking the whole app: the sidebar stays, and the page says what
// happened and offers a reload.
import { Component, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

export class PageErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey: string }) {
    // Going to another page tries again.
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override componentDidCatch(error: Error) {
    console.error(error);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="page-message" role="alert">
        <p>This page could not be shown: {this.state.error.message}</p>
        <p>If you are offline, it may not be saved on this device yet.</p>
        <button type="button" className="secondary small" onClick={() => location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
