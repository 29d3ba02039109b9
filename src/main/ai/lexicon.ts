// Word lists behind the local provider's rules. Plain data; local.ts compiles it once.
import type { DocType } from './doc-types';

/** Frequent function words per language: enough to tell the languages apart, and never tags. */
export const STOPWORDS: Record<string, string[]> = {
  en: ['the', 'a', 'and', 'of', 'to', 'is', 'in', 'for', 'with', 'this', 'that', 'you', 'your', 'are', 'be', 'on', 'we', 'our', 'please', 'from', 'will', 'have', 'has', 'it', 'at', 'by', 'as', 'or', 'an', 'was', 'not', 'which', 'would', 'been', 'were', 'they', 'their', 'any', 'all', 'if', 'can', 'may', 'shall', 'these', 'those', 'there', 'here', 'than', 'then', 'also', 'into', 'about', 'out', 'up', 'no', 'yes', 'my', 'me', 'us', 'he', 'she', 'his', 'her', 'them', 'per', 'dear', 'regards', 'sincerely'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'mit', 'für', 'von', 'den', 'dem', 'des', 'ein', 'eine', 'einen', 'einer', 'zu', 'auf', 'im', 'sie', 'wir', 'ihr', 'ihre', 'ihren', 'ihnen', 'bitte', 'bei', 'sich', 'auch', 'es', 'an', 'aus', 'nach', 'oder', 'wird', 'werden', 'wurde', 'sind', 'haben', 'hat', 'vom', 'zum', 'zur', 'über', 'unter', 'diese', 'dieser', 'dieses', 'noch', 'nur', 'wie', 'als', 'so', 'uns', 'unser', 'unsere', 'sehr', 'geehrte', 'geehrter', 'freundlichen', 'grüßen'],
  fr: ['de', 'le', 'la', 'les', 'et', 'est', 'des', 'du', 'pour', 'dans', 'une', 'un', 'sur', 'pas', 'vous', 'votre', 'vos', 'nous', 'notre', 'nos', 'avec', 'par', 'au', 'aux', 'ce', 'cette', 'ces', 'qui', 'que', 'sont', 'été', 'être', 'avez', 'avons', 'mais', 'ou', 'où', 'son', 'sa', 'ses', 'leur', 'leurs', 'il', 'elle', 'ils', 'je', 'madame', 'monsieur', 'cordialement', 'veuillez', 'agréer'],
  es: ['de', 'el', 'la', 'los', 'las', 'y', 'es', 'del', 'para', 'en', 'una', 'un', 'por', 'con', 'que', 'su', 'sus', 'usted', 'ustedes', 'nuestro', 'nuestra', 'se', 'lo', 'al', 'como', 'más', 'pero', 'este', 'esta', 'estos', 'estas', 'ha', 'han', 'fue', 'son', 'está', 'están', 'muy', 'sin', 'sobre', 'entre', 'cuando', 'también', 'estimado', 'estimada', 'atentamente', 'saludos'],
  nl: ['de', 'het', 'een', 'en', 'van', 'is', 'niet', 'voor', 'met', 'op', 'te', 'dat', 'die', 'u', 'uw', 'wij', 'we', 'ons', 'onze', 'zijn', 'worden', 'wordt', 'werd', 'aan', 'bij', 'naar', 'om', 'ook', 'maar', 'als', 'dan', 'nog', 'er', 'hier', 'deze', 'dit', 'geachte', 'vriendelijke', 'groet', 'groeten', 'heeft', 'hebben', 'kunt', 'graag'],
  it: ['il', 'lo', 'la', 'gli', 'le', 'di', 'che', 'è', 'per', 'una', 'un', 'con', 'non', 'sono', 'del', 'della', 'dei', 'delle', 'nel', 'nella', 'al', 'alla', 'ai', 'da', 'dal', 'dalla', 'si', 'come', 'anche', 'questo', 'questa', 'suo', 'sua', 'vostro', 'vostra', 'nostro', 'nostra', 'gentile', 'cordiali', 'saluti', 'essere', 'stato', 'ha', 'hanno'],
  pt: ['de', 'o', 'a', 'os', 'as', 'e', 'é', 'do', 'da', 'dos', 'das', 'em', 'no', 'na', 'nos', 'nas', 'para', 'com', 'não', 'uma', 'um', 'por', 'que', 'se', 'seu', 'sua', 'seus', 'suas', 'você', 'vocês', 'foi', 'são', 'está', 'estão', 'ao', 'aos', 'pelo', 'pela', 'mais', 'mas', 'como', 'também', 'prezado', 'prezada', 'atenciosamente', 'obrigado'],
};

/** Extra words that are never salient tags (boilerplate of documents of any language). */
export const EXTRA_NON_TAGS = [
  'page', 'seite', 'total', 'date', 'datum', 'nr', 'no', 'number', 'tel', 'fax', 'email', 'mail', 'www', 'com', 'http', 'https',
  'due', 'eur', 'usd', 'gbp', 'chf', 'www', 'de', 'org', 'net', 'info', 'ref', 'str', 'street', 'road', 'von', 'bis', 'from', 'to',
];

export interface KeywordRule {
  /** Phrases (lowercase); matched whole-word, case-insensitive, whitespace-flexible. */
  phrases: string[];
  /** Stems that may end a compound word (German "Stromrechnung", "Kfz-Versicherung"). */
  compoundSuffixes?: string[];
  weight: number;
}

/**
 * Keyword rules per type. Specific phrases weigh more than generic words so
 * that "Lohnabrechnung" beats "Rechnung" and a letter about an invoice is an invoice.
 */
export const TYPE_RULES: Partial<Record<DocType, KeywordRule[]>> = {
  invoice: [
    { weight: 3, phrases: ['invoice', 'invoice number', 'invoice no', 'tax invoice', 'rechnung', 'rechnungsnummer', 'rechnungsdatum', 'rechnungsbetrag', 'facture', 'numéro de facture', 'factura', 'número de factura', 'factuur', 'factuurnummer', 'fattura', 'fatura'], compoundSuffixes: ['rechnung'] },
    { weight: 1.5, phrases: ['amount due', 'bill to', 'bill', 'bill date', 'your bill', 'amount to pay', 'balance outstanding', 'balance due', 'payment due', 'due date', 'zahlbar bis', 'zahlungsziel', 'fälligkeitsdatum', 'montant dû', 'date d\'échéance', 'importe total', 'fecha de vencimiento', 'te betalen', 'vervaldatum', 'importo totale', 'subtotal', 'zwischensumme', 'net amount', 'nettobetrag', 'mwst', 'ust', 'tva', 'iva', 'btw', 'vat'] },
  ],
  receipt: [
    { weight: 3, phrases: ['receipt', 'sales receipt', 'kassenbon', 'kassenzettel', 'quittung', 'kaufbeleg', 'reçu', 'ticket de caisse', 'recibo', 'ticket de compra', 'kassabon', 'ontvangstbewijs', 'ricevuta', 'scontrino', 'recibo de compra'] },
    { weight: 1.5, phrases: ['thank you for your purchase', 'thank you for shopping', 'change due', 'cash', 'card payment', 'paid', 'gegeben', 'rückgeld', 'vielen dank für ihren einkauf', 'merci de votre visite', 'gracias por su compra', 'bedankt voor uw aankoop'] },
  ],
  bank_statement: [
    { weight: 4, phrases: ['bank statement', 'account statement', 'statement of account', 'kontoauszug', 'relevé de compte', 'relevé bancaire', 'extracto bancario', 'extracto de cuenta', 'rekeningafschrift', 'bankafschrift', 'estratto conto', 'extrato bancário', 'extrato'] },
    { weight: 1.5, phrases: ['opening balance', 'closing balance', 'previous balance', 'new balance', 'alter kontostand', 'neuer kontostand', 'kontostand', 'solde', 'saldo', 'saldo anterior', 'beginsaldo', 'eindsaldo', 'iban', 'bic', 'transactions', 'buchungen', 'umsätze'] },
  ],
  contract: [
    { weight: 3, phrases: ['contract', 'agreement', 'terms of employment', 'membership agreement', 'lease agreement', 'employment contract', 'vertrag', 'arbeitsvertrag', 'mietvertrag', 'kaufvertrag', 'vereinbarung', 'contrat', 'contrato', 'overeenkomst', 'huurovereenkomst', 'contratto'], compoundSuffixes: ['vertrag', 'vereinbarung', 'overeenkomst'] },
    { weight: 1.5, phrases: ['the parties', 'hereby agree', 'terms and conditions', 'termination', 'signature', 'signed', 'vertragsparteien', 'kündigung', 'unterschrift', 'les parties', 'résiliation', 'las partes', 'firma', 'partijen', 'handtekening', 'le parti'] },
  ],
  letter: [
    { weight: 2, phrases: ['dear', 'hi', 'hello', 'cheers', 'hallo', 'viele grüße', 'liebe grüße', 'bonjour', 'amitiés', 'bien à vous', 'yours sincerely', 'yours faithfully', 'kind regards', 'best regards', 'sehr geehrte', 'sehr geehrter', 'mit freundlichen grüßen', 'mit freundlichen grüssen', 'liebe', 'lieber', 'madame, monsieur', 'chère madame', 'cher monsieur', 'cordialement', 'veuillez agréer', 'estimado', 'estimada', 'atentamente', 'geachte', 'met vriendelijke groet', 'gentile', 'cordiali saluti', 'distinti saluti', 'prezado', 'prezada', 'atenciosamente'] },
    { weight: 1, phrases: ['subject', 'betreff', 'objet', 'asunto', 'onderwerp', 'oggetto', 'assunto'] },
  ],
  payslip: [
    { weight: 5, phrases: ['payslip', 'pay slip', 'pay stub', 'paystub', 'salary statement', 'earnings statement', 'lohnabrechnung', 'gehaltsabrechnung', 'entgeltabrechnung', 'verdienstabrechnung', 'bulletin de paie', 'fiche de paie', 'bulletin de salaire', 'nómina', 'recibo de nómina', 'loonstrook', 'salarisstrook', 'busta paga', 'cedolino', 'recibo de vencimento', 'holerite'] },
    { weight: 1.5, phrases: ['gross pay', 'net pay', 'gross salary', 'net salary', 'bruttolohn', 'nettolohn', 'bruttogehalt', 'nettogehalt', 'auszahlungsbetrag', 'salaire brut', 'salaire net', 'salario bruto', 'salario neto', 'brutoloon', 'nettoloon', 'lordo', 'netto in busta'] },
  ],
  tax: [
    { weight: 4, phrases: ['tax return', 'council tax', 'property tax', 'self assessment', 'taxpayer', 'tax year', 'p60', 'p45', 'end of year certificate', 'grundsteuer', 'lohnsteuerbescheinigung', 'taxe foncière', 'taxe d\'habitation', 'avis d\'impôt', 'finances publiques', 'tax assessment', 'income tax', 'tax notice', 'form 1040', 'w-2', 'irs', 'hmrc', 'steuerbescheid', 'steuererklärung', 'einkommensteuer', 'einkommensteuerbescheid', 'finanzamt', 'avis d\'imposition', 'impôt sur le revenu', 'déclaration de revenus', 'declaración de la renta', 'agencia tributaria', 'hacienda', 'belastingdienst', 'aangifte inkomstenbelasting', 'belastingaanslag', 'agenzia delle entrate', 'dichiarazione dei redditi', 'imposto de renda', 'declaração de irs'], compoundSuffixes: ['steuerbescheid'] },
    { weight: 0.5, phrases: ['tax', 'steuer', 'impôt', 'impuesto', 'belasting', 'imposta'] },
  ],
  insurance: [
    { weight: 4, phrases: ['insurance', 'insurance policy', 'policy number', 'versicherung', 'versicherungsschein', 'versicherungsnummer', 'versicherungspolice', 'assurance', 'police d\'assurance', 'seguro', 'póliza', 'poliza', 'verzekering', 'polisnummer', 'assicurazione', 'polizza', 'apólice'], compoundSuffixes: ['versicherung', 'verzekering'] },
    { weight: 1.5, phrases: ['premium', 'coverage', 'insured', 'claim', 'beitrag', 'versicherungsnehmer', 'schadensmeldung', 'sinistre', 'siniestro', 'premie', 'schadeclaim', 'premio', 'sinistro'] },
  ],
  medical: [
    { weight: 3, phrases: ['medical', 'medical practice', 'blood results', 'blood test', 'laboratory', 'lab results', 'haemoglobin', 'hemoglobin', 'cholesterol', 'vaccination', 'vaccine', 'discharge summary', 'laborwerte', 'blutbild', 'cholesterin', 'impfung', 'vaccin', 'patient', 'diagnosis', 'prescription', 'hospital', 'clinic', 'physician', 'arzt', 'ärztin', 'arztbrief', 'befund', 'diagnose', 'rezept', 'krankenhaus', 'klinik', 'praxis', 'médecin', 'ordonnance', 'diagnostic', 'hôpital', 'médico', 'receta médica', 'diagnóstico', 'paciente', 'huisarts', 'ziekenhuis', 'patiënt', 'medico', 'ricetta medica', 'paziente', 'ospedale'] },
    { weight: 1, phrases: ['treatment', 'symptoms', 'dosage', 'mg', 'behandlung', 'traitement', 'tratamiento', 'behandeling', 'terapia'] },
  ],
  report: [
    { weight: 2.5, phrases: ['report', 'survey', 'gutachten', 'wertgutachten', 'verkehrswert', 'expertise', 'annual report', 'quarterly report', 'executive summary', 'findings', 'bericht', 'jahresbericht', 'rapport', 'rapport annuel', 'informe', 'informe anual', 'verslag', 'jaarverslag', 'relazione', 'rapporto', 'relatório'], compoundSuffixes: ['bericht', 'gutachten'] },
    { weight: 1, phrases: ['analysis', 'conclusion', 'conclusions', 'methodology', 'results', 'zusammenfassung', 'ergebnisse', 'analyse', 'résultats', 'resultados', 'resultaten', 'risultati'] },
  ],
  manual: [
    { weight: 3, phrases: ['manual', 'quick start guide', 'quick start', 'setup guide', 'guide', 'instructions', 'user manual', 'user guide', 'installation guide', 'instruction manual', 'operating instructions', 'handbuch', 'bedienungsanleitung', 'gebrauchsanweisung', 'anleitung', 'mode d\'emploi', 'manuel', 'notice d\'utilisation', 'manual de usuario', 'instrucciones', 'handleiding', 'gebruiksaanwijzing', 'manuale', 'istruzioni', 'manual do usuário'], compoundSuffixes: ['anleitung', 'handbuch'] },
    { weight: 1, phrases: ['step', 'troubleshooting', 'installation', 'warning', 'caution', 'schritt', 'warnung', 'étape', 'avertissement', 'paso', 'advertencia', 'stap', 'waarschuwing'] },
  ],
};

/** "From:" headers and their counterparts, whose value names the sender. */
export const FROM_LABELS = ['from', 'von', 'absender', 'de', 'expéditeur', 'remitente', 'van', 'afzender', 'da', 'mittente', 'remetente', 'sender'];
/** Lines that name the recipient, never the correspondent. */
export const TO_LABELS = ['to', 'an', 'à', 'a', 'para', 'aan', 'bill to', 'ship to', 'sold to', 'rechnungsempfänger', 'lieferadresse', 'cc', 'bcc'];
export const SUBJECT_LABELS = ['subject', 're', 'betreff', 'betr', 'objet', 'asunto', 'onderwerp', 'oggetto', 'assunto'];
export const HEADER_LABELS = [...FROM_LABELS, ...TO_LABELS, ...SUBJECT_LABELS, 'date', 'datum', 'fecha', 'data', 'sent', 'gesendet', 'envoyé', 'enviado', 'verzonden', 'inviato'];

/** Legal-form suffixes that mark an organisation's name. */
export const COMPANY_SUFFIXES = [
  'GmbH & Co. KG', 'GmbH', 'gGmbH', 'AG', 'KG', 'OHG', 'UG', 'e.V.', 'eG', 'SE',
  'Ltd.', 'Ltd', 'Limited', 'Inc.', 'Inc', 'LLC', 'LLP', 'PLC', 'plc', 'Corp.', 'Corporation', 'Co.',
  'S.A.', 'SA', 'SARL', 'SAS', 'S.L.', 'SL', 'S.p.A.', 'SpA', 'S.r.l.', 'Srl', 'B.V.', 'BV', 'N.V.', 'NV', 'Lda', 'Ltda',
];
