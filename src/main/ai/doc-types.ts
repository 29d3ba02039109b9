/** The document types every provider answers with. Stable identifiers; the UI maps them to words. */
export const DOC_TYPES = [
  'invoice',
  'receipt',
  'bank_statement',
  'contract',
  'letter',
  'payslip',
  'tax',
  'insurance',
  'medical',
  'report',
  'manual',
  'other',
] as const;
export type DocType = (typeof DOC_TYPES)[number];

export const DOC_TYPE_LABEL: Record<DocType, string> = {
  invoice: 'Invoice',
  receipt: 'Receipt',
  bank_statement: 'Bank statement',
  contract: 'Contract',
  letter: 'Letter',
  payslip: 'Payslip',
  tax: 'Tax',
  insurance: 'Insurance',
  medical: 'Medical',
  report: 'Report',
  manual: 'Manual',
  other: 'Other',
};

const ALIASES: Record<string, DocType> = {
  bill: 'invoice',
  statement: 'bank_statement',
  bankstatement: 'bank_statement',
  account_statement: 'bank_statement',
  agreement: 'contract',
  correspondence: 'letter',
  email: 'letter',
  pay_slip: 'payslip',
  salary_statement: 'payslip',
  tax_document: 'tax',
  tax_return: 'tax',
  insurance_policy: 'insurance',
  medical_record: 'medical',
  user_manual: 'manual',
  guide: 'manual',
};

/** Maps a model's free-form answer ("Bank Statement", "bill") onto DOC_TYPES; unknown → 'other'. */
export function normalizeDocType(value: string): DocType {
  const key = value.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if ((DOC_TYPES as readonly string[]).includes(key)) return key as DocType;
  return ALIASES[key] ?? 'other';
}
