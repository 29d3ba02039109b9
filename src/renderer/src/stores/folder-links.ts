import { useApp } from './app';
import { useFailed } from './failed';

/** Opens Failed files showing only the files under `folder` (the other filters cleared). */
export function openFailedUnder(folder: string): void {
  useFailed.setState({ filter: { folder }, selected: new Set() });
  useApp.getState().navigate('failed');
  void useFailed.getState().query();
}
