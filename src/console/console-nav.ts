/**
 * The console's navigation, in the order shown. A new page adds one line here (its path and label); the layout marks
 * the entry whose path starts the current page's path as the current one.
 */
export const CONSOLE_NAV: ReadonlyArray<{ path: string; label: string }> = [
  { path: '/console/connections', label: 'Connections' },
  { path: '/console/call-log', label: 'Call log' },
  { path: '/console/health', label: 'Health' },
  { path: '/console/charge-story', label: 'Charge story' },
];
