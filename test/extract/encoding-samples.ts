/**
 * Known UTF-8 texts and the legacy encodings people keep them in. The tests
 * encode each with iconv-lite and expect the extractor to give the text back;
 * bench/encodings.ts measures the charset detectors on the same samples.
 */
export interface EncodingSample {
  language: string;
  text: string;
  /** Encodings (iconv-lite names) this text is found in on real disks. */
  encodings: string[];
  /** Words that must survive decoding. */
  words: string[];
}

export const ENCODING_SAMPLES: EncodingSample[] = [
  {
    language: 'Russian',
    text:
      'Уважаемый Иван Петрович!\n\nНаправляем вам счёт на оплату за услуги связи за октябрь. ' +
      'Просим оплатить его до конца месяца, чтобы избежать отключения. ' +
      'Если у вас есть вопросы по счёту, позвоните нам по телефону или напишите письмо. ' +
      'Спасибо, что пользуетесь нашими услугами.\n\nС уважением, бухгалтерия.\n',
    encodings: ['windows-1251', 'koi8-r', 'ibm866', 'iso-8859-5'],
    words: ['Уважаемый', 'оплату', 'бухгалтерия'],
  },
  {
    language: 'Japanese',
    text:
      '請求書のご案内\n\nいつもお世話になっております。今月分のご利用料金についてお知らせいたします。' +
      'お支払い期限は月末となっておりますので、期日までにお振り込みをお願いいたします。' +
      'ご不明な点がございましたら、お気軽にお問い合わせください。今後ともよろしくお願い申し上げます。\n',
    encodings: ['shift_jis', 'euc-jp'],
    words: ['請求書', 'お支払い期限', 'よろしくお願い'],
  },
  {
    language: 'Chinese (simplified)',
    text:
      '关于缴纳物业管理费的通知\n\n各位业主：根据物业服务合同的约定，现将本年度第四季度物业管理费的缴纳事宜通知如下。' +
      '请各位业主在本月底之前到物业服务中心办理缴费手续，逾期未缴纳的将按照合同规定收取滞纳金。' +
      '感谢大家的理解与支持。\n',
    encodings: ['gb18030', 'gbk'],
    words: ['物业管理费', '缴纳', '感谢大家'],
  },
  {
    language: 'Chinese (traditional)',
    text:
      '關於繳納管理費的通知\n\n各位住戶：根據管理委員會的決議，現將本年度第四季管理費的繳納事項說明如下。' +
      '請各位住戶於本月底之前到服務中心辦理繳費手續，逾期未繳納者將依照規定收取滯納金。' +
      '感謝大家的理解與支持。\n',
    encodings: ['big5'],
    words: ['管理費', '繳納', '感謝大家'],
  },
  {
    language: 'Greek',
    text:
      'Αγαπητέ κύριε Παπαδόπουλε,\n\nσας αποστέλλουμε τον λογαριασμό ηλεκτρικού ρεύματος για τον μήνα Οκτώβριο. ' +
      'Παρακαλούμε να τον εξοφλήσετε μέχρι το τέλος του μήνα. Για οποιαδήποτε απορία μπορείτε να επικοινωνήσετε ' +
      'μαζί μας στο τηλέφωνο εξυπηρέτησης πελατών.\n\nΜε εκτίμηση, το λογιστήριο.\n',
    encodings: ['windows-1253', 'iso-8859-7'],
    words: ['λογαριασμό', 'Οκτώβριο', 'λογιστήριο'],
  },
  {
    language: 'German',
    text:
      'Sehr geehrte Frau Müller,\n\nanbei erhalten Sie die Rechnung für die Reparatur Ihrer Heizungsanlage. ' +
      'Bitte überweisen Sie den Betrag von 1.234,56 € innerhalb von vierzehn Tagen auf unser Konto. ' +
      'Für Rückfragen stehen wir Ihnen gerne zur Verfügung. Größere Schäden wurden nicht festgestellt.\n\n' +
      'Mit freundlichen Grüßen\nJürgen Weiß\n',
    encodings: ['windows-1252', 'iso-8859-15'],
    words: ['Müller', 'überweisen', 'Grüßen', 'Weiß'],
  },
  {
    language: 'French',
    text:
      'Madame, Monsieur,\n\nVeuillez trouver ci-joint la facture relative à l’entretien de votre chaudière. ' +
      'Le règlement doit être effectué avant la fin du mois. Nous restons à votre disposition pour toute question ' +
      'concernant cette prestation. Nous vous prions d’agréer nos salutations distinguées.\n\nFrançois Lefèvre\n',
    encodings: ['windows-1252'],
    words: ['chaudière', 'règlement', 'être', 'François', 'Lefèvre'],
  },
  {
    language: 'Spanish',
    text:
      'Estimado señor García:\n\nLe enviamos la factura correspondiente al mantenimiento del ascensor durante el año pasado. ' +
      'Le rogamos que realice el pago antes del próximo miércoles. Si tiene alguna duda, no dude en ponerse en contacto ' +
      'con nuestra oficina de atención al cliente.\n\nAtentamente, José Muñoz\n',
    encodings: ['iso-8859-1'],
    words: ['señor', 'García', 'miércoles', 'Muñoz'],
  },
];
