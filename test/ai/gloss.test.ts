// The English gloss the sentence encoder reads for German and French passages.
import { describe, expect, it } from 'vitest';
import { encoderText, glossLanguage, glossText } from '../../src/main/ai/gloss';

describe('the gloss of German and French passages for the English-only encoder', () => {
  it('tells German and French passages from English ones, and leaves English (and unclear) text alone', () => {
    expect(glossLanguage('Sehr geehrte Frau Berger, anbei erhalten Sie die Rechnung für die Reparatur der Heizung. Bitte überweisen Sie den Betrag bis zum 30. Juni.')).toBe('de');
    expect(glossLanguage("Madame, veuillez trouver ci-joint la facture de l'entretien de la chaudière. Le montant est à régler avant le 30 juin.")).toBe('fr');
    const english = 'Dear Mrs Berger, please find attached the invoice for the repair of the boiler. Please pay the amount by 30 June.';
    expect(glossLanguage(english)).toBeNull();
    expect(encoderText(english)).toBe(english);
    expect(glossLanguage('Hotel Bank Ticket 12,40')).toBeNull();
  });

  it('glosses known words and German compounds from their parts, keeps names and numbers, drops function words', () => {
    const de = glossText('Nebenkostenabrechnung 2023 für die Wohnung von Frau Berger: Nachzahlung 84,20 €, Heizkosten und Wasserverbrauch', 'de');
    expect(de).toContain('service charges statement');
    expect(de).toContain('flat apartment');
    expect(de).toContain('Berger');
    expect(de).toContain('2023');
    expect(de).toMatch(/heating costs/);
    expect(de).toMatch(/water consumption/);
    expect(de).not.toMatch(/\b(die|für|und)\b/);
    const fr = glossText("Avis d'impôt sur le revenu : le remboursement sera versé par virement", 'fr');
    expect(fr).toMatch(/notice .*tax .*income .*refund .*bank transfer/);
  });
});
