/**
 * Above a list: what it shows (a live region, so a screen reader hears it change), "Loading…"
 * until its first page is in, and its Refresh button.
 */
export function ListToolbar({ list, shown }: { list: { loading: boolean; items: readonly unknown[]; reload: () => unknown }; shown: string }) {
  return (
    <div className="toolbar">
      <p role="status">{list.loading && list.items.length === 0 ? 'Loading…' : shown}</p>
      <button type="button" onClick={() => void list.reload()} disabled={list.loading}>
        Refresh
      </button>
    </div>
  );
}
