export declare const INTAKE_FUSES: Record<number, boolean>;
export declare function flipIntakeFuses(binary: string, options?: { resetAdHocDarwinSignature?: boolean }): Promise<Record<string, string>>;
export interface AfterPackContext {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { executableName?: string; appInfo: { productFilename: string } };
}
export declare function packagedBinary(context: AfterPackContext): string;
export default function afterPack(context: AfterPackContext): Promise<Record<string, string>>;
