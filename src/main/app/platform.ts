/**
 * The platform of every door without a window — browser mode and the CLI: no native folder
 * picker (the renderer's FolderBrowser asks the service instead), no file manager to show a file
 * in, and the API key at rest in the key file beside the library's data.
 */
import { ApiError } from '../../shared/errors';
import { keyFileSecretBox } from './secrets';
import type { Platform } from './service-api';

export function headlessPlatform(dataDir: string): Platform {
  return {
    mode: 'browser',
    chooseFolder: async () => null,
    showInFolder: async () => {
      throw new ApiError('not_supported', 'Show in folder is not available without the desktop app');
    },
    openExternal: async () => undefined,
    secrets: keyFileSecretBox(dataDir),
  };
}
