// German and French → English glosses for the words of household and small-office paperwork,
// so that the English-only sentence encoder sees "electricity annual statement" in a
// "Jahresabrechnung Strom". Plain data, one `word=gloss` pair per entry, grouped by domain;
// written from the domains of SPEC §1 (invoices, receipts, bank, tax, housing, work, insurance,
// health, school, authorities, trades, appliances), not from any one document or query.
// Keys are lowercase without accents; German keys double as compound parts ("strom" +
// "rechnung"), so keep them as stems where the language builds compounds from them.

const DE = `
rechnung=invoice bill|abrechnung=statement bill|jahresabrechnung=annual statement bill|nebenkostenabrechnung=service charges statement
rechnungsnummer=invoice number|rechnungsdatum=invoice date|rechnungsbetrag=invoice amount|betrag=amount|gesamtbetrag=total amount
summe=total sum|gesamt=total|zwischensumme=subtotal|netto=net|brutto=gross|mwst=vat tax|mehrwertsteuer=vat tax|ust=vat tax
zahlbar=payable|zahlung=payment|zahlen=pay|bezahlt=paid|bezahlen=pay|gezahlt=paid|nachzahlung=additional payment owed|guthaben=credit balance
abschlag=instalment advance payment|abschlagszahlung=instalment advance payment|rate=instalment|raten=instalments|frist=deadline|fällig=due
mahnung=payment reminder overdue|zahlungserinnerung=payment reminder|lastschrift=direct debit|überweisung=bank transfer|überwiesen=transferred
kosten=costs|preis=price|arbeitspreis=unit price|grundpreis=standing charge|gebühr=fee|gebühren=fees|beitrag=contribution fee premium
kunde=customer|kunden=customer|kundennummer=customer number|kundendienst=customer service|auftrag=order|bestellung=order|lieferung=delivery
angebot=offer quote|kostenvoranschlag=cost estimate quote|quittung=receipt|beleg=receipt|kassenbon=till receipt|bon=receipt|kasse=till
einkauf=purchase shopping|kauf=purchase|verkauf=sale|rückgeld=change|bar=cash|karte=card|kartenzahlung=card payment|ec=debit card
rabatt=discount|skonto=discount|abzug=deduction|ohne=without|inkl=including|zzgl=plus|pro=per|stück=piece|menge=quantity
leistung=service work|leistungen=services|material=materials|arbeitszeit=working hours labour|stunde=hour|stunden=hours|std=hours
konto=account|kontoauszug=bank account statement|auszug=statement|kontoinhaber=account holder|kontostand=balance|saldo=balance
buchung=booking transaction|buchungstag=transaction date|verwendungszweck=payment reference|gutschrift=credit|belastung=debit
bank=bank|sparkasse=savings bank|volksbank=cooperative bank|girokonto=current checking account|sparkonto=savings account|sparbuch=savings book
zins=interest|zinsen=interest|ertrag=income yield|erträge=earnings yield|dividende=dividend|depot=securities account|kredit=loan credit
darlehen=loan|tilgung=repayment|hypothek=mortgage|baufinanzierung=mortgage home loan|schulden=debt|einzahlung=deposit|auszahlung=payout withdrawal
steuer=tax|steuern=taxes|steuernummer=tax number|steuerklasse=tax class|finanzamt=tax office|bescheid=notice assessment|steuerbescheid=tax assessment notice
einkommen=income|einkommensteuer=income tax|lohnsteuer=wage tax|kirchensteuer=church tax|solidaritätszuschlag=solidarity surcharge
erstattung=refund|erstattungsbetrag=refund amount|rückerstattung=refund|festgesetzt=assessed|festsetzung=assessment|einspruch=objection appeal
steuererklärung=tax return|grundsteuer=property tax|kfz=car vehicle|hundesteuer=dog tax|vorauszahlung=advance payment|fiskus=tax authority
miete=rent|mieter=tenant|vermieter=landlord|mietvertrag=rental tenancy agreement|mietsache=rented property|mietzeit=rental term|kaltmiete=basic rent
warmmiete=rent including heating|kaution=deposit|nebenkosten=service charges utilities|hausverwaltung=property management|wohnung=flat apartment
wohnraum=living space|haus=house|zimmer=room|wohnzimmer=living room|schlafzimmer=bedroom|küche=kitchen|bad=bathroom|flur=hallway
keller=cellar|dach=roof|fenster=window|tür=door|wand=wall|wände=walls|decke=ceiling|boden=floor|treppe=stairs|garten=garden|balkon=balcony
eigentum=property ownership|eigentumswohnung=owned apartment condo|grundstück=plot land|immobilie=property real estate|kaufvertrag=purchase contract
gutachten=expert report appraisal|gutachter=surveyor appraiser|wertgutachten=valuation report|verkehrswert=market value|bewertung=valuation
wert=value|zustand=condition|saniert=renovated|sanierung=renovation|schaden=damage|schäden=damage|feuchtigkeit=damp moisture|schimmel=mould
strom=electricity power|gas=gas|wasser=water|heizung=heating|heiz=heating|energie=energy|verbrauch=consumption usage|zähler=meter|zählerstand=meter reading
stadtwerke=municipal utility company|versorger=utility supplier|kwh=kwh|müll=rubbish waste|abfall=waste|abwasser=sewage|internet=internet
telefon=phone|handy=mobile phone|mobilfunk=mobile phone|tarif=tariff plan|vertrag=contract|laufzeit=term duration|kündigung=cancellation notice
kündigen=cancel|kündigungsfrist=notice period|verlängerung=renewal extension|verlängert=extended renewed|beginn=start|ablauf=expiry|ende=end
vereinbarung=agreement|bedingungen=conditions terms|unterschrift=signature|vertragspartner=contracting party|paragraph=section|anlage=attachment
gehalt=salary|lohn=wage pay|entgelt=pay remuneration|entgeltabrechnung=payslip pay statement|lohnabrechnung=payslip|gehaltsabrechnung=payslip
bezüge=earnings|bruttobezüge=gross earnings|nettobezug=net pay|nettolohn=net pay take-home|auszahlungsbetrag=payout amount|personalnummer=employee number
arbeitgeber=employer|arbeitnehmer=employee|arbeit=work|arbeitsvertrag=employment contract|stelle=job position|urlaub=holiday leave|urlaubstage=days of leave
probezeit=probation period|überstunden=overtime|rente=pension|rentenversicherung=pension insurance|krankenversicherung=health insurance
arbeitslosenversicherung=unemployment insurance|pflegeversicherung=care insurance|sozialversicherung=social security|zeugnis=certificate reference school report
versicherung=insurance|versicherungsschein=insurance policy|police=policy|versichert=insured|versicherungssumme=sum insured|versicherungsnehmer=policyholder
hausrat=household contents|hausratversicherung=home contents insurance|haftpflicht=liability|haftpflichtversicherung=liability insurance|kasko=car comprehensive
schadensmeldung=claim report|schadenfall=insurance claim|selbstbeteiligung=excess deductible|prämie=premium|leistungsfall=claim
arzt=doctor|ärztin=doctor|praxis=doctor's practice surgery|hausarzt=family doctor gp|facharzt=specialist doctor|fachärztin=specialist doctor
innere=internal|medizin=medicine|internist=internist|zahnarzt=dentist|zahn=tooth|zähne=teeth|krankenhaus=hospital|klinik=clinic|notaufnahme=emergency
befund=findings result|befundbericht=medical findings report|bericht=report|diagnose=diagnosis|labor=laboratory lab|laborwerte=laboratory results
blut=blood|blutbild=blood count|blutzucker=blood sugar|cholesterin=cholesterol|erhöht=raised high|unauffällig=normal|normbereich=normal range
rezept=prescription|medikament=medicine drug|tablette=tablet pill|tabletten=tablets pills|impfung=vaccination|impfpass=vaccination record|krank=ill sick
krankheit=illness|behandlung=treatment|untersuchung=examination|termin=appointment|überweisungsschein=referral|entlassung=discharge|kontrolle=check-up
schmerz=pain|schmerzen=pain|fieber=fever|allergie=allergy|apotheke=pharmacy|brille=glasses|ernährung=diet nutrition|umstellung=change
schule=school|schüler=pupil|schülerin=pupil|klasse=class|lehrer=teacher|lehrerin=teacher|noten=grades|ausflug=trip outing|klassenfahrt=class trip
kindergarten=nursery|kita=nursery daycare|eltern=parents|kind=child|kinder=children|sohn=son|tochter=daughter|familie=family|geburt=birth|geb=born
verein=club association|mitglied=member|mitglieder=members|mitgliedsbeitrag=membership fee|versammlung=meeting assembly|mitgliederversammlung=members meeting
einladung=invitation|vorstand=board|tagesordnung=agenda|wahlen=elections|sitzung=meeting|protokoll=minutes|turnverein=gymnastics sports club|sport=sport
stadt=city town|gemeinde=municipality council|rathaus=town hall|bürgeramt=citizens office|amt=office authority|behörde=authority|antrag=application
ausweis=identity card|personalausweis=identity card|reisepass=passport|pass=passport|führerschein=driving licence|anmeldung=registration|meldebescheinigung=registration certificate
brief=letter|schreiben=letter|mitteilung=notice|benachrichtigung=notification|information=information|hinweis=note notice|hinweise=notes
sehr=very|geehrter=dear|geehrte=dear|liebe=dear|lieber=dear|grüße=regards|grüßen=regards|freundlichen=kind|herr=mr|herrn=mr|frau=mrs ms|datum=date
bestätigen=confirm|bestätigung=confirmation|bitte=please|danke=thank you|dank=thanks|vielen=many|herzlich=warmly|betreff=subject|anfrage=enquiry
maler=painter decorator|malerbetrieb=painting and decorating firm|streichen=paint|gestrichen=painted|farbe=paint colour|tapezieren=wallpaper
handwerker=tradesman|elektriker=electrician|klempner=plumber|installateur=plumber installer|sanitär=plumbing|dachdecker=roofer|schreiner=carpenter joiner|tischler=carpenter
reparatur=repair|reparieren=repair|werkstatt=workshop garage|wartung=maintenance service|inspektion=inspection service|austausch=replacement|ersatz=replacement
auto=car|wagen=car|fahrzeug=vehicle|bremse=brake|bremsen=brakes|reifen=tyres|tüv=vehicle inspection|kennzeichen=number plate|tankstelle=petrol station|benzin=petrol
bäckerei=bakery|bäcker=baker|brot=bread|brötchen=bread rolls|brezel=pretzel|laugenbrezel=pretzel|kuchen=cake|kaffee=coffee|tee=tea|milch=milk
supermarkt=supermarket|lebensmittel=groceries food|obst=fruit|gemüse=vegetables|fleisch=meat|käse=cheese|eier=eggs|getränke=drinks|restaurant=restaurant
bahn=railway train|zug=train|fahrkarte=ticket|ticket=ticket|reise=trip travel|flug=flight|hotel=hotel|urlaubsreise=holiday trip|gepäck=luggage
anleitung=instructions manual|bedienungsanleitung=user manual operating instructions|gebrauchsanweisung=instructions for use|handbuch=manual handbook
sicherheitshinweise=safety instructions|sicherheit=safety|bedienung=operation|bedienfeld=control panel|einstellen=set adjust|einstellung=setting
störung=fault malfunction|störungen=faults|fehler=error fault|gerät=appliance device|kessel=boiler|brennwertkessel=condensing boiler|heiztechnik=heating engineering
warmwasser=hot water|druck=pressure|prüfen=check|drücken=press|taste=button|flamme=flame|flammenbildung=ignition flame|gashahn=gas valve
waschmaschine=washing machine|spülmaschine=dishwasher|kühlschrank=fridge|herd=cooker|backofen=oven|staubsauger=vacuum cleaner|drucker=printer|router=router
garantie=warranty guarantee|gewährleistung=warranty|kaufbeleg=proof of purchase|hersteller=manufacturer|modell=model|seriennummer=serial number
januar=january|februar=february|märz=march|april=april|mai=may|juni=june|juli=july|august=august|september=september|oktober=october|november=november|dezember=december
jahr=year|jahres=annual yearly|jährlich=annual yearly|monat=month|monate=months|monatlich=monthly|monats=monthly|woche=week|tag=day|tage=days|zeitraum=period
heute=today|morgen=tomorrow|gestern=yesterday|neu=new|neue=new|neuer=new|neuen=new|alt=old|alte=old|groß=large|klein=small|weiß=white
verkehr=traffic|unfall=accident|polizei=police|bußgeld=fine|strafzettel=parking ticket|gericht=court|anwalt=lawyer|notar=notary|rechtsanwalt=lawyer
spende=donation|spendenquittung=donation receipt|spendenbescheinigung=donation receipt|gemeinnützig=charitable|umwelt=environment|naturschutz=nature conservation
tier=animal|tierarzt=vet|hund=dog|katze=cat|impfen=vaccinate
`;

const FR = `
facture=invoice bill|factures=invoices|montant=amount|total=total|ht=before tax|ttc=including tax|tva=vat tax|taxe=tax|taxes=taxes
payer=pay|paiement=payment|payé=paid|règlement=payment settlement|virement=bank transfer|prélèvement=direct debit|prélevé=debited|échéance=due date
reste=remaining|dû=due|acompte=deposit advance|avoir=credit note|remboursement=refund|remboursé=refunded|frais=fees costs|coût=cost|prix=price
client=customer|commande=order|livraison=delivery|devis=quote estimate|reçu=receipt|ticket=ticket receipt|caisse=till|achat=purchase|vente=sale
espèces=cash|carte=card|cb=card payment|contact=contact|remise=discount|réduction=discount|quantité=quantity|unité=unit
main=hand|œuvre=work|oeuvre=work|heure=hour|heures=hours|travaux=works|intervention=call-out|remplacement=replacement|réparation=repair|installation=installation
compte=account|relevé=statement|solde=balance|précédent=previous|nouveau=new|nouvelle=new|titulaire=account holder|libellé=description
débit=debit|crédit=credit|banque=bank|bancaire=bank|épargne=savings|livret=savings account|intérêts=interest|prêt=loan|emprunt=loan|crédit=credit
impôt=tax|impôts=taxes|revenu=income|revenus=income|fiscal=tax|fiscale=tax|avis=notice|déclaration=return declaration|finances=finances|publiques=public
direction=directorate|générale=general|recouvrement=collection|établissement=issue|retenue=withholding|source=source|net=net|brut=gross
impot=tax|taxe foncière=property tax|foncière=property land|habitation=housing home|référence=reference|numéro=number|n°=number
loyer=rent|locataire=tenant|propriétaire=landlord owner|bail=lease|logement=home dwelling|appartement=flat apartment|maison=house|pièce=room|chambre=bedroom
cuisine=kitchen|salon=living room|salle=room|bains=bath|immeuble=building|charges=service charges|caution=deposit|dépôt=deposit|état=state condition
électricité=electricity|électrique=electrical|tableau=panel board|gaz=gas|eau=water|chauffage=heating|énergie=energy|consommation=consumption|compteur=meter
téléphone=phone|portable=mobile phone|abonnement=subscription|forfait=plan|contrat=contract|durée=duration term|indéterminée=indefinite permanent|résiliation=cancellation
signé=signed|soussignés=undersigned|convenu=agreed|article=article section|engagement=hiring commitment|engagé=hired|période=period|essai=trial probation
salaire=salary|salarié=employee|employeur=employer|emploi=job|travail=work employment|rémunération=pay remuneration|bulletin=slip bulletin|paie=pay
cotisations=contributions|salariales=employee|patronales=employer|congés=leave holiday|payés=paid|mensuel=monthly|annuel=annual|coefficient=grade
graphiste=graphic designer|gérante=manager|gérant=manager|représentée=represented|demeurant=residing|fait=done|exemplaires=copies
assurance=insurance|assuré=insured|assurée=insured|assureur=insurer|attestation=certificate|garanties=cover guarantees|garantie=warranty cover
responsabilité=liability|civile=civil|incendie=fire|dégâts=damage|eaux=water|vol=theft|sinistre=claim loss|franchise=excess|cotisation=premium contribution
mutuelle=mutual health insurer|prime=premium|police=policy|certifions=certify|délivrée=issued|valoir=serve
médecin=doctor|docteur=doctor|généraliste=general practitioner gp|ordonnance=prescription|comprimé=tablet pill|comprimés=tablets pills|traitement=treatment
matin=morning|soir=evening|jours=days|jour=day|douleur=pain|fièvre=fever|maximum=maximum|pharmacie=pharmacy|pharmacien=pharmacist|hôpital=hospital
clinique=clinic|urgences=emergency|analyse=test|analyses=tests|sang=blood|résultats=results|consultation=consultation|dentiste=dentist|dent=tooth
vaccin=vaccine|vaccination=vaccination|maladie=illness|malade=ill|santé=health|sécurité sociale=social security|rendez=appointment|vous=you
amoxicilline=amoxicillin antibiotic|paracétamol=paracetamol painkiller|antibiotique=antibiotic|allergie=allergy|lunettes=glasses
école=school|élève=pupil|classe=class|enseignant=teacher|professeur=teacher|notes=grades|sortie=outing trip|enfant=child|enfants=children|parents=parents
fils=son|fille=daughter|famille=family|naissance=birth|né=born|née=born|association=association club|membre=member|membres=members|adhésion=membership
assemblée=assembly meeting|réunion=meeting|invitation=invitation|ordre=order|mairie=town hall|commune=municipality|ville=city town|préfecture=prefecture
service=service department|civil=civil|état civil=civil registry|carte nationale=national card|identité=identity|passeport=passport|permis=licence
renouvellement=renewal|disponible=available|retirer=collect withdraw|accueil=reception desk|ancienne=old|récépissé=receipt|lettre=letter|courrier=letter mail
objet=subject|monsieur=sir mr|madame=madam mrs|salutations=regards|distinguées=kind|cordialement=regards|merci=thank you|visite=visit|remerciements=thanks
boulangerie=bakery|baguette=baguette bread|pain=bread|croissants=croissants|croissant=croissant|beurre=butter|tarte=tart pie|fraises=strawberries|gâteau=cake
café=coffee|thé=tea|lait=milk|supermarché=supermarket|courses=groceries shopping|fruits=fruit|légumes=vegetables|viande=meat|fromage=cheese|œufs=eggs
restaurant=restaurant|repas=meal|train=train|billet=ticket|voyage=trip travel|vol=flight|hôtel=hotel|bagages=luggage|gare=station
notice=instructions manual|utilisation=use|mode d'emploi=instructions for use|manuel=manual|sommaire=contents|consignes=instructions|sécurité=safety
mise=putting|première=first|préparer=prepare make|détartrage=descaling|détartrer=descale|détartrez=descale|entretien=maintenance cleaning|appareil=appliance device
machine=machine|cafetière=coffee maker|cafetières=coffee makers|expresso=espresso|réservoir=water tank|rincez=rinse|tasses=cups|tasse=cup|chaude=hot|chaud=hot
produit=product|recommandé=recommended|mois=months month|tous=every|deux=two|lave=washing|linge=laundry|vaisselle=dishes|réfrigérateur=fridge|four=oven
panne=breakdown fault|erreur=error|réglage=setting|bouton=button|appuyez=press|voiture=car|véhicule=vehicle|freins=brakes|pneus=tyres|garage=garage
janvier=january|février=february|mars=march|avril=april|mai=may|juin=june|juillet=july|août=august|septembre=september|octobre=october|novembre=november|décembre=december
année=year|an=year|ans=years|semaine=week|date=date|aujourd'hui=today|fin=end|début=start|lundi=monday|vendredi=friday
don=donation|dons=donations|reçu fiscal=tax receipt donation|environnement=environment|animal=animal|vétérinaire=vet|chien=dog|chat=cat
avocat=lawyer|notaire=notary|tribunal=court|amende=fine|accident=accident|dommages=damage
`;

function parse(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of block.split(/[|\n]/)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = fold(pair.slice(0, eq).trim());
    if (!out.has(key)) out.set(key, pair.slice(eq + 1).trim());
  }
  return out;
}

/** Lowercase without accents: the lexicon's keys and the words looked up in it. */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/œ/g, 'oe').replace(/ß/g, 'ss');
}

export const GLOSS: Record<'de' | 'fr', Map<string, string>> = { de: parse(DE), fr: parse(FR) };
